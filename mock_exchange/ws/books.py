"""Order-book streams: levels as wire strings, deltas between two books, and Bitget's CRC32 checksum
(docs/websocket.md: top 25 of each side interleaved bid, ask; joined by ':'; signed int32)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from decimal import Decimal

from ..state.market import Book
from ..views import plain

Level = tuple[str, str]  # (price, size) exactly as sent
CHECKSUM_DEPTH = 25


def wire_levels(book: Book, price_places: int, depth: int | None = None) -> tuple[list[Level], list[Level]]:
    """(asks ascending, bids descending) as the REST order book writes them, at most `depth` each."""
    asks = book.asks if depth is None else book.asks[:depth]
    bids = book.bids if depth is None else book.bids[:depth]
    spec = f".{price_places}f"
    return ([(format(lv.price, spec), plain(lv.size)) for lv in asks],
            [(format(lv.price, spec), plain(lv.size)) for lv in bids])


def checksum(bids: Sequence[Level], asks: Sequence[Level]) -> int:
    """The signed CRC32 of the interleaved top levels; a side that runs out leaves the other's alone."""
    parts: list[str] = []
    for i in range(CHECKSUM_DEPTH):
        if i < len(bids):
            parts += bids[i]
        if i < len(asks):
            parts += asks[i]
    crc = zlib.crc32(":".join(parts).encode("utf-8"))
    return crc - (1 << 32) if crc >= 1 << 31 else crc


def delta(old: Sequence[Level], new: Sequence[Level]) -> list[Level]:
    """The levels that turn `old` into `new`: changed or new ones with their size, gone ones with "0".

    Prices are compared as decimals written to the same places, so string equality is price equality."""
    before = dict(old)
    after = dict(new)
    out = [(p, s) for p, s in new if before.get(p) != s]
    out += [(p, "0") for p, _ in old if p not in after]
    return out



def applied(levels: Sequence[Level], changes: Sequence[Level], ascending: bool) -> list[Level]:
    """One side of a book with a delta's `changes` applied (size "0" removes a level, as `delta`
    writes it), best first: asks ascending, bids descending."""
    book = dict(levels)
    for price, size in changes:
        if size == "0":
            book.pop(price, None)
        else:
            book[price] = size
    return sorted(book.items(), key=lambda level: Decimal(level[0]), reverse=not ascending)

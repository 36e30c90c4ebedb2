"""A `books` channel order book, sans I/O: snapshot, deltas, and Bitget's CRC32 checksum over the top 25
levels (interleaved bid, ask; the strings exactly as received; signed 32-bit)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

CHECKSUM_DEPTH = 25


class ChecksumMismatch(Exception):
    """The book after an update does not hash to the checksum the server sent: resubscribe."""

    def __init__(self, expected: int, computed: int) -> None:
        super().__init__(f"order book checksum mismatch: server {expected}, local {computed}")
        self.expected = expected
        self.computed = computed


def book_checksum(bids: Sequence[Sequence[str]], asks: Sequence[Sequence[str]]) -> int:
    parts: list[str] = []
    for i in range(CHECKSUM_DEPTH):
        if i < len(bids):
            parts += bids[i][:2]
        if i < len(asks):
            parts += asks[i][:2]
    crc = zlib.crc32(":".join(parts).encode("utf-8"))
    return crc - (1 << 32) if crc >= 1 << 31 else crc


def _merge(side: dict[Decimal, tuple[str, str]], levels: Iterable[Sequence[str]]) -> None:
    for level in levels:
        price, size = str(level[0]), str(level[1])
        if Decimal(size) == 0:
            side.pop(Decimal(price), None)
        else:
            side[Decimal(price)] = (price, size)


class OrderBook:
    """One instrument's book as rebuilt from `books` pushes. `apply` takes one data item."""

    def __init__(self) -> None:
        self._bids: dict[Decimal, tuple[str, str]] = {}
        self._asks: dict[Decimal, tuple[str, str]] = {}
        self.seq: str | None = None
        self.ready = False

    @property
    def bids(self) -> list[tuple[str, str]]:
        """Best (highest) first, as the strings received."""
        return [self._bids[p] for p in sorted(self._bids, reverse=True)]

    @property
    def asks(self) -> list[tuple[str, str]]:
        return [self._asks[p] for p in sorted(self._asks)]

    def apply(self, action: str, item: dict[str, Any], verify: bool = True) -> None:
        """A snapshot replaces the book, an update merges into it; then the checksum is verified
        (when the item has one), ChecksumMismatch if it differs."""
        if action == "snapshot":
            self._bids.clear()
            self._asks.clear()
            self.ready = True
        elif not self.ready:
            raise ChecksumMismatch(int(item.get("checksum") or 0), 0)
        _merge(self._bids, item.get("bids") or ())
        _merge(self._asks, item.get("asks") or ())
        self.seq = item.get("seq", self.seq)
        if verify and "checksum" in item:
            computed = book_checksum(self.bids, self.asks)
            if computed != int(item["checksum"]):
                self.ready = False
                raise ChecksumMismatch(int(item["checksum"]), computed)

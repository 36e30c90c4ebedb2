"""The mock's own spot orders and fills: records, id-ordered indexes per account, resting books.

Every structure here is keyed or sorted so that the hot paths (place, cancel, fill, one page of a
listing) cost O(log n) whatever the number of resting orders or stored fills.
"""

from __future__ import annotations

import operator
import random
from array import array
from bisect import bisect_left
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from sortedcontainers import SortedList

from .catalog import SpotSymbol

ZERO = Decimal(0)
LIVE, PARTIAL, FILLED, CANCELLED = "live", "partially_filled", "filled", "cancelled"
STATUS_RANK = {LIVE: 0, PARTIAL: 1, FILLED: 2, CANCELLED: 2}
NO_PRESETS: Mapping[str, str | None] = MappingProxyType({})
_NEVER = 2**63  # a time after every other
T = TypeVar("T")


class IdSequence:
    """Increasing 19-digit decimal ids (orders, trades, transfers, withdrawals) from the seeded rng."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last = 1_100_000_000_000_000_000 + rng.randrange(10**15)

    def next(self) -> int:
        # `1 + rng.randrange(4096)`, drawn as Random._randbelow draws it (13 bits until one is below
        # 4096) without randrange's argument checks: the same ids from the same seed, a little cheaper
        step = self.rng.getrandbits(13)
        while step >= 4096:
            step = self.rng.getrandbits(13)
        self.last += 1 + step
        return self.last


def new_client_oid(rng: random.Random) -> str:
    """A UUID-like client id for requests that carry none (Bitget generates one too)."""
    return fresh_client_oid(rng, ())


def fresh_client_oid(rng: random.Random, taken: Container[str]) -> str:
    """A generated client id none of `taken` has (an account's clientOids are unique across its orders).

    The text of `uuid.UUID(int=rng.getrandbits(128), version=4)`, built without the UUID object (every
    order without a clientOid draws one)."""
    while True:
        client = _dashed(_UUID_GROUPS((rng.getrandbits(128) & _UUID_CLEAR | _UUID_V4).to_bytes(16, "big").hex()))
        if client not in taken:
            return client


_UUID_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits
_UUID_V4 = (0x8000 << 48) | (4 << 76)  # RFC 4122 variant, version 4
# the 8-4-4-4-12 groups of the 32 hex digits, cut in one C call (five slices in Python cost ~1.2k more)
_UUID_GROUPS = operator.itemgetter(slice(0, 8), slice(8, 12), slice(12, 16), slice(16, 20), slice(20, 32))
_dashed = "-".join


@dataclass(slots=True, eq=False)
class Order:
    oid: int
    uid: str
    sym: SpotSymbol
    side: str  # buy | sell
    order_type: str  # limit | market
    force: str
    price: Decimal  # 0 for market orders
    size: Decimal  # base coin; quote coin for market buys
    client_oid: str
    ctime: int
    utime: int
    presets: Mapping[str, str | None] = field(default_factory=lambda: NO_PRESETS)  # TP/SL prices (read only)
    status: str = LIVE
    base_volume: Decimal = ZERO
    quote_volume: Decimal = ZERO
    fee: Decimal = ZERO
    frozen: Decimal = ZERO  # what the order still reserves: quote for buys, base for sells
    cancel_reason: str = ""
    fills: Sequence[Fill] = ()  # a list from the first fill on (most orders never fill)

    @property
    def is_open(self) -> bool:
        return self.status in (LIVE, PARTIAL)

    @property
    def is_buy(self) -> bool:
        return self.side == "buy"

    @property
    def fee_coin(self) -> str:
        return self.sym.base if self.is_buy else self.sym.quote

    @property
    def frozen_coin(self) -> str:
        return self.sym.quote if self.is_buy else self.sym.base

    @property
    def remaining(self) -> Decimal:
        """Base coin still to trade (limit orders and market sells)."""
        return self.size - self.base_volume


@dataclass(slots=True, eq=False)
class Fill:
    """One trade of an order. It names its order by id (no reference back to the Order, which holds
    its fills): without that cycle, forgotten history is freed by reference counting at once."""

    tid: int
    oid: int
    uid: str
    symbol: str
    side: str
    order_type: str
    fee_coin: str
    price: Decimal
    size: Decimal  # base coin
    fee: Decimal  # charged in the order's fee coin
    scope: str  # taker | maker
    ctime: int

    @classmethod
    def of(cls, order: Order, tid: int, price: Decimal, size: Decimal, fee: Decimal, scope: str,
           ctime: int) -> Fill:
        return cls(tid, order.oid, order.uid, order.sym.symbol, order.side, order.order_type, order.fee_coin,
                   price, size, fee, scope, ctime)

    @property
    def amount(self) -> Decimal:
        return self.price * self.size


class IdIndex(Generic[T]):
    """Items by numeric id, read newest first and paged by `idLessThan`.

    A dict, plus the ids in ascending order: new ids nearly always arrive last, so adding is an
    append (an out-of-order id is inserted by bisection); removals only leave the id behind, and
    the list is compacted once the stale ids outnumber the live ones (or, when the oldest are
    forgotten first, trimmed from the front), so every operation is amortised O(1) or O(log n).
    """

    def __init__(self) -> None:
        self._items: dict[int, T] = {}
        self._ids: list[int] = []
        self._head = 0  # ids before it are known stale

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: int) -> bool:
        return key in self._items

    def get(self, key: int) -> T | None:
        return self._items.get(key)

    def add(self, key: int, item: T) -> None:
        ids = self._ids
        if ids and key > ids[-1]:  # the common case: a new id, above every listed one (so not an item yet)
            ids.append(key)
        elif key not in self._items:
            if not ids:
                ids.append(key)
            else:  # an older id: inserted in place, unless it was discarded and is still listed
                i = bisect_left(ids, key, self._head)
                if i == len(ids) or ids[i] != key:
                    ids.insert(i, key)
        self._items[key] = item

    def discard(self, key: int) -> None:
        if self._items.pop(key, None) is not None and len(self._ids) - self._head > 2 * len(self._items) + 64:
            items = self._items
            self._ids = [k for k in self._ids[self._head:] if k in items]
            self._head = 0

    def oldest(self) -> T | None:
        ids, items = self._ids, self._items
        head = self._head
        while head < len(ids) and ids[head] not in items:
            head += 1
        if head >= 1024 and head * 2 >= len(ids):  # stale ids in front: drop them, as AppendLog does
            del ids[:head]
            head = 0
        self._head = head
        return items[ids[head]] if head < len(ids) else None

    def values(self) -> Iterator[T]:
        return iter(self._items.values())

    def newest(self, before: int | None, keep: Callable[[T], bool] | None = None,
               stop: Callable[[T], bool] | None = None) -> Iterator[T]:
        """Items with id < `before`, newest first; `stop` ends the walk, `keep` filters."""
        ids, items = self._ids, self._items
        end = len(ids) if before is None else bisect_left(ids, before, self._head)
        for i in range(end - 1, self._head - 1, -1):
            item = items.get(ids[i])
            if item is None:
                continue
            if stop is not None and stop(item):
                return
            if keep is None or keep(item):
                yield item


class AppendLog(Generic[T]):
    """Items appended in increasing id order (fills): an array of ids to bisect, forgotten from
    the front in amortised O(1). Leaner than a sorted map for millions of entries."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._items: list[Any] = []
        self._head = 0

    def __len__(self) -> int:
        return len(self._items) - self._head

    def add(self, key: int, item: T) -> None:
        self._ids.append(key)
        self._items.append(item)

    def oldest(self) -> T | None:
        return self._items[self._head] if self._head < len(self._items) else None

    def pop_oldest(self) -> None:
        self._items[self._head] = None
        self._head += 1
        if self._head >= 1024 and self._head * 2 >= len(self._items):
            del self._items[: self._head]
            del self._ids[: self._head]
            self._head = 0

    def newest(self, before: int | None, keep: Callable[[T], bool] | None = None,
               stop: Callable[[T], bool] | None = None) -> Iterator[T]:
        end = len(self._items) if before is None else bisect_left(self._ids, before, self._head)
        items = self._items
        for i in range(end - 1, self._head - 1, -1):
            item: T = items[i]
            if stop is not None and stop(item):
                return
            if keep is None or keep(item):
                yield item


class BySymbol(Generic[T]):
    """One index over all of an account's items plus one per symbol, kept in step."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self.all: Any = make()
        self.by_symbol: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.all)

    def add(self, key: int, symbol: str, item: T) -> None:
        self.all.add(key, item)
        index = self.by_symbol.get(symbol)
        if index is None:
            index = self.by_symbol[symbol] = self._make()
        index.add(key, item)

    def scope(self, symbol: str | None) -> Any:
        if symbol is None:
            return self.all
        found = self.by_symbol.get(symbol)
        return found if found is not None else self._make()


class AccountOrders:
    """One account's orders (open and closed), fills, and clientOid index."""

    def __init__(self) -> None:
        self.open: BySymbol[Order] = BySymbol(IdIndex)
        self.closed: BySymbol[Order] = BySymbol(IdIndex)
        self.fills: BySymbol[Fill] = BySymbol(AppendLog)
        self.by_client: dict[str, Order] = {}
        # At most the ctime of the oldest closed order and of the oldest fill: while retention's
        # cutoff is below it and both stores are within their cap, pruning has nothing to do.
        self._floor_ms = _NEVER

    def find(self, oid: int) -> Order | None:
        found: Order | None = self.open.all.get(oid) or self.closed.all.get(oid)
        return found

    def add_open(self, order: Order) -> None:
        self.open.add(order.oid, order.sym.symbol, order)
        self.by_client[order.client_oid] = order

    def add_closed(self, order: Order) -> None:
        """An order that closed in the call that placed it (ioc, fok, market): never open."""
        self.closed.add(order.oid, order.sym.symbol, order)
        self.by_client[order.client_oid] = order
        if order.ctime < self._floor_ms:
            self._floor_ms = order.ctime

    def close(self, order: Order) -> None:
        _discard(self.open, order.oid, order.sym.symbol)
        self.closed.add(order.oid, order.sym.symbol, order)
        if order.ctime < self._floor_ms:
            self._floor_ms = order.ctime

    def add_fill(self, order: Order, fill: Fill) -> None:
        self.fills.add(fill.tid, fill.symbol, fill)
        fills = order.fills
        if isinstance(fills, list):
            fills.append(fill)
        else:
            order.fills = [fill]
        if fill.ctime < self._floor_ms:
            self._floor_ms = fill.ctime

    def prune(self, cutoff_ms: int, max_kept: int, budget: int = 8) -> None:
        """Forget closed orders and fills past retention or over the cap, oldest first.

        Called on every close and fill with a small budget, so the cost is amortised O(1) per
        write and the stores never grow past `max_kept` by more than a write's worth. While
        retention's cutoff is below the floor, only the sizes need checking.
        """
        closed, fills = self.closed, self.fills
        every, all_fills = closed.all, fills.all
        if cutoff_ms <= self._floor_ms:  # nothing is past retention: only the caps can call for pruning
            over = len(every) - max_kept
            if over > 0:
                for _ in range(min(budget, over)):
                    self._forget(every.oldest())
            over = len(all_fills) - max_kept
            if over > 0:
                for _ in range(min(budget, over)):
                    fills.by_symbol[all_fills.oldest().symbol].pop_oldest()
                    all_fills.pop_oldest()
            return  # the floor is still a bound: forgetting items only raises the oldest ctime
        order: Order | None = every.oldest()
        for _ in range(budget):
            if order is None or (len(every) <= max_kept and order.ctime >= cutoff_ms):
                break
            self._forget(order)
            order = every.oldest()
        fill: Fill | None = all_fills.oldest()
        for _ in range(budget):
            if fill is None or (len(all_fills) <= max_kept and fill.ctime >= cutoff_ms):
                break
            all_fills.pop_oldest()
            fills.by_symbol[fill.symbol].pop_oldest()
            fill = all_fills.oldest()
        self._floor_ms = min(order.ctime if order is not None else _NEVER,
                             fill.ctime if fill is not None else _NEVER)

    def _forget(self, order: Order) -> None:
        _discard(self.closed, order.oid, order.sym.symbol)
        if self.by_client.get(order.client_oid) is order:
            del self.by_client[order.client_oid]


def _discard(index: BySymbol[Order], key: int, symbol: str) -> None:
    index.all.discard(key)
    scoped = index.by_symbol.get(symbol)
    if scoped is not None:
        scoped.discard(key)  # kept when empty: the symbols are few, and rebuilding one costs every order


class RestingBook:
    """The mock's own resting limit orders of one symbol: buys best (highest) first, sells lowest first."""

    def __init__(self) -> None:
        self.buys: Any = SortedList()  # (-price, oid)
        self.sells: Any = SortedList()  # (price, oid)
        self.orders: dict[int, Order] = {}

    def __len__(self) -> int:
        return len(self.orders)

    def add(self, order: Order) -> None:
        self.orders[order.oid] = order
        if order.is_buy:
            self.buys.add((-order.price, order.oid))
        else:
            self.sells.add((order.price, order.oid))

    def remove(self, order: Order) -> None:
        if self.orders.pop(order.oid, None) is None:
            return
        if order.is_buy:
            self.buys.discard((-order.price, order.oid))
        else:
            self.sells.discard((order.price, order.oid))

    def best_buy(self) -> Order | None:
        return self.orders[self.buys[0][1]] if self.buys else None

    def best_sell(self) -> Order | None:
        return self.orders[self.sells[0][1]] if self.sells else None

"""Where one account's futures records live (per product type), and the contracts' resting books."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sortedcontainers import SortedList

from ..orders import AppendLog, BySymbol, IdIndex
from .model import ClosedPosition, FuturesBill, FuturesFill, FuturesOrder


class FuturesBook:
    """One account's orders, fills, bills and closed positions in one product type."""

    def __init__(self, max_kept: int) -> None:
        self.max_kept = max_kept
        self.open: BySymbol[FuturesOrder] = BySymbol(IdIndex)
        self.closed: BySymbol[FuturesOrder] = BySymbol(IdIndex)
        self.fills: BySymbol[FuturesFill] = BySymbol(AppendLog)
        self.bills: BySymbol[FuturesBill] = BySymbol(AppendLog)
        self.history: BySymbol[ClosedPosition] = BySymbol(IdIndex)
        self.by_client: dict[str, FuturesOrder] = {}

    def find(self, oid: int) -> FuturesOrder | None:
        found: FuturesOrder | None = self.open.all.get(oid) or self.closed.all.get(oid)
        return found

    def add_open(self, order: FuturesOrder) -> None:
        self.open.add(order.oid, order.contract.symbol, order)
        self.by_client[order.client_oid] = order

    def add_closed(self, order: FuturesOrder) -> None:
        self.closed.add(order.oid, order.contract.symbol, order)
        self.by_client[order.client_oid] = order
        if len(self.closed.all) > self.max_kept:
            self._trim_orders()

    def close(self, order: FuturesOrder) -> None:
        symbol = order.contract.symbol
        self.open.all.discard(order.oid)
        self.open.scope(symbol).discard(order.oid)
        self.closed.add(order.oid, symbol, order)
        self._trim_orders()

    def add_fill(self, fill: FuturesFill) -> None:
        self.fills.add(fill.tid, fill.symbol, fill)
        _trim_log(self.fills, self.max_kept, lambda f: f.symbol)

    def add_bill(self, bill: FuturesBill) -> None:
        self.bills.add(bill.bid, bill.symbol, bill)
        _trim_log(self.bills, self.max_kept, lambda b: b.symbol)

    def add_history(self, record: ClosedPosition) -> None:
        self.history.add(record.pid, record.symbol, record)
        if len(self.history) > self.max_kept:
            oldest = self.history.all.oldest()
            if oldest is not None:
                self.history.all.discard(oldest.pid)
                self.history.scope(oldest.symbol).discard(oldest.pid)

    def _trim_orders(self) -> None:
        if len(self.closed) > self.max_kept:
            oldest = self.closed.all.oldest()
            if oldest is not None:
                self.closed.all.discard(oldest.oid)
                self.closed.scope(oldest.contract.symbol).discard(oldest.oid)
                client = oldest.client_oid
                if self.by_client.get(client) is oldest:
                    del self.by_client[client]


def _trim_log(index: BySymbol[Any], max_kept: int, symbol_of: Any) -> None:
    if len(index) > max_kept:
        oldest = index.all.oldest()
        index.all.pop_oldest()
        index.by_symbol[symbol_of(oldest)].pop_oldest()


class RestingOrders:
    """Every account's resting futures limit orders of one contract: buys highest first, sells lowest first."""

    def __init__(self) -> None:
        self.buys: Any = SortedList()  # (-price, oid)
        self.sells: Any = SortedList()  # (price, oid)
        self.orders: dict[int, FuturesOrder] = {}

    def __len__(self) -> int:
        return len(self.orders)

    def add(self, order: FuturesOrder) -> None:
        self.orders[order.oid] = order
        (self.buys.add((-order.price, order.oid)) if order.buys else self.sells.add((order.price, order.oid)))

    def remove(self, order: FuturesOrder) -> None:
        if self.orders.pop(order.oid, None) is None:
            return
        if order.buys:
            self.buys.discard((-order.price, order.oid))
        else:
            self.sells.discard((order.price, order.oid))

    def crossed_by(self, low: Decimal, high: Decimal) -> list[FuturesOrder]:
        """Resting orders the traded range [low, high] reached: buys priced at or above the low,
        sells at or below the high; best first, buys before sells (older first at one price)."""
        out = []
        for neg_price, oid in self.buys:
            if -neg_price < low:
                break
            out.append(self.orders[oid])
        for price, oid in self.sells:
            if price > high:
                break
            out.append(self.orders[oid])
        return out

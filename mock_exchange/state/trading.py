"""Spot trading against the synthetic market: checks, freezes, taker and maker fills, cancels, queries.

Every method is one synchronous state transition: it validates everything that can fail before it
changes anything, so a refused order (43012, 43118, ...) leaves balances, ids and orders untouched.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import (
    BELOW_MINIMUM_AMOUNT,
    CLIENT_OID_DUPLICATE,
    INSUFFICIENT_BALANCE,
    ORDER_FAILED,
    ORDER_NOT_FOUND,
    PARAM_SCALE,
    PRICE_ABOVE_LIMIT,
    PRICE_BELOW_LIMIT,
    BitgetError,
)
from ..store.codec import by_arguments
from ..store.recorder import mutation
from ..views import plain
from .accounts import Account, AccountStore, Balance
from .batch import each
from .catalog import SYMBOLS_BY_NAME, SpotSymbol
from .constants import RETENTION_MS
from .events import CLOSED, PLACED, BalanceChanged, Events, FillMade, OrderChanged
from .ledger import Ledger
from .market import Market
from .matching import Extremes, Take, take, touch_volume, walk_extremes
from .orders import (
    CANCELLED,
    FILLED,
    LIVE,
    NO_PRESETS,
    PARTIAL,
    ZERO,
    AccountOrders,
    Fill,
    IdSequence,
    Order,
    RestingBook,
    fresh_client_oid,
)
from .pricewalk import step_of

CANCEL_REASON = "normal_cancel"
POST_ONLY_CROSSES = ORDER_FAILED  # Bitget's "Pending order failed": a post_only order that would take
NO_TAKE = Take((), False)


@by_arguments
@dataclass(slots=True)
class OrderSpec:
    """A parsed order request; prices and sizes already decimals, enums already lower-case.

    Not changed once built. A plain slots class: a frozen dataclass costs ~4x as much to build, and a
    NamedTuple's fields are descriptors Python 3.11 does not specialise, ~3x dearer to read than a slot."""

    symbol: str
    side: str
    order_type: str
    size: Decimal
    force: str = "gtc"
    price: Decimal | None = None
    client_oid: str | None = None
    # the TP/SL prices given (absent ones read as None)
    presets: Mapping[str, str | None] = field(default_factory=lambda: NO_PRESETS)


@dataclass(frozen=True)
class Limits:
    max_closed_orders: int = 100_000
    retention_ms: int = RETENTION_MS


@dataclass(frozen=True)
class Page:
    """Filters shared by the listing endpoints."""

    symbol: str | None = None
    order_id: int | None = None
    start: int | None = None
    end: int | None = None
    before: int | None = None
    limit: int = 100


class Trading:
    def __init__(self, accounts: AccountStore, market: Market, ledger: Ledger, ids: IdSequence,
                 rng: random.Random, limits: Limits, now_ms: int, events: Events | None = None) -> None:
        self.accounts = accounts
        self.events = events if events is not None else Events()
        self.market = market
        self.ledger = ledger
        self.ids = ids
        self.rng = rng
        self.limits = limits
        self.books: dict[str, RestingBook] = {s: RestingBook() for s in SYMBOLS_BY_NAME}
        self.by_account: dict[str, AccountOrders] = {}
        self.last_step = step_of(now_ms)

    def orders_of(self, uid: str) -> AccountOrders:
        found = self.by_account.get(uid)
        if found is None:
            found = self.by_account[uid] = AccountOrders()
        return found

    # -- placing ------------------------------------------------------------------------
    @mutation
    def place(self, uid: str, spec: OrderSpec, now_ms: int) -> Order:
        account = self.accounts.account(uid)
        sym = self.market.symbol(spec.symbol)
        self._check(sym, spec, now_ms)
        orders = self.orders_of(uid)
        if spec.client_oid is not None and spec.client_oid in orders.by_client:
            raise BitgetError(CLIENT_OID_DUPLICATE)
        price = spec.price if spec.order_type == "limit" and spec.price is not None else ZERO
        is_buy = spec.side == "buy"
        reserve = price * spec.size if is_buy and spec.order_type == "limit" else spec.size
        balance = account.balance(sym.quote if is_buy else sym.base)
        Ledger.freeze(balance, reserve, now_ms)  # the last check (43012): nothing below can fail
        oid = self.ids.next()
        client = spec.client_oid
        if client is None:  # Bitget makes one up; drawn after the order id, so seeds give the same ids
            client = fresh_client_oid(self.rng, orders.by_client)
        order = Order(  # positional: the fields in order, oid to presets
            oid, uid, sym, spec.side, spec.order_type, spec.force, price, spec.size, client, now_ms, now_ms,
            spec.presets,
        )
        order.frozen = reserve
        if self.events.listeners:  # live and frozen, before any fill: the order's first push
            self.events.emit(OrderChanged(order, PLACED))
            self.events.emit(BalanceChanged(uid, order.frozen_coin))
        self._execute(account, orders, order, balance, now_ms)
        return order

    @mutation
    def place_batch(self, uid: str, items: list[OrderSpec | BitgetError], now_ms: int) -> list[Order | BitgetError]:
        """Each item placed on its own (partial success); items that failed to parse pass through."""
        return each(items, lambda spec: self.place(uid, spec, now_ms))

    def _check(self, sym: SpotSymbol, spec: OrderSpec, now_ms: int) -> None:
        """Precision (40808), minimum value (45110), price band (43008/43009), post_only (43002)."""
        size, price = spec.size, spec.price
        if spec.order_type == "market":
            scale = sym.quote_precision if spec.side == "buy" else sym.quantity_precision
            if more_places(size, scale):
                raise BitgetError(PARAM_SCALE, "size scale")
            value = size if spec.side == "buy" else size * self.market.last_price(sym, now_ms)
            if value < sym.min_trade_usdt:
                raise BitgetError(BELOW_MINIMUM_AMOUNT, plain(sym.min_trade_usdt))
            return
        if more_places(size, sym.quantity_precision):
            raise BitgetError(PARAM_SCALE, "size scale")
        price = price or ZERO
        if more_places(price, sym.price_precision):
            raise BitgetError(PARAM_SCALE, "price scale")
        if price * size < sym.min_trade_usdt:
            raise BitgetError(BELOW_MINIMUM_AMOUNT, plain(sym.min_trade_usdt))
        last = self.market.last_price(sym, now_ms)
        if spec.side == "buy":
            if price > last * sym.buy_cap:
                raise BitgetError(PRICE_ABOVE_LIMIT, plain((last * sym.buy_cap).quantize(sym.tick)), sym.quote)
        elif price < last * sym.sell_floor:
            raise BitgetError(PRICE_BELOW_LIMIT, plain((last * sym.sell_floor).quantize(sym.tick)), sym.quote)
        if spec.force == "post_only":
            book = self.market.book(sym, now_ms)
            crosses = (price >= book.asks[0].price) if spec.side == "buy" else (price <= book.bids[0].price)
            if crosses:
                raise BitgetError(POST_ONLY_CROSSES)

    def _execute(self, account: Account, orders: AccountOrders, order: Order, frozen: Balance,
                 now_ms: int) -> None:
        """Take what the book offers now; then rest, finish or cancel the remainder by `force`.

        `frozen` is the balance the order reserves from. Only an order that rests enters the open
        index: one that closes here goes straight to the closed one."""
        sym = order.sym
        is_buy = order.is_buy
        book = self.market.book(sym, now_ms)
        levels = book.asks if is_buy else book.bids
        if order.order_type == "market":
            if is_buy:
                got = take(levels, True, sym.lot, budget=order.size)
            else:
                got = take(levels, False, sym.lot, qty=order.size)
        elif levels and (levels[0].price <= order.price if is_buy else levels[0].price >= order.price):
            got = take(levels, is_buy, sym.lot, limit=order.price, qty=order.size)
            if order.force == "fok" and sum(q for _, q in got.fills) < order.size:
                got = NO_TAKE  # all or nothing
        else:
            got = NO_TAKE  # the best level is beyond the limit price: nothing to take
        for price, qty in got.fills:
            self._fill(account, orders, order, price, qty, False, now_ms)
        if order.order_type == "market":
            status = FILLED if order.base_volume > 0 and not got.book_exhausted else CANCELLED
        elif got.fills and order.remaining == 0:
            status = FILLED
        elif order.force in ("ioc", "fok"):
            status = CANCELLED
        else:
            orders.add_open(order)
            self.books[sym.symbol].add(order)
            return
        self._finish(frozen, order, status, now_ms)
        orders.add_closed(order)
        orders.prune(now_ms - self.limits.retention_ms, self.limits.max_closed_orders)

    def _fill(self, account: Account, orders: AccountOrders, order: Order, price: Decimal, qty: Decimal,
              maker: bool, now_ms: int) -> None:
        sym = order.sym
        if not order.is_buy:
            released = qty
        elif order.order_type == "limit":
            released = order.price * qty
        else:
            released = price * qty
        fee = self.ledger.trade(account, sym.base, sym.quote, order.is_buy, price, qty, released,
                                sym.maker_fee if maker else sym.taker_fee, now_ms, str(order.oid))
        order.frozen -= released
        order.base_volume += qty
        order.quote_volume += price * qty
        order.fee += fee
        order.utime = now_ms
        if order.status == LIVE:
            order.status = PARTIAL
        fill = Fill.of(order, self.ids.next(), price, qty, fee, "maker" if maker else "taker", now_ms)
        orders.add_fill(order, fill)
        if self.events.listeners:
            self.events.emit(FillMade(order, fill))
        orders.prune(now_ms - self.limits.retention_ms, self.limits.max_closed_orders)

    def _close(self, orders: AccountOrders, order: Order, status: str, now_ms: int) -> None:
        """Close an open order (cancelled, or filled while resting)."""
        self._finish(self.accounts.account(order.uid).balance(order.frozen_coin), order, status, now_ms)
        self.books[order.sym.symbol].remove(order)
        orders.close(order)
        orders.prune(now_ms - self.limits.retention_ms, self.limits.max_closed_orders)

    def _finish(self, frozen: Balance, order: Order, status: str, now_ms: int) -> None:
        """Release what the order still reserves (from `frozen`) and give it its final status."""
        released = bool(order.frozen)
        if released:
            Ledger.unfreeze(frozen, order.frozen, now_ms)
            order.frozen = ZERO
        order.status = status
        order.cancel_reason = CANCEL_REASON if status == CANCELLED else ""
        order.utime = now_ms
        if self.events.listeners:
            self.events.emit(OrderChanged(order, CLOSED))
            if released:
                self.events.emit(BalanceChanged(order.uid, order.frozen_coin))

    # -- the clock ----------------------------------------------------------------------
    def catch_up(self, now_ms: int) -> None:
        """Fill resting orders the price walk crossed since the last call (cheap when none rest)."""
        step = step_of(now_ms)
        last, self.last_step = self.last_step, step
        if step <= last:
            return
        for name, book in self.books.items():
            if len(book):
                sym = SYMBOLS_BY_NAME[name]
                extremes = walk_extremes(self.market, sym, last + 1, step)
                self._cross(book, sym, extremes, True, now_ms)
                self._cross(book, sym, extremes, False, now_ms)

    def _cross(self, book: RestingBook, sym: SpotSymbol, ext: Extremes, buys: bool, now_ms: int) -> None:
        """Fill the best resting orders the walk went through: fully where it traded beyond their
        price, and from that step's traded volume where it only touched it."""
        touch: Decimal | None = None
        while True:
            order = book.best_buy() if buys else book.best_sell()
            if order is None:
                return
            extreme = ext.low if buys else ext.high
            if (order.price < extreme) if buys else (order.price > extreme):
                return
            qty = order.remaining
            if order.price == extreme:
                if touch is None:
                    touch = touch_volume(self.market, sym, ext.low_step if buys else ext.high_step)
                qty = min(qty, touch)
                touch -= qty
            if qty <= 0:
                return
            account = self.accounts.account(order.uid)
            orders = self.orders_of(order.uid)
            self._fill(account, orders, order, order.price, qty, True, now_ms)
            if order.remaining > 0:
                return
            self._close(orders, order, FILLED, now_ms)

    # -- cancelling ---------------------------------------------------------------------
    @mutation
    def cancel(self, uid: str, symbol: str | None, order_id: str | None, client_oid: str | None,
               now_ms: int) -> Order:
        order = self.find(uid, order_id, client_oid)
        if symbol is not None and order.sym is not self.market.symbol(symbol):
            raise BitgetError(ORDER_NOT_FOUND)
        if not order.is_open:
            raise BitgetError(ORDER_NOT_FOUND)
        self._close(self.orders_of(uid), order, CANCELLED, now_ms)
        return order

    @mutation
    def cancel_batch(self, uid: str, items: list[tuple[str | None, str | None, str | None] | BitgetError],
                     now_ms: int) -> list[Order | BitgetError]:
        """Each (symbol, orderId, clientOid) cancelled on its own (partial success); errors pass through."""
        return each(items, lambda ref: self.cancel(uid, *ref, now_ms))

    @mutation
    def cancel_symbol(self, uid: str, symbol: str, now_ms: int) -> str:
        """Cancel every open order of one symbol; returns the symbol's canonical name."""
        sym = self.market.symbol(symbol)
        orders = self.orders_of(uid)
        for order in list(orders.open.scope(sym.symbol).values()):
            self._close(orders, order, CANCELLED, now_ms)
        return sym.symbol

    @mutation
    def replace(self, uid: str, symbol: str, order_id: str | None, client_oid: str | None, price: Decimal,
                size: Decimal, new_client_oid: str | None, presets: Mapping[str, str | None],
                now_ms: int) -> Order:
        """cancel-replace-order, all or nothing: the open order is cancelled and a limit order of the same
        side and force placed at `price` for `size`, or (any check failing) neither happens."""
        order = self.find(uid, order_id, client_oid)
        if order.sym is not self.market.symbol(symbol) or not order.is_open:
            raise BitgetError(ORDER_NOT_FOUND)
        spec = OrderSpec(order.sym.symbol, order.side, "limit", size, order.force, price, new_client_oid, presets)
        self._check(order.sym, spec, now_ms)
        orders = self.orders_of(uid)
        if new_client_oid is not None and new_client_oid in orders.by_client:
            raise BitgetError(CLIENT_OID_DUPLICATE)
        balance = self.accounts.account(uid).balance(order.frozen_coin)
        reserve = price * size if order.is_buy else size
        if reserve > balance.available + order.frozen:
            raise BitgetError(INSUFFICIENT_BALANCE)
        self._close(orders, order, CANCELLED, now_ms)
        return self.place(uid, spec, now_ms)  # everything it checks was checked above: it cannot refuse

    # -- reading ------------------------------------------------------------------------
    def find(self, uid: str, order_id: str | None, client_oid: str | None) -> Order:
        orders = self.orders_of(uid)
        found: Order | None = None
        if order_id is not None:
            if order_id.isascii() and order_id.isdigit() and len(order_id) <= 20:
                found = orders.find(int(order_id))
        elif client_oid is not None:
            found = orders.by_client.get(client_oid)
        if found is None:
            raise BitgetError(ORDER_NOT_FOUND)
        return found

    def open_orders(self, uid: str, page: Page) -> list[Order]:
        return self._page(self.orders_of(uid).open, page, None)

    def history(self, uid: str, page: Page, now_ms: int) -> list[Order]:
        return self._page(self.orders_of(uid).closed, page, now_ms - self.limits.retention_ms)

    def fills(self, uid: str, page: Page, now_ms: int) -> list[Fill]:
        cutoff = now_ms - self.limits.retention_ms
        orders = self.orders_of(uid)
        if page.order_id is not None:
            order = orders.find(page.order_id)
            if order is None or (page.symbol is not None and order.sym is not self.market.symbol(page.symbol)):
                return []
            kept = [f for f in reversed(order.fills) if f.ctime >= cutoff
                    and (page.before is None or f.tid < page.before) and _in_range(f.ctime, page)]
            return kept[: page.limit]
        return self._page(orders.fills, page, cutoff)

    def _page(self, index: Any, page: Page, cutoff: int | None) -> list[Any]:
        sym = self.market.symbol(page.symbol).symbol if page.symbol is not None else None
        floors = [x for x in (page.start, cutoff) if x is not None]
        floor = max(floors) if floors else None
        if page.order_id is not None:
            item = index.all.get(page.order_id)
            if item is None or (sym is not None and item.sym.symbol != sym) or not _in_range(item.ctime, page):
                return []
            return [item] if floor is None or item.ctime >= floor else []
        stop: Callable[[Any], bool] | None = None if floor is None else (lambda it: it.ctime < floor)
        keep: Callable[[Any], bool] | None = None if page.end is None else (lambda it: it.ctime <= page.end)
        out = []
        for item in index.scope(sym).newest(page.before, keep, stop):
            out.append(item)
            if len(out) >= page.limit:
                break
        return out


def _in_range(ms: int, page: Page) -> bool:
    return (page.start is None or ms >= page.start) and (page.end is None or ms <= page.end)


def decimal_places(value: Decimal) -> int:
    """Decimals a value really has: trailing zeros do not count (`1.10` has 1)."""
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


_QUANTA = [Decimal(1).scaleb(-places) for places in range(19)]


def more_places(value: Decimal, places: int) -> bool:
    """`decimal_places(value) > places`, cheaply for the common answer: a multiple of 10**-places
    has no more than that (`%` costs half what quantize does: no argument parsing). Any other answer
    is counted the slow way."""
    if 0 <= places < len(_QUANTA):
        try:
            if not value % _QUANTA[places]:
                return False
        except InvalidOperation:  # more digits than the context's precision
            pass
    return decimal_places(value) > places

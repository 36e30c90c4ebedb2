"""The futures money engine: wallets, settings, positions, and what one fill does to them.

Money model (docs/futures.md): a futures wallet is a `Balance` in the account's futures wallet
type (`usdt_futures`, ...). Its total (available + frozen) is the wallet balance; `frozen` holds
the margin of open orders (their margin plus the taker fee they may pay) and of positions (entry
value / leverage, plus isolated margin added). The synthetic market is every trade's counterparty:
fees go to the ledger's `fees`, realised PnL, funding and liquidation remainders to its
`market_flows`, so the exchange-wide conservation identity of `Ledger` holds unchanged.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from ..accounts import AccountStore, Balance
from ..catalog import Contract
from ..events import FuturesAccountChanged, FuturesOrderChanged, FuturesPlanChanged
from ..ledger import Ledger
from ..orders import IdSequence
from ..wallet import FUTURES_WALLETS
from . import margin as mg
from .margin import LONG, SHORT
from .model import (
    CLOSE,
    CROSSED,
    DEFAULT_LEVERAGE,
    HEDGE,
    ISOLATED,
    ZERO,
    ClosedPosition,
    FuturesBill,
    FuturesFill,
    FuturesOrder,
    Hooks,
    Position,
    SymbolSettings,
    opposite,
)
from .plan_model import FuturesPlan
from .store import FuturesBook, RestingOrders

_NO_WALLET: dict[str, Balance] = {}  # read only


class FuturesEngine:
    def __init__(self, accounts: AccountStore, ledger: Ledger, ids: IdSequence, rng: random.Random,
                 max_kept: int, seed: int) -> None:
        self.accounts = accounts
        self.events = accounts.events  # state events (the WebSocket fan-out listens)
        self.ledger = ledger
        self.ids = ids
        self.rng = rng
        self.max_kept = max_kept
        self.bill_ids = IdSequence(random.Random(seed * 1_000_003 + 2))
        self.settings: dict[tuple[str, str], SymbolSettings] = {}  # (uid, symbol)
        self.pos_modes: dict[tuple[str, str], str] = {}  # (uid, product)
        self.positions: dict[str, dict[tuple[str, str], Position]] = {}  # uid -> (symbol, holdSide)
        self.by_symbol: dict[str, dict[int, Position]] = defaultdict(dict)
        self.books: dict[tuple[str, str], FuturesBook] = {}
        self.resting: dict[str, RestingOrders] = defaultdict(RestingOrders)
        self.funding: defaultdict[str, Decimal] = defaultdict(Decimal)  # paid by accounts, per coin
        self.insurance: defaultdict[str, Decimal] = defaultdict(Decimal)  # liquidation remainders, per coin
        self.hooks: Hooks | None = None  # conditional orders (FuturesPlans), once built

    # -- lookups ------------------------------------------------------------------------
    def book(self, uid: str, product: str) -> FuturesBook:
        found = self.books.get((uid, product))
        if found is None:
            found = self.books[(uid, product)] = FuturesBook(self.max_kept)
        return found

    def symbol_settings(self, uid: str, contract: Contract) -> SymbolSettings:
        """The account's settings for a contract, to read (the defaults are not stored)."""
        found = self.settings.get((uid, contract.symbol))
        if found is None:
            lev = min(max(DEFAULT_LEVERAGE, contract.min_lever), contract.max_lever)
            return SymbolSettings(CROSSED, lev, lev, lev)
        return found

    def stored_settings(self, uid: str, contract: Contract) -> SymbolSettings:
        """The account's settings for a contract, to change."""
        found = self.settings.get((uid, contract.symbol))
        if found is None:
            found = self.settings[(uid, contract.symbol)] = self.symbol_settings(uid, contract)
        return found

    def pos_mode(self, uid: str, product: str) -> str:
        return self.pos_modes.get((uid, product), HEDGE)

    def wallet(self, uid: str, product: str, coin: str) -> Balance:
        account = self.accounts.accounts.get(uid) or self.accounts.account(uid)  # the latter: 40034-style refusal
        found = account.wallets.get(FUTURES_WALLETS[product], _NO_WALLET).get(coin)  # Account.balance, inline
        return found if found is not None else account.balance(coin, FUTURES_WALLETS[product])

    def position(self, uid: str, symbol: str, hold_side: str) -> Position | None:
        return self.positions.get(uid, {}).get((symbol, hold_side))

    def positions_of(self, uid: str, product: str | None = None, coin: str | None = None) -> list[Position]:
        return [p for p in self.positions.get(uid, {}).values()
                if (product is None or p.product == product) and (coin is None or p.margin_coin == coin)]

    def open_orders(self, uid: str, product: str, symbol: str | None = None) -> list[FuturesOrder]:
        return list(self.book(uid, product).open.scope(symbol).values())

    # -- the wallet's figures ---------------------------------------------------------------
    def order_margin(self, uid: str, product: str, coin: str) -> Decimal:
        return sum((o.margin for o in self.book(uid, product).open.all.values() if o.margin_coin == coin), ZERO)

    def figures(self, uid: str, product: str, coin: str, marks: dict[str, Decimal]) -> dict[str, Decimal]:
        """The wallet's balance, PnL and margin figures at the given mark prices (symbol -> mark)."""
        b = self.wallet(uid, product, coin)
        cash = b.available + b.frozen
        upnl_cross = upnl_iso = iso_margin = cross_margin = maintenance = ZERO
        for p in self.positions_of(uid, product, coin):
            mark = marks[p.contract.symbol]
            inverse = p.contract.inverse
            pnl = mg.unrealised_pnl(p.hold_side, p.entry, mark, p.size, inverse)
            if p.margin_mode == CROSSED:
                upnl_cross += pnl
                cross_margin += p.margin
                keep = p.contract.tier_for(mark * p.size).keep_margin_rate
                maintenance += mg.maintenance_margin(mark, p.size, keep, inverse, p.entry)
            else:
                upnl_iso += pnl
                iso_margin += p.margin
        orders = self.order_margin(uid, product, coin)
        free = max(ZERO, b.available + min(ZERO, upnl_cross))
        cross_balance = cash - iso_margin - orders + upnl_cross
        return {
            "balance": cash, "available": b.available, "locked": orders, "max_available": free,
            "equity": cash + upnl_cross + upnl_iso, "upnl": upnl_cross + upnl_iso, "upnl_cross": upnl_cross,
            "upnl_iso": upnl_iso, "iso_margin": iso_margin, "cross_margin": cross_margin,
            "risk": mg.margin_ratio(maintenance, cross_balance) if maintenance else ZERO,
        }

    def cushion(self, p: Position, marks: dict[str, Decimal]) -> Decimal:
        """The crossed equity of `p`'s wallet apart from `p`'s own PnL (see margin.crossed_liquidation_price):
        the balance less what orders and isolated positions hold, that is the free part plus the crossed
        positions' margin, plus the other crossed positions' PnL. Without a walk over the orders, as
        frozen == order margins + position margins."""
        out = self.wallet(p.uid, p.product, p.margin_coin).available
        for q in self.positions.get(p.uid, {}).values():
            if q.margin_mode == CROSSED and q.product == p.product and q.margin_coin == p.margin_coin:
                out += q.margin
                if q is not p:
                    out += mg.unrealised_pnl(q.hold_side, q.entry, marks[q.contract.symbol], q.size,
                                             q.contract.inverse)
        return out

    def liquidation_price(self, p: Position, marks: dict[str, Decimal]) -> Decimal:
        c = p.contract
        keep = c.tier_for(p.entry * p.size).keep_margin_rate
        if p.margin_mode == ISOLATED:
            return mg.isolated_liquidation_price(p.hold_side, p.entry, p.margin, p.size, keep, c.taker_fee,
                                                 c.inverse)
        return mg.crossed_liquidation_price(p.hold_side, p.entry, p.size, self.cushion(p, marks), keep, c.inverse)

    # -- state events ---------------------------------------------------------------------
    def order_changed(self, order: FuturesOrder, fill: FuturesFill | None = None) -> None:
        if self.events.listeners:
            self.events.emit(FuturesOrderChanged(order, fill))

    def plan_changed(self, plan: FuturesPlan) -> None:
        if self.events.listeners:
            self.events.emit(FuturesPlanChanged(plan))

    def account_changed(self, uid: str, product: str) -> None:
        """A wallet, position or setting of `uid`'s `product` changed (listeners coalesce these)."""
        if self.events.listeners:
            self.events.emit(FuturesAccountChanged(uid, product))

    # -- money ----------------------------------------------------------------------------
    @staticmethod
    def lock(b: Balance, amount: Decimal, now_ms: int) -> None:
        b.available -= amount
        b.frozen += amount
        b.utime = now_ms

    @staticmethod
    def release(b: Balance, amount: Decimal, now_ms: int) -> None:
        b.frozen -= amount
        b.available += amount
        b.utime = now_ms

    def bill(self, uid: str, product: str, symbol: str, coin: str, business: str, amount: Decimal,
             fee: Decimal, now_ms: int) -> None:
        b = self.wallet(uid, product, coin)
        self.book(uid, product).add_bill(
            FuturesBill(self.bill_ids.next(), symbol, coin, business, amount, fee, b.available + b.frozen, now_ms))
        self.account_changed(uid, product)

    # -- fills ----------------------------------------------------------------------------
    def fill(self, order: FuturesOrder, price: Decimal, qty: Decimal, maker: bool, now_ms: int) -> None:
        """Apply one fill of `order`: release its reservation, open and/or close positions, charge the
        fee, record the fill and its bill."""
        c = order.contract
        b = self.wallet(order.uid, order.product, order.margin_coin)
        if order.margin:
            part = mg.share(order.margin, qty, order.remaining)
            self.release(b, part, now_ms)
            order.margin -= part
        fee = mg.fee(price, qty, c.maker_fee if maker else c.taker_fee, c.inverse)
        b.available -= fee
        self.ledger.fees[order.margin_coin] += fee
        profit = ZERO
        if order.pos_mode == HEDGE:
            if order.trade_side == CLOSE:
                profit = self._close(order, order.hold_side, price, qty, fee, now_ms, True)
            else:
                self._open(order, order.hold_side, price, qty, fee, now_ms)
        else:
            side = LONG if order.is_buy else SHORT
            against = self.position(order.uid, c.symbol, opposite(side))
            left, part_fee = qty, ZERO
            if against is not None:
                part = min(qty, against.size)
                part_fee = mg.share(fee, part, qty)
                profit = self._close(order, against.hold_side, price, part, part_fee, now_ms, order.reduce_only)
                left -= part
            if left > 0:
                self._open(order, side, price, left, fee - part_fee, now_ms)
        order.base_volume += qty
        order.quote_volume += price * qty
        order.fee += fee
        order.profit += profit
        order.utime = now_ms
        if order.status == "live":
            order.status = "partially_filled"
        fill = FuturesFill(self.ids.next(), order.oid, c.symbol, order.side, order.shown_trade_side,
                           order.pos_mode, order.margin_coin, price, qty, fee, profit,
                           "maker" if maker else "taker", now_ms)
        if order.fills:
            order.fills.append(fill)
        else:
            order.fills = [fill]
        book = self.book(order.uid, order.product)
        book.add_fill(fill)
        self.bill(order.uid, order.product, c.symbol, order.margin_coin, _business(order, profit), profit, -fee,
                  now_ms)
        self.order_changed(order, fill)

    def _open(self, order: FuturesOrder, hold_side: str, price: Decimal, qty: Decimal, fee: Decimal,
              now_ms: int) -> None:
        c = order.contract
        uid = order.uid
        p = self.position(uid, c.symbol, hold_side)
        if p is None:
            p = Position(self.ids.next(), uid, c, order.product, order.margin_coin, hold_side,
                         order.margin_mode, order.leverage, now_ms, now_ms)
            self.positions.setdefault(uid, {})[p.key] = p
            self.by_symbol[c.symbol][p.pid] = p
        # a limit order's position margin is what it reserved for it (at its own price)
        basis = order.price if order.order_type == "limit" else price
        m = mg.initial_margin(basis, qty, p.leverage, c.inverse)
        self.lock(self.wallet(uid, order.product, order.margin_coin), m, now_ms)
        p.margin += m
        p.entry = mg.average_entry(p.entry, p.size, price, qty)
        p.size += qty
        p.open_total += qty
        p.open_fee += fee
        p.utime = now_ms

    def _close(self, order: FuturesOrder, hold_side: str, price: Decimal, qty: Decimal, fee: Decimal,
               now_ms: int, was_locked: bool) -> Decimal:
        """Close `qty` of a position at `price`; returns the gross realised PnL."""
        p = self.position(order.uid, order.contract.symbol, hold_side)
        if p is None or qty <= 0:
            return ZERO
        b = self.wallet(order.uid, order.product, order.margin_coin)
        freed = mg.share(p.margin, qty, p.size)
        self.release(b, freed, now_ms)
        p.margin -= freed
        pnl = mg.realised_pnl(hold_side, p.entry, price, qty, p.contract.inverse)
        b.available += pnl
        self.ledger.market_flows[order.margin_coin] -= pnl
        p.size -= qty
        if was_locked:
            p.locked -= qty
        p.achieved += pnl
        p.close_total += qty
        p.close_value += price * qty
        p.close_fee += fee
        p.utime = now_ms
        if p.size == 0:
            self.drop_position(p, now_ms)
        return pnl

    def drop_position(self, p: Position, now_ms: int) -> None:
        """A position closed to nothing: forget it, record it in history, give back any margin left
        (isolated margin added and never used)."""
        if p.margin:
            self.release(self.wallet(p.uid, p.product, p.margin_coin), p.margin, now_ms)
            p.margin = ZERO
        del self.positions[p.uid][p.key]
        self.by_symbol[p.contract.symbol].pop(p.pid, None)
        fees = p.open_fee + p.close_fee
        close_avg = p.close_value / p.close_total if p.close_total else ZERO
        self.book(p.uid, p.product).add_history(ClosedPosition(
            p.pid, p.contract.symbol, p.margin_coin, p.hold_side, p.margin_mode, p.entry, close_avg,
            p.open_total, p.close_total, p.achieved, p.achieved - fees + p.funding, p.funding,
            -p.open_fee, -p.close_fee, p.ctime, now_ms))
        if self.hooks is not None:
            self.hooks.position_closed(p, now_ms)


def _business(order: FuturesOrder, profit: Decimal) -> str:
    """The bill's businessType (Bitget's Get-Account-Bill list)."""
    if order.source == "liquidation":
        if order.pos_mode == HEDGE:
            return "burst_long_loss_query" if order.hold_side == LONG else "burst_short_loss_query"
        return "burst_buy" if order.buys else "burst_sell"
    if order.pos_mode == HEDGE:
        return ("close_" if order.trade_side == CLOSE else "open_") + order.hold_side
    return "buy" if order.is_buy else "sell"

"""Futures orders against the synthetic book: checks, margin reservations, taker fills, cancels,
modify, flash close. Every check runs before anything changes, so a refused order changes nothing."""

from __future__ import annotations

from decimal import Decimal

from ...errors import (
    BELOW_MINIMUM_AMOUNT,
    BELOW_MINIMUM_SIZE,
    FUTURES_CLIENT_OID_DUPLICATE,
    FUTURES_NOTHING_TO_CANCEL,
    FUTURES_ORDER_NOT_FOUND,
    LONG_STOP_ABOVE_MARK,
    MARGIN_MODE_LOCKED,
    NO_POSITION,
    ORDER_EXCEEDS_BALANCE,
    ORDER_FAILED,
    PARAM_SCALE,
    POSITION_TOO_SMALL,
    PRICE_ABOVE_LIMIT,
    PRICE_BELOW_LIMIT,
    SHORT_STOP_BELOW_MARK,
    TRADE_SIDE_MISMATCH,
    BitgetError,
    invalid,
)
from ...store.recorder import mutation
from ..accounts import Balance
from ..batch import each
from ..catalog import CONTRACTS_BY_KEY, Contract
from ..futures_market import FuturesMarket
from ..matching import Take, take
from ..orders import fresh_client_oid
from ..trading import more_places
from . import margin as mg
from .engine import FuturesEngine
from .margin import LONG, SHORT
from .model import CLOSE, HEDGE, ZERO, FuturesOrder, FuturesOrderSpec, Position

NO_TAKE = Take((), False)


class FuturesTrading:
    def __init__(self, engine: FuturesEngine, market: FuturesMarket) -> None:
        self.engine = engine
        self.market = market

    def contract(self, product: str, symbol: str) -> Contract:
        return self.market.contract(product, symbol)

    def marks(self, uid: str, now_ms: int) -> dict[str, Decimal]:
        """Mark prices of the contracts the account holds positions in."""
        return {p.contract.symbol: self.market.mark_price(p.contract, now_ms)
                for p in self.engine.positions.get(uid, {}).values()}

    def max_available(self, uid: str, product: str, coin: str, now_ms: int, wallet: Balance | None = None) -> Decimal:
        """What a new order, more margin or a transfer out may take: the wallet's free part less any
        crossed unrealised loss (engine.figures' `max_available`, without the other figures). `wallet`:
        that wallet, when the caller has it already."""
        eng = self.engine
        upnl = ZERO
        positions = eng.positions.get(uid)
        if positions:
            for p in positions.values():
                if p.margin_mode == "crossed" and p.product == product and p.margin_coin == coin:
                    upnl += mg.unrealised_pnl(p.hold_side, p.entry, self.market.mark_price(p.contract, now_ms),
                                              p.size, p.contract.inverse)
        free = (wallet if wallet is not None else eng.wallet(uid, product, coin)).available
        if upnl < 0:
            free += upnl
        return free if free > 0 else ZERO

    # -- placing ------------------------------------------------------------------------
    @mutation
    def place(self, uid: str, spec: FuturesOrderSpec, now_ms: int, source: str = "normal") -> FuturesOrder:
        eng = self.engine
        # the contract: as parsed (the common case, at once), else any case or a demo type (or 40034)
        c = CONTRACTS_BY_KEY.get((spec.product, spec.symbol)) or self.market.contract(spec.product, spec.symbol)
        coin = spec.margin_coin  # as the contract spells it (the common case), else traded_margin_coin decides
        if c.inverse or coin not in c.margin_coins:
            coin = traded_margin_coin(c, coin)
        wallet = eng.wallet(uid, c.product_type, coin)  # 40034-style account errors come from here
        stored = eng.settings.get((uid, c.symbol))  # None until the account's first order or setting here
        settings = stored or eng.symbol_settings(uid, c)
        if spec.margin_mode != settings.margin_mode:
            # the order's marginMode sets the symbol's (ccxt PR 21517), unless positions or orders hold the other
            if self._busy(uid, c):
                raise BitgetError(MARGIN_MODE_LOCKED)
        pos_mode = eng.pos_modes.get((uid, c.product_type), HEDGE)  # eng.pos_mode, inline (every order)
        trade_side = spec.trade_side if pos_mode == HEDGE else None
        if pos_mode == HEDGE and trade_side is None:
            raise BitgetError(TRADE_SIDE_MISMATCH)
        value = self.check_shape(c, spec)  # a limit order's price x size, else None
        is_buy = spec.side == "buy"
        reduce_only = spec.reduce_only and pos_mode != HEDGE
        closes = trade_side == CLOSE or reduce_only
        if pos_mode == HEDGE:
            # hedge mode: buy+open opens a long, buy+close closes the long (the position's own side)
            hold_side = LONG if is_buy else SHORT
        else:
            hold_side = (SHORT if is_buy else LONG) if reduce_only else (LONG if is_buy else SHORT)
        target: Position | None = None
        if closes:
            target = eng.position(uid, c.symbol, hold_side)
            if target is None:
                raise BitgetError(NO_POSITION)
            if spec.size > target.available:
                raise BitgetError(POSITION_TOO_SMALL)
        if spec.presets and not closes:
            self._check_presets(c, hold_side, spec, now_ms)
        orders = eng.books.get((uid, c.product_type)) or eng.book(uid, c.product_type)
        if spec.client_oid is not None and spec.client_oid in orders.by_client:
            raise BitgetError(FUTURES_CLIENT_OID_DUPLICATE)
        got = self._take(c, spec, trade_side, now_ms)
        if spec.margin_mode == "crossed":
            leverage = settings.cross_leverage
        else:
            leverage = settings.long_leverage if hold_side == LONG else settings.short_leverage
        reserve = ZERO
        if not closes:
            mine = eng.positions.get(uid)
            held = mine.get((c.symbol, hold_side)) if mine else None
            worth = value if value is not None else self.market.mark_price(c, now_ms) * spec.size
            if held is not None:
                worth += held.entry * held.size
            tiers = c.tiers
            if leverage > (tiers[0] if worth < tiers[0].end_unit else c.tier_for(worth)).leverage:
                raise BitgetError(ORDER_EXCEEDS_BALANCE)  # "greater than the max open size" (DOC-ERR) at this tier
            if value is not None:  # a limit order
                reserve = _reservation(value, spec.size, leverage, c)
            else:
                reserve = sum((_reservation(p * q, q, leverage, c) for p, q in got.fills), ZERO)
            if mine:  # positions may hold a crossed unrealised loss
                free = self.max_available(uid, c.product_type, coin, now_ms, wallet)
            else:  # max_available without any position: the wallet's free part
                free = wallet.available if wallet.available > 0 else ZERO
            if reserve > free:
                raise BitgetError(ORDER_EXCEEDS_BALANCE)
        # -- nothing below can fail -------------------------------------------------------
        (stored or eng.stored_settings(uid, c)).margin_mode = spec.margin_mode
        oid = eng.ids.next()
        client = spec.client_oid
        if client is None:
            client = fresh_client_oid(eng.rng, orders.by_client)
        price = spec.price if spec.order_type == "limit" and spec.price is not None else ZERO
        order = FuturesOrder(oid, uid, c, c.product_type, coin, spec.margin_mode, pos_mode, spec.side, trade_side,
                             hold_side, reduce_only, spec.order_type, spec.force, price, spec.size, client, leverage,
                             now_ms, now_ms, spec.presets, source)
        # an order that takes nothing and cannot rest (ioc, fok, market) is closed at once: it holds nothing
        if reserve and (got.fills or (spec.order_type == "limit" and spec.force not in ("ioc", "fok"))):
            eng.lock(wallet, reserve, now_ms)
            order.margin = reserve
        if eng.events.listeners:  # eng.order_changed, inline: the order's first push, live, before any fill
            eng.order_changed(order)
        if target is not None:
            target.locked += spec.size
        for fill_price, qty in got.fills:
            eng.fill(order, fill_price, qty, False, now_ms)
        if got.fills and order.presets and not closes and eng.hooks is not None:
            eng.hooks.opened(order, order.base_volume, now_ms)  # its preset TP/SL become real TP/SL orders
        if got.fills and pos_mode != HEDGE and not reduce_only:  # it may have shrunk a position under its locks
            self.fit_locks(uid, c, now_ms)
        if spec.order_type == "market":
            status = "filled" if order.base_volume > 0 else "canceled"  # what the book lacked is dropped
        elif order.size == order.base_volume:  # nothing remains
            status = "filled"
        elif spec.force in ("ioc", "fok"):
            status = "canceled"
        else:
            orders.add_open(order)
            eng.resting[c.symbol].add(order)
            eng.account_changed(uid, c.product_type)
            return order
        self.finish(order, status, now_ms, wallet)
        orders.add_closed(order)
        return order

    def _busy(self, uid: str, c: Contract) -> bool:
        eng = self.engine
        return bool(eng.position(uid, c.symbol, LONG) or eng.position(uid, c.symbol, SHORT)
                    or len(eng.book(uid, c.product_type).open.scope(c.symbol)))

    def check_shape(self, c: Contract, spec: FuturesOrderSpec) -> Decimal | None:
        """Precision (40808), size bounds (45111), value (45110), price band (43008/43009). A limit
        order's value (price x size, which its caller needs too), else None."""
        size = spec.size
        if more_places(size, c.volume_place) or (not c.lot_is_place and size % c.lot):
            raise BitgetError(PARAM_SCALE, f"size checkBDScale error value={spec.size} checkScale={c.volume_place}")
        if spec.size < c.min_trade_num:
            raise BitgetError(BELOW_MINIMUM_SIZE)
        if spec.order_type != "limit" or spec.price is None:
            return None
        price = spec.price
        on_tick(c, price, "price")
        value = price * size
        if value < c.min_trade_usdt:
            raise BitgetError(BELOW_MINIMUM_AMOUNT, c.min_trade_usdt)
        return value

    def _check_presets(self, c: Contract, hold_side: str, spec: FuturesOrderSpec, now_ms: int) -> None:
        """Preset TP/SL prices of an opening order: on the price grid, and on the right side of the
        mark price (a long's stop loss below it, 40917; a short's above it, 45122; take profits the
        other way round, 40020)."""
        mark = self.market.mark_price(c, now_ms)
        long = hold_side == LONG
        for name, value in spec.presets.items():
            if value is None:
                continue
            price = Decimal(value)
            on_tick(c, price, name)
            if name.endswith("ExecutePrice"):
                continue  # the price the TP/SL order is placed at, once triggered: any price on the grid
            if name == "presetStopLossPrice":
                if long and price >= mark:
                    raise BitgetError(LONG_STOP_ABOVE_MARK, mark)
                if not long and price <= mark:
                    raise BitgetError(SHORT_STOP_BELOW_MARK, mark)
            elif (price <= mark) if long else (price >= mark):
                raise invalid(name)

    def _take(self, c: Contract, spec: FuturesOrderSpec, trade_side: str | None, now_ms: int) -> Take:
        """What the synthetic book gives the order now (a market order its size, a crossing limit up
        to its price); also the price band and post_only checks, which need the market."""
        book = self.market.book(c, now_ms)
        is_buy = (spec.side == "buy") != (trade_side == CLOSE)  # see FuturesOrder.buys
        levels = book.asks if is_buy else book.bids
        if spec.order_type == "market":
            got = take(levels, is_buy, c.lot, qty=spec.size)
            if got.fills and sum((p * q for p, q in got.fills), ZERO) < c.min_trade_usdt:
                raise BitgetError(BELOW_MINIMUM_AMOUNT, c.min_trade_usdt)
            return got
        price = spec.price or ZERO
        mark = self.market.prices(c, now_ms).mark
        if is_buy:
            if price > mark * c.buy_band:
                raise BitgetError(PRICE_ABOVE_LIMIT, (mark * c.buy_band).quantize(c.tick), c.quote)
        elif price < mark * c.sell_band:
            raise BitgetError(PRICE_BELOW_LIMIT, (mark * c.sell_band).quantize(c.tick), c.quote)
        crosses = bool(levels) and (levels[0].price <= price if is_buy else levels[0].price >= price)
        if not crosses:
            return NO_TAKE
        if spec.force == "post_only":
            raise BitgetError(ORDER_FAILED)
        got = take(levels, is_buy, c.lot, limit=price, qty=spec.size)
        if spec.force == "fok" and sum((q for _, q in got.fills), ZERO) < spec.size:
            return NO_TAKE  # all or nothing
        return got

    @mutation
    def place_batch(self, uid: str, items: list[FuturesOrderSpec | BitgetError],
                    now_ms: int) -> list[FuturesOrder | BitgetError]:
        return each(items, lambda spec: self.place(uid, spec, now_ms))

    # -- closing an order -----------------------------------------------------------------
    def finish(self, order: FuturesOrder, status: str, now_ms: int, wallet: Balance | None = None) -> None:
        """Release what the order still holds (margin, or the position size a close order locks).
        `wallet`: the order's wallet, when the caller has it already."""
        eng = self.engine
        if order.margin:
            b = wallet if wallet is not None else eng.wallet(order.uid, order.product, order.margin_coin)
            eng.release(b, order.margin, now_ms)
            order.margin = ZERO
        if order.size > order.base_volume and order.closes:  # a close order's unfilled part locks the position
            p = eng.position(order.uid, order.contract.symbol, order.hold_side)
            if p is not None:
                p.locked -= order.remaining
        order.status = status
        order.cancel_reason = "normal_cancel" if status == "canceled" else ""
        order.utime = now_ms
        if eng.events.listeners:  # inline: most mocks have no socket listening
            eng.order_changed(order)
            eng.account_changed(order.uid, order.product)

    def close_open(self, order: FuturesOrder, status: str, now_ms: int) -> None:
        self.finish(order, status, now_ms)
        self.engine.resting[order.contract.symbol].remove(order)
        self.engine.book(order.uid, order.product).close(order)

    def fit_locks(self, uid: str, c: Contract, now_ms: int) -> None:
        """After a position shrank without its close orders (or vanished): cancel the newest close
        orders until what they lock fits in the position again."""
        eng = self.engine
        for order in reversed(list(eng.book(uid, c.product_type).open.scope(c.symbol).values())):
            if not order.closes:
                continue
            p = eng.position(uid, c.symbol, order.hold_side)
            if p is None or p.locked > p.size:
                self.close_open(order, "canceled", now_ms)

    # -- cancelling and finding -----------------------------------------------------------
    def find(self, uid: str, product: str, symbol: str | None, order_id: str | None,
             client_oid: str | None, missing_code: str = FUTURES_ORDER_NOT_FOUND) -> FuturesOrder:
        book = self.engine.book(uid, product)
        found: FuturesOrder | None = None
        if order_id is not None:
            if order_id.isascii() and order_id.isdigit() and len(order_id) <= 20:
                found = book.find(int(order_id))
        elif client_oid is not None:
            found = book.by_client.get(client_oid)
        if found is None or (symbol is not None and found.contract is not self.contract(product, symbol)):
            raise BitgetError(missing_code)
        return found

    @mutation
    def cancel(self, uid: str, product: str, symbol: str | None, order_id: str | None, client_oid: str | None,
               now_ms: int) -> FuturesOrder:
        if symbol is not None:
            self.contract(product, symbol)
        order = self.find(uid, product, symbol, order_id, client_oid, FUTURES_NOTHING_TO_CANCEL)
        if not order.is_open:
            raise BitgetError(FUTURES_NOTHING_TO_CANCEL)
        self.close_open(order, "canceled", now_ms)
        return order

    @mutation
    def cancel_batch(self, uid: str, product: str, items: list[tuple[str | None, str | None, str | None]
                     | BitgetError], now_ms: int) -> list[FuturesOrder | BitgetError]:
        return each(items, lambda ref: self.cancel(uid, product, *ref, now_ms))

    @mutation
    def cancel_all(self, uid: str, product: str, symbol: str | None, coin: str | None,
                   now_ms: int) -> list[FuturesOrder]:
        scope = self.contract(product, symbol).symbol if symbol is not None else None
        out = []
        for order in list(self.engine.book(uid, product).open.scope(scope).values()):
            if coin is None or order.margin_coin == coin.upper():
                self.close_open(order, "canceled", now_ms)
                out.append(order)
        return out

    @mutation
    def modify(self, uid: str, product: str, symbol: str, order_id: str | None, client_oid: str | None,
               new_client_oid: str, size: Decimal | None, price: Decimal | None, now_ms: int) -> FuturesOrder:
        """Bitget's modify: the old order is cancelled and a new one placed with the new size/price
        (and the new clientOid); if the new one is refused, the old one stays."""
        old = self.find(uid, product, symbol, order_id, client_oid, FUTURES_NOTHING_TO_CANCEL)
        if not old.is_open or old.order_type != "limit":
            raise BitgetError(FUTURES_NOTHING_TO_CANCEL)
        if new_client_oid in self.engine.book(uid, product).by_client:
            raise BitgetError(FUTURES_CLIENT_OID_DUPLICATE)
        spec = FuturesOrderSpec(old.contract.symbol, product, old.margin_coin, old.margin_mode, old.side, "limit",
                                size if size is not None else old.remaining,
                                price if price is not None else old.price, old.force,
                                old.trade_side if old.pos_mode == HEDGE else None, old.reduce_only,
                                new_client_oid, old.presets)
        snapshot = (old.margin, old.status)
        self.close_open(old, "canceled", now_ms)
        try:
            return self.place(uid, spec, now_ms)
        except BitgetError:
            self._reopen(old, snapshot, now_ms)
            raise

    def _reopen(self, order: FuturesOrder, snapshot: tuple[Decimal, str], now_ms: int) -> None:
        """Undo close_open for a modify whose replacement was refused."""
        eng = self.engine
        reserve, status = snapshot
        book = eng.book(order.uid, order.product)
        book.closed.all.discard(order.oid)
        book.closed.scope(order.contract.symbol).discard(order.oid)
        if reserve:
            eng.lock(eng.wallet(order.uid, order.product, order.margin_coin), reserve, now_ms)
        order.margin, order.status, order.cancel_reason = reserve, status, ""
        if order.closes:
            p = eng.position(order.uid, order.contract.symbol, order.hold_side)
            if p is not None:
                p.locked += order.remaining
        book.add_open(order)
        eng.resting[order.contract.symbol].add(order)

    # -- flash close ------------------------------------------------------------------------
    @mutation
    def close_positions(self, uid: str, product: str, symbol: str | None, hold_side: str | None,
                        now_ms: int) -> list[FuturesOrder | BitgetError]:
        """Close positions at market: one symbol or all, one side or both (hedge mode); 22002 when
        there is nothing to close."""
        eng = self.engine
        c = self.contract(product, symbol) if symbol is not None else None
        chosen = [p for p in eng.positions_of(uid, product)
                  if (c is None or p.contract is c)
                  and (hold_side is None or eng.pos_mode(uid, product) != HEDGE or p.hold_side == hold_side)]
        if not chosen:
            raise BitgetError(NO_POSITION)
        results: list[FuturesOrder | BitgetError] = []
        for p in chosen:
            for order in list(eng.book(uid, product).open.scope(p.contract.symbol).values()):
                if order.closes and order.hold_side == p.hold_side:
                    self.close_open(order, "canceled", now_ms)
            hedge = eng.pos_mode(uid, product) == HEDGE
            side = ("buy" if p.hold_side == LONG else "sell") if hedge else ("sell" if p.hold_side == LONG else "buy")
            spec = FuturesOrderSpec(p.contract.symbol, product, p.margin_coin, p.margin_mode, side, "market", p.size,
                                    trade_side=CLOSE if hedge else None, reduce_only=not hedge)
            try:
                results.append(self.place(uid, spec, now_ms, "market"))
            except BitgetError as exc:
                results.append(exc)
        return results


def traded_margin_coin(c: Contract, given: str) -> str:
    """The margin coin an order or conditional order names, upper-cased: one of the contract's, and on an
    inverse contract its base coin only (BTCUSD: BTC); 40020 otherwise."""
    coin = given.upper()
    if coin not in c.margin_coins or (c.inverse and coin != c.base):
        raise invalid("marginCoin")
    return coin


def on_tick(c: Contract, price: Decimal, name: str) -> None:
    """A price must sit on the contract's grid (40808, with Bitget's checkBDScale wording)."""
    if more_places(price, c.price_place) or (not c.tick_is_place and price % c.tick):
        raise BitgetError(PARAM_SCALE, f"{name} checkBDScale error value={price} checkScale={c.price_place}")


def _reservation(value: Decimal, size: Decimal, leverage: int, c: Contract) -> Decimal:
    """What an opening order of `value` (price x size) reserves: its margin plus the taker fee it may pay
    (margin.initial_margin + margin.fee, on the amount grid in one step). An inverse contract's size is
    its value in USD, margined in the base coin."""
    notional = size if c.inverse else value
    return mg.amount(notional / leverage + notional * c.taker_fee)

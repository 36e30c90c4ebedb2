"""Futures account settings: leverage, margin mode, position mode, and isolated margin added or removed."""

from __future__ import annotations

from decimal import Decimal

from ...errors import (
    FUTURES_BALANCE_LOW,
    LEVERAGE_REFUSED,
    MARGIN_LOW,
    MARGIN_MODE_LOCKED,
    NO_POSITION_FOR_MARGIN,
    ORDER_EXCEEDS_BALANCE,
    PARAM_MISSING,
    PARAMS_INVALID,
    BitgetError,
    invalid,
)
from ...store.recorder import mutation
from ..catalog import Contract
from . import margin as mg
from .margin import LONG, SHORT
from .model import CROSSED, HEDGE, ISOLATED, SymbolSettings
from .trading import FuturesTrading


class FuturesSettings:
    def __init__(self, trading: FuturesTrading) -> None:
        self.trading = trading
        self.engine = trading.engine

    def _contract(self, uid: str, product: str, symbol: str, coin: str) -> Contract:
        self.engine.accounts.account(uid)
        c = self.trading.contract(product, symbol)
        if coin.upper() not in c.margin_coins:
            raise invalid("marginCoin")
        return c

    @mutation
    def set_leverage(self, uid: str, product: str, symbol: str, coin: str, leverage: int | None,
                     long_leverage: int | None, short_leverage: int | None, hold_side: str | None,
                     now_ms: int) -> tuple[Contract, SymbolSettings]:
        """Crossed: one leverage. Isolated: long and short apart (`holdSide` picks one; without it,
        or in one-way mode, `leverage` sets both). Positions keep their size; their margin follows
        the new leverage, and raising the margin needs the wallet to have it (40762)."""
        eng = self.engine
        c = self._contract(uid, product, symbol, coin)
        s = eng.symbol_settings(uid, c)
        for value, name in ((leverage, "leverage"), (long_leverage, "longLeverage"),
                            (short_leverage, "shortLeverage")):
            if value is not None and not c.min_lever <= value <= c.max_lever:
                raise invalid(name)
        new = SymbolSettings(s.margin_mode, s.cross_leverage, s.long_leverage, s.short_leverage)
        if s.margin_mode == CROSSED:
            if leverage is None:
                raise BitgetError(PARAM_MISSING, "leverage")
            new.cross_leverage = leverage
        else:
            hedge = eng.pos_mode(uid, c.product_type) == HEDGE
            long_value = long_leverage if long_leverage is not None else leverage
            short_value = short_leverage if short_leverage is not None else leverage
            if hedge and hold_side is not None and long_leverage is None and short_leverage is None:
                long_value = leverage if hold_side == LONG else None
                short_value = leverage if hold_side == SHORT else None
            if long_value is None and short_value is None:
                raise BitgetError(PARAM_MISSING, "leverage")
            new.long_leverage = long_value if long_value is not None else s.long_leverage
            new.short_leverage = short_value if short_value is not None else s.short_leverage
        # the positions' margin at the new leverage; all checked before any changes
        wallet = eng.wallet(uid, c.product_type, coin.upper())
        changes = []
        for side in (LONG, SHORT):
            p = eng.position(uid, c.symbol, side)
            if p is None:
                continue
            lev = new.leverage(side)
            if p.margin_mode == ISOLATED and lev == p.leverage:
                continue
            if lev > c.tier_for(p.entry * p.size).leverage:
                raise BitgetError(LEVERAGE_REFUSED)
            changes.append((p, lev, mg.initial_margin(p.entry, p.size, lev, c.inverse)))
        extra = sum((m - p.margin for p, _, m in changes), Decimal(0))
        if extra > 0 and extra > self.trading.max_available(uid, c.product_type, coin.upper(), now_ms):
            raise BitgetError(ORDER_EXCEEDS_BALANCE)
        for p, lev, m in changes:
            if m > p.margin:
                eng.lock(wallet, m - p.margin, now_ms)
            else:
                eng.release(wallet, p.margin - m, now_ms)
            p.margin, p.leverage, p.utime = m, lev, now_ms
        s = eng.stored_settings(uid, c)
        s.cross_leverage, s.long_leverage, s.short_leverage = new.cross_leverage, new.long_leverage, new.short_leverage
        eng.account_changed(uid, c.product_type)
        return c, s

    @mutation
    def set_margin_mode(self, uid: str, product: str, symbol: str, coin: str, mode: str,
                        now_ms: int) -> tuple[Contract, SymbolSettings]:
        c = self._contract(uid, product, symbol, coin)
        s = self.engine.symbol_settings(uid, c)
        if mode != s.margin_mode and self.trading._busy(uid, c):
            raise BitgetError(MARGIN_MODE_LOCKED)
        s = self.engine.stored_settings(uid, c)
        s.margin_mode = mode
        self.engine.account_changed(uid, c.product_type)
        return c, s

    @mutation
    def set_position_mode(self, uid: str, product: str, mode: str) -> str:
        """The mode of every symbol of the product type; refused while any position or order is open."""
        eng = self.engine
        eng.accounts.account(uid)
        if mode != eng.pos_mode(uid, product) and (eng.positions_of(uid, product) or len(eng.book(uid, product).open)):
            raise BitgetError(PARAMS_INVALID)
        eng.pos_modes[(uid, product)] = mode
        eng.account_changed(uid, product)
        return mode

    @mutation
    def set_margin(self, uid: str, product: str, symbol: str, coin: str, hold_side: str, amount: Decimal,
                   now_ms: int) -> None:
        """Add (amount > 0) or remove (amount < 0) isolated margin of one position. Removing may not
        take the margin below the position's initial margin at its leverage (40712)."""
        eng = self.engine
        c = self._contract(uid, product, symbol, coin)
        if eng.pos_mode(uid, c.product_type) != HEDGE:
            found = eng.position(uid, c.symbol, LONG) or eng.position(uid, c.symbol, SHORT)
        else:
            found = eng.position(uid, c.symbol, hold_side)
        if found is None:
            raise BitgetError(NO_POSITION_FOR_MARGIN)
        if found.margin_mode != ISOLATED:
            raise invalid("marginMode")
        wallet = eng.wallet(uid, c.product_type, found.margin_coin)
        if amount > 0:
            if amount > self.trading.max_available(uid, c.product_type, found.margin_coin, now_ms):
                raise BitgetError(FUTURES_BALANCE_LOW)
            eng.lock(wallet, amount, now_ms)
            found.margin += amount
            business = "append_margin"
        else:
            floor = mg.initial_margin(found.entry, found.size, found.leverage, c.inverse)
            if found.margin + amount < floor:
                raise BitgetError(MARGIN_LOW)
            eng.release(wallet, -amount, now_ms)
            found.margin += amount
            business = "reduce_margin"
        found.utime = now_ms
        eng.bill(uid, c.product_type, c.symbol, found.margin_coin, business, Decimal(0), Decimal(0), now_ms)

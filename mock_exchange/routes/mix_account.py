"""Futures (mix) account: wallets with their margin and PnL figures, bills, and the settings
(leverage, margin mode, position mode, isolated margin)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..endpoint import Param, get, post
from ..errors import invalid, missing
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..services import Services
from ..state.accounts import parse_amount
from ..state.catalog import SYMBOLS_BY_NAME
from ..state.futures.model import HEDGE, ONE_WAY
from ..state.futures.queries import FuturesPage, page
from ..state.wallet import MARGIN_COINS
from ..views import plain
from . import mix_schemas as rs
from .mix import PRODUCT_TYPE_CHOICES, product_type
from .mix_views import bill_view
from .params import page_limit, time_range

_EIGHT = Decimal("1e-8")
_STABLE = ("USDT", "USDC")
MARGIN_MODES = ("crossed", "isolated")
HOLD_SIDES = ("long", "short")
POS_MODES = (ONE_WAY, HEDGE)


def _usdt_price(svc: Services, coin: str, now_ms: int) -> Decimal:
    if coin in _STABLE:
        return Decimal(1)
    sym = SYMBOLS_BY_NAME.get(coin + "USDT")
    return svc.exchange.market.last_price(sym, now_ms) if sym is not None else Decimal(0)


def _wallet_view(svc: Services, req: ApiRequest, product: str, coin: str) -> tuple[dict[str, Any], dict[str, Decimal]]:
    """The fields `account` and `accounts` share, and the wallet's figures they came from."""
    futures = svc.exchange.futures
    f = futures.engine.figures(req.uid, product, coin, futures.trading.marks(req.uid, req.now_ms))
    price = _usdt_price(svc, coin, req.now_ms)
    btc_price = _usdt_price(svc, "BTC", req.now_ms)
    usdt = (f["equity"] * price).quantize(_EIGHT)
    f["usdt"], f["free_usdt"] = usdt, (f["max_available"] * price).quantize(_EIGHT)
    return {
        "marginCoin": coin,
        "locked": plain(f["locked"]),
        "available": plain(f["available"]),
        "crossedMaxAvailable": plain(f["max_available"]),
        "isolatedMaxAvailable": plain(f["max_available"]),
        "maxTransferOut": plain(f["max_available"]),
        "accountEquity": plain(f["equity"]),
        "usdtEquity": plain(usdt),
        "btcEquity": plain((usdt / btc_price).quantize(_EIGHT)) if btc_price else "0",
        "crossedRiskRate": plain(f["risk"].quantize(_EIGHT)),
        "unrealizedPL": plain(f["upnl"]),
        "coupon": "0",
        "crossedUnrealizedPL": plain(f["upnl_cross"]),
        # "" without an isolated position: both real mix/account/account answers (crossed, nothing isolated)
        "isolatedUnrealizedPL": plain(f["upnl_iso"]) if f["iso_margin"] else "",
        "assetMode": "single",
        "grant": "",  # no trial funds (bonus) are simulated; Bitget sends "" then (ccxt's recorded answer)
    }, f


def accounts(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    svc.exchange.accounts.account(req.uid)
    out = []
    for coin in MARGIN_COINS[product]:
        view, f = _wallet_view(svc, req, product, coin)
        view.update({
            "unionTotalMagin": plain(f["usdt"]), "unionAvailable": plain(f["free_usdt"]), "unionMm": "0",
            "assetList": [{"coin": coin, "balance": plain(f["balance"])}],
            "isolatedMargin": plain(f["iso_margin"]), "crossedMargin": plain(f["cross_margin"]),
        })
        out.append(view)
    return out


def _target(svc: Services, req: ApiRequest) -> tuple[str, str, str]:
    """productType, symbol and marginCoin, all required; the symbol must be a contract of the product."""
    product = product_type(req)
    symbol = req.text("symbol", required=True) or ""
    coin = (req.text("marginCoin", required=True) or "").upper()
    c = svc.exchange.futures_market.contract(product, symbol)
    if coin not in c.margin_coins:
        raise invalid("marginCoin")
    return product, c.symbol, coin


def account(svc: Services, req: ApiRequest) -> Any:
    product, symbol, coin = _target(svc, req)
    eng = svc.exchange.futures.engine
    svc.exchange.accounts.account(req.uid)
    s = eng.symbol_settings(req.uid, svc.exchange.futures_market.contract(product, symbol))
    view, _ = _wallet_view(svc, req, product, coin)
    view.update({
        # JSON numbers, as the 2025 recording (ccxt's fetchLeverage) and the current doc example send them
        "crossedMarginLeverage": s.cross_leverage, "isolatedLongLever": s.long_leverage,
        "isolatedShortLever": s.short_leverage, "marginMode": s.margin_mode,
        "posMode": eng.pos_mode(req.uid, product), "isolatedMargin": None, "crossedMargin": None,
    })
    return view


def bill(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    symbol = req.text("symbol")
    if symbol is not None:
        symbol = svc.exchange.futures_market.contract(product, symbol).symbol
    coin = req.text("coin")
    business = req.text("businessType")
    start, end = time_range(req)
    limit = page_limit(req, 20, 100)
    before = req.integer("idLessThan")

    def keep(b: Any) -> bool:
        return (coin is None or b.coin == coin.upper()) and (business is None or b.business == business.lower())

    svc.exchange.accounts.account(req.uid)
    bills = page(svc.exchange.futures.engine.book(req.uid, product).bills,
                 FuturesPage(symbol, before, start, end, limit, keep), lambda b: b.ctime)
    return {"bills": [bill_view(b) for b in bills], "endId": str(bills[-1].bid) if bills else ""}


def _leverage(req: ApiRequest, name: str) -> int | None:
    value = req.text(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        raise invalid(name)
    return int(value)


def set_leverage(svc: Services, req: ApiRequest) -> Any:
    product, symbol, coin = _target(svc, req)
    lev = _leverage(req, "leverage")
    long_lev, short_lev = _leverage(req, "longLeverage"), _leverage(req, "shortLeverage")
    if lev is None and long_lev is None and short_lev is None:
        raise missing("leverage")
    hold = req.choice("holdSide", HOLD_SIDES)
    c, s = svc.exchange.futures.settings.set_leverage(req.uid, product, symbol, coin, lev, long_lev, short_lev,
                                                      hold, req.now_ms)
    return {"symbol": c.symbol, "marginCoin": coin, "longLeverage": str(s.long_leverage),
            "shortLeverage": str(s.short_leverage), "crossMarginLeverage": str(s.cross_leverage),
            "marginMode": s.margin_mode}


def set_margin_mode(svc: Services, req: ApiRequest) -> Any:
    product, symbol, coin = _target(svc, req)
    mode = req.choice("marginMode", MARGIN_MODES, required=True) or ""
    c, s = svc.exchange.futures.settings.set_margin_mode(req.uid, product, symbol, coin, mode, req.now_ms)
    # Change-Margin-Mode example: crossMarginLeverage null in isolated mode (docs/responses.md)
    cross = str(s.cross_leverage) if s.margin_mode == "crossed" else None
    return {"symbol": c.symbol, "marginCoin": coin, "longLeverage": str(s.long_leverage),
            "shortLeverage": str(s.short_leverage), "crossMarginLeverage": cross, "marginMode": s.margin_mode}


def set_position_mode(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    mode = req.choice("posMode", POS_MODES, required=True) or ""
    return {"posMode": svc.exchange.futures.settings.set_position_mode(req.uid, product, mode)}


def set_margin(svc: Services, req: ApiRequest) -> Any:
    product, symbol, coin = _target(svc, req)
    hold = req.choice("holdSide", HOLD_SIDES, required=True) or ""
    raw = req.text("amount", required=True) or ""
    negative = raw.strip().startswith("-")
    amount = parse_amount(raw.strip()[1:] if negative else raw, "amount", allow_zero=False)
    if negative:
        amount = -amount
    svc.exchange.futures.settings.set_margin(req.uid, product, symbol, coin, hold, amount, req.now_ms)
    return ""


_TRADE: dict[str, Any] = {"private": True, "permission": "contract_trade"}
_PT = Param("productType", required=True, enum=PRODUCT_TYPE_CHOICES)
_TARGET = (_PT, Param("symbol", required=True), Param("marginCoin", required=True))
_RANGE = (Param("startTime"), Param("endTime"), Param("idLessThan"), Param("limit"))
ENDPOINTS = (
    get("/api/v2/mix/account/accounts", accounts, private=True, limit=per_uid(10), params=(_PT,),
        response=rs.ACCOUNTS),
    get("/api/v2/mix/account/account", account, private=True, limit=per_uid(10), params=_TARGET,
        response=rs.ACCOUNT),
    get("/api/v2/mix/account/bill", bill, private=True, limit=per_uid(10), params=(
        _PT, Param("symbol"), Param("coin"), Param("businessType"), *_RANGE), response=rs.BILLS),
    post("/api/v2/mix/account/set-leverage", set_leverage, limit=per_uid(5), **_TRADE, params=(
        *_TARGET, Param("leverage", doc="or longLeverage / shortLeverage"), Param("longLeverage"),
        Param("shortLeverage"), Param("holdSide", enum=HOLD_SIDES)), response=rs.SET_LEVERAGE),
    post("/api/v2/mix/account/set-margin", set_margin, limit=per_uid(5), **_TRADE, params=(
        *_TARGET, Param("holdSide", required=True, enum=HOLD_SIDES), Param("amount", required=True)),
        response=rs.SET_MARGIN),
    post("/api/v2/mix/account/set-margin-mode", set_margin_mode, limit=per_uid(5), **_TRADE, params=(
        *_TARGET, Param("marginMode", required=True, enum=MARGIN_MODES)), response=rs.SET_MARGIN_MODE),
    post("/api/v2/mix/account/set-position-mode", set_position_mode, limit=per_uid(5), **_TRADE, params=(
        _PT, Param("posMode", required=True, enum=POS_MODES)), response=rs.SET_POSITION_MODE),
)

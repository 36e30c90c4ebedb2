"""Public reference data: server time, coins, spot symbols, margin currencies."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get
from ..errors import PARAM_NOT_FOUND, BitgetError
from ..ratelimit.limits import per_ip
from ..request import ApiRequest
from ..schema import Bool, Enum, IntStr, List, MaybeEmpty, NumStr, Obj, Str
from ..services import Services
from ..state.catalog import COINS, SPOT_SYMBOLS, Coin, SpotSymbol
from ..views import plain

# Bitget: both are obsolete and no limit applies; the documented example sends "0" and a very large maximum
# (Get-Symbols). A maximum of "0" makes ccxt cap every order at 0 (issue 13).
MIN_TRADE_AMOUNT = "0"
MAX_TRADE_AMOUNT = "900000000000000000000"


def _coin_view(c: Coin) -> dict[str, Any]:
    return {
        "coinId": str(c.coin_id),
        "coin": c.coin,
        "transfer": "true",
        "areaCoin": "no",
        "chains": [
            {
                "chain": ch.chain,
                "needTag": "false",
                "withdrawable": "true",
                "rechargeable": "true",
                "withdrawFee": plain(ch.withdraw_fee),
                "extraWithdrawFee": "0",
                "depositConfirm": "12",
                "withdrawConfirm": "12",
                "minDepositAmount": plain(ch.min_withdraw),
                "minWithdrawAmount": plain(ch.min_withdraw),
                "browserUrl": "https://explorer.invalid/tx/",
                "contractAddress": "",
                "withdrawStep": "0",
                "withdrawMinScale": "8",
                "congestion": "normal",
            }
            for ch in c.chains
        ],
    }


def _symbol_view(s: SpotSymbol) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "baseCoin": s.base,
        "quoteCoin": s.quote,
        "minTradeAmount": MIN_TRADE_AMOUNT,
        "maxTradeAmount": MAX_TRADE_AMOUNT,
        "takerFeeRate": plain(s.taker_fee),
        "makerFeeRate": plain(s.maker_fee),
        "pricePrecision": str(s.price_precision),
        "quantityPrecision": str(s.quantity_precision),
        "quotePrecision": str(s.quote_precision),
        "status": "online",
        "minTradeUSDT": plain(s.min_trade_usdt),
        "buyLimitPriceRatio": plain(s.buy_limit_ratio),
        "sellLimitPriceRatio": plain(s.sell_limit_ratio),
        "areaSymbol": "no",
        "orderQuantity": "200",
        "openTime": "1532454360000",
        "offTime": "",
        "maxLimitOrderValue": "1000000",
        "maxMarketOrderValue": "500000",
    }


def _margin_view(s: SpotSymbol) -> dict[str, Any]:
    return {
        "symbol": s.symbol,
        "baseCoin": s.base,
        "quoteCoin": s.quote,
        "maxCrossedLeverage": "3",
        "maxIsolatedLeverage": "10",
        "warningRiskRatio": "0.8",
        "liquidationRiskRatio": "1",
        "minTradeAmount": MIN_TRADE_AMOUNT,
        "maxTradeAmount": MAX_TRADE_AMOUNT,
        "takerFeeRate": plain(s.taker_fee),
        "makerFeeRate": plain(s.maker_fee),
        "pricePrecision": str(s.price_precision),
        "quantityPrecision": str(s.quantity_precision),
        "minTradeUSDT": plain(s.min_trade_usdt),
        "isBorrowable": True,
        "userMinBorrow": "0.00000001",
        "status": "1",
        "isIsolatedBaseBorrowable": True,
        "isIsolatedQuoteBorrowable": True,
        "isCrossBorrowable": True,
    }


COIN_VIEWS = {c.coin: _coin_view(c) for c in COINS}
SYMBOL_VIEWS = {s.symbol: _symbol_view(s) for s in SPOT_SYMBOLS}
MARGIN_VIEWS = [_margin_view(s) for s in SPOT_SYMBOLS if s.margin]


def server_time(svc: Services, req: ApiRequest) -> Any:
    return {"serverTime": str(req.now_ms)}


def coins(svc: Services, req: ApiRequest) -> Any:
    coin = req.text("coin")
    if coin is None:
        return list(COIN_VIEWS.values())
    found = COIN_VIEWS.get(coin) or COIN_VIEWS.get(coin.upper())
    if found is None:
        raise BitgetError(PARAM_NOT_FOUND, coin)
    return [found]


def symbols(svc: Services, req: ApiRequest) -> Any:
    symbol = req.text("symbol")
    if symbol is None:
        return list(SYMBOL_VIEWS.values())
    return [SYMBOL_VIEWS[svc.exchange.market.symbol(symbol).symbol]]


def margin_currencies(svc: Services, req: ApiRequest) -> Any:
    return MARGIN_VIEWS


_FLAG = Enum("true", "false")
CHAIN = Obj({
    "chain": Str, "needTag": _FLAG, "withdrawable": _FLAG, "rechargeable": _FLAG, "withdrawFee": NumStr,
    "extraWithdrawFee": NumStr, "depositConfirm": IntStr, "withdrawConfirm": IntStr, "minDepositAmount": NumStr,
    "minWithdrawAmount": NumStr, "browserUrl": Str, "contractAddress": Str, "withdrawStep": NumStr,
    "withdrawMinScale": IntStr, "congestion": Enum("normal", "congested"),
})
COIN = Obj({"coinId": IntStr, "coin": Str, "transfer": _FLAG, "areaCoin": Enum("yes", "no"), "chains": List(CHAIN)})
SYMBOL = Obj({
    "symbol": Str, "baseCoin": Str, "quoteCoin": Str, "minTradeAmount": NumStr, "maxTradeAmount": NumStr,
    "takerFeeRate": NumStr, "makerFeeRate": NumStr, "pricePrecision": IntStr, "quantityPrecision": IntStr,
    "quotePrecision": IntStr, "status": Enum("offline", "gray", "online", "halt"), "minTradeUSDT": NumStr,
    "buyLimitPriceRatio": NumStr, "sellLimitPriceRatio": NumStr, "areaSymbol": Enum("yes", "no"),
    "orderQuantity": IntStr, "openTime": IntStr, "offTime": MaybeEmpty(IntStr), "maxLimitOrderValue": NumStr,
    "maxMarketOrderValue": NumStr,
})
MARGIN_CURRENCY = Obj({
    "symbol": Str, "baseCoin": Str, "quoteCoin": Str, "maxCrossedLeverage": NumStr, "maxIsolatedLeverage": NumStr,
    "warningRiskRatio": NumStr, "liquidationRiskRatio": NumStr, "minTradeAmount": NumStr, "maxTradeAmount": NumStr,
    "takerFeeRate": NumStr, "makerFeeRate": NumStr, "pricePrecision": IntStr, "quantityPrecision": IntStr,
    "minTradeUSDT": NumStr, "isBorrowable": Bool, "userMinBorrow": NumStr, "status": Enum("1", "2"),
    "isIsolatedBaseBorrowable": Bool, "isIsolatedQuoteBorrowable": Bool, "isCrossBorrowable": Bool,
})

ENDPOINTS = (
    get("/api/v2/public/time", server_time, limit=per_ip(20), response=Obj({"serverTime": IntStr})),
    get("/api/v2/spot/public/coins", coins, limit=per_ip(3), params=(Param("coin", doc="all coins without it"),),
        response=List(COIN)),
    get("/api/v2/spot/public/symbols", symbols, limit=per_ip(20),
        params=(Param("symbol", doc="all symbols without it"),), response=List(SYMBOL)),
    get("/api/v2/margin/currencies", margin_currencies, limit=per_ip(20), response=List(MARGIN_CURRENCY)),
)

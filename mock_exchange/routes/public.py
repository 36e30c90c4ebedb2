"""Public reference data: server time, coins, spot symbols, margin currencies."""

from __future__ import annotations

from typing import Any

from ..endpoint import get
from ..errors import PARAM_NOT_FOUND, BitgetError
from ..ratelimit.limits import per_ip
from ..request import ApiRequest
from ..services import Services
from ..state.catalog import COINS, SPOT_SYMBOLS, Coin, SpotSymbol
from ..views import plain


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
        "minTradeAmount": "0",
        "maxTradeAmount": "0",
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
        "maxCrossLeverage": "3",
        "maxIsolatedLeverage": "10",
        "warningRiskRatio": "0.8",
        "liquidationRiskRatio": "1",
        "minTradeAmount": "0",
        "maxTradeAmount": "0",
        "takerFeeRate": plain(s.taker_fee),
        "makerFeeRate": plain(s.maker_fee),
        "priceScale": str(s.price_precision),
        "quantityScale": str(s.quantity_precision),
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


ENDPOINTS = (
    get("/api/v2/public/time", server_time, limit=per_ip(20)),
    get("/api/v2/spot/public/coins", coins, limit=per_ip(3)),
    get("/api/v2/spot/public/symbols", symbols, limit=per_ip(20)),
    get("/api/v2/margin/currencies", margin_currencies, limit=per_ip(20)),
)

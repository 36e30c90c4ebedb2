"""Futures (mix) endpoints: contract configuration."""

from __future__ import annotations

from typing import Any

from ..endpoint import get
from ..errors import PARAM_NOT_FOUND, BitgetError
from ..ratelimit.limits import per_ip
from ..request import ApiRequest
from ..schema import Enum, IntStr, List, MaybeEmpty, NumStr, Obj, Str
from ..services import Services
from ..state.catalog import CONTRACTS, DEMO_PRODUCT_TYPES, PRODUCT_TYPES, Contract
from ..views import plain

PRODUCT_TYPE_CHOICES = PRODUCT_TYPES + tuple(DEMO_PRODUCT_TYPES)


def _contract_view(c: Contract) -> dict[str, Any]:
    return {
        "symbol": c.symbol,
        "baseCoin": c.base,
        "quoteCoin": c.quote,
        "buyLimitPriceRatio": plain(c.buy_limit_ratio),
        "sellLimitPriceRatio": plain(c.sell_limit_ratio),
        "feeRateUpRatio": "0.005",
        "makerFeeRate": plain(c.maker_fee),
        "takerFeeRate": plain(c.taker_fee),
        "openCostUpRatio": "0.01",
        "supportMarginCoins": list(c.margin_coins),
        "minTradeNum": plain(c.min_trade_num),
        "priceEndStep": str(c.price_end_step),
        "volumePlace": str(c.volume_place),
        "pricePlace": str(c.price_place),
        "sizeMultiplier": plain(c.lot),
        "symbolType": "perpetual",
        "minTradeUSDT": plain(c.min_trade_usdt),
        "maxSymbolOrderNum": "200",
        "maxProductOrderNum": "400",
        "maxPositionNum": "150",
        "symbolStatus": "normal",
        "offTime": "-1",
        "limitOpenTime": "-1",
        "deliveryTime": "",
        "deliveryStartTime": "",
        "deliveryPeriod": "",
        "launchTime": "",
        "fundInterval": str(c.fund_interval_hours),
        "minLever": str(c.min_lever),
        "maxLever": str(c.max_lever),
        "posLimit": "0.05",
        "maintainTime": "",
        "maxMarketOrderQty": plain(c.max_market_order_qty),
        "maxOrderQty": plain(c.max_order_qty),
        "isRwa": "NO",
    }


CONTRACT_VIEWS: dict[str, list[dict[str, Any]]] = {
    pt: [_contract_view(c) for c in CONTRACTS if c.product_type == pt] for pt in PRODUCT_TYPES
}


def product_type(req: ApiRequest) -> str:
    chosen = req.choice("productType", PRODUCT_TYPE_CHOICES, required=True) or ""
    return DEMO_PRODUCT_TYPES.get(chosen, chosen)


def contracts(svc: Services, req: ApiRequest) -> Any:
    views = CONTRACT_VIEWS[product_type(req)]
    symbol = req.text("symbol")
    if symbol is None:
        return views
    chosen = [v for v in views if v["symbol"] == symbol.upper()]
    if not chosen:
        raise BitgetError(PARAM_NOT_FOUND, symbol)
    return chosen


CONTRACT = Obj({
    "symbol": Str, "baseCoin": Str, "quoteCoin": Str, "buyLimitPriceRatio": NumStr, "sellLimitPriceRatio": NumStr,
    "feeRateUpRatio": NumStr, "makerFeeRate": NumStr, "takerFeeRate": NumStr, "openCostUpRatio": NumStr,
    "supportMarginCoins": List(Str), "minTradeNum": NumStr, "priceEndStep": NumStr, "volumePlace": IntStr,
    "pricePlace": IntStr, "sizeMultiplier": NumStr, "symbolType": Enum("perpetual", "delivery"),
    "minTradeUSDT": NumStr, "maxSymbolOrderNum": IntStr, "maxProductOrderNum": IntStr, "maxPositionNum": IntStr,
    "symbolStatus": Enum("listed", "normal", "maintain", "limit_open", "restrictedAPI", "off"),
    "offTime": IntStr, "limitOpenTime": IntStr, "deliveryTime": MaybeEmpty(IntStr),
    "deliveryStartTime": MaybeEmpty(IntStr), "deliveryPeriod": MaybeEmpty(Str), "launchTime": MaybeEmpty(IntStr),
    "fundInterval": IntStr, "minLever": IntStr, "maxLever": IntStr, "posLimit": NumStr,
    "maintainTime": MaybeEmpty(IntStr), "maxMarketOrderQty": NumStr, "maxOrderQty": NumStr, "isRwa": Enum("YES", "NO"),
})

ENDPOINTS = (get("/api/v2/mix/market/contracts", contracts, limit=per_ip(20), response=List(CONTRACT)),)

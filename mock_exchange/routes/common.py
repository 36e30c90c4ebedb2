"""Common endpoints: the account's trade (fee) rate for one spot, margin or futures symbol."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get
from ..errors import PARAM_NOT_FOUND, BitgetError
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import NumStr, Obj
from ..services import Services
from ..views import plain
from .mix import CONTRACT_VIEWS

BUSINESS_TYPES = ("spot", "margin", "mix")
# futures symbol -> its contract view (every product type's contracts; symbols are unique across them)
_CONTRACTS = {view["symbol"]: view for views in CONTRACT_VIEWS.values() for view in views}


def trade_rate(svc: Services, req: ApiRequest) -> Any:
    """Fee rates as the symbol's configuration states them: the spot symbol's, or the contract's for mix."""
    symbol = req.text("symbol", required=True) or ""
    business = req.choice("businessType", BUSINESS_TYPES, required=True)
    if business == "mix":
        contract = _CONTRACTS.get(symbol.upper())
        if contract is None:
            raise BitgetError(PARAM_NOT_FOUND, symbol)
        return {"makerFeeRate": contract["makerFeeRate"], "takerFeeRate": contract["takerFeeRate"]}
    sym = svc.exchange.market.symbol(symbol)
    if business == "margin" and not sym.margin:
        raise BitgetError(PARAM_NOT_FOUND, symbol)
    return {"makerFeeRate": plain(sym.maker_fee), "takerFeeRate": plain(sym.taker_fee)}


# doc 10/s (Get-Trade-Rate)
TRADE_RATE = Obj({"makerFeeRate": NumStr, "takerFeeRate": NumStr})
ENDPOINTS = (get("/api/v2/common/trade-rate", trade_rate, private=True, limit=per_uid(10), params=(
    Param("symbol", required=True), Param("businessType", required=True, enum=BUSINESS_TYPES)),
    response=TRADE_RATE),)

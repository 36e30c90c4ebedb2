"""Futures (mix) account reads: the futures wallets that spot transfers fill.

The mock simulates no positions, so equity is the wallet's balance and every PnL and risk figure is 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..endpoint import get
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import Enum, List, MaybeEmpty, NumStr, Obj, Str
from ..services import Services
from ..state.catalog import SYMBOLS_BY_NAME
from ..state.wallet import FUTURES_WALLETS, MARGIN_COINS
from ..views import plain
from .mix import product_type

_EIGHT = Decimal("1e-8")
_STABLE = ("USDT", "USDC")


def _usdt_price(svc: Services, coin: str, now_ms: int) -> Decimal:
    if coin in _STABLE:
        return Decimal(1)
    sym = SYMBOLS_BY_NAME.get(coin + "USDT")
    return svc.exchange.market.last_price(sym, now_ms) if sym is not None else Decimal(0)


def accounts(svc: Services, req: ApiRequest) -> Any:
    product = product_type(req)
    account = svc.exchange.accounts.account(req.uid)
    wallet = account.wallets.get(FUTURES_WALLETS[product], {})
    btc_price = _usdt_price(svc, "BTC", req.now_ms)
    out = []
    for coin in MARGIN_COINS[product]:
        balance = wallet.get(coin)
        available = balance.available if balance is not None else Decimal(0)
        equity = balance.total if balance is not None else Decimal(0)
        price = _usdt_price(svc, coin, req.now_ms)
        usdt = (equity * price).quantize(_EIGHT)
        out.append({
            "marginCoin": coin,
            "locked": plain(balance.frozen) if balance is not None else "0",
            "available": plain(available),
            "crossedMaxAvailable": plain(available),
            "isolatedMaxAvailable": plain(available),
            "maxTransferOut": plain(available),
            "accountEquity": plain(equity),
            "usdtEquity": plain(usdt),
            "btcEquity": plain((usdt / btc_price).quantize(_EIGHT)) if btc_price else "0",
            "crossedRiskRate": "0",
            "unrealizedPL": "0",
            "coupon": "0",
            "unionTotalMagin": plain(usdt),
            "unionAvailable": plain((available * price).quantize(_EIGHT)),
            "unionMm": "0",
            "assetList": [{"coin": coin, "balance": plain(equity)}],
            "isolatedMargin": "0",
            "crossedMargin": "0",
            "crossedUnrealizedPL": "0",
            "isolatedUnrealizedPL": "0",
            "assetMode": "single",
            "grant": "",  # no trial funds (bonus) are simulated; Bitget sends "" then (ccxt's recorded answer)
        })
    return out


_AMOUNTS = ("locked", "available", "crossedMaxAvailable", "isolatedMaxAvailable", "maxTransferOut", "accountEquity",
            "usdtEquity", "btcEquity", "crossedRiskRate", "unrealizedPL", "coupon", "unionTotalMagin",
            "unionAvailable", "unionMm")
FUTURES_ACCOUNT = Obj({
    "marginCoin": Str, **{name: NumStr for name in _AMOUNTS},
    "assetList": List(Obj({"coin": Str, "balance": NumStr})), "isolatedMargin": NumStr, "crossedMargin": NumStr,
    "crossedUnrealizedPL": NumStr, "isolatedUnrealizedPL": NumStr, "assetMode": Enum("single", "union"),
    "grant": MaybeEmpty(NumStr),
})

ENDPOINTS = (get("/api/v2/mix/account/accounts", accounts, private=True, limit=per_uid(10),
                 response=List(FUTURES_ACCOUNT)),)

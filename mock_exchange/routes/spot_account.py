"""Spot account reads: account info and assets, from the account's real balances."""

from __future__ import annotations

from typing import Any

from ..endpoint import get
from ..errors import BitgetError
from ..request import ApiRequest
from ..services import Services
from ..state.catalog import COINS_BY_NAME
from ..state.market import plain

_AUTHORITIES = {
    "read": "readonly", "spot_trade": "trade", "margin_trade": "margin_trade",
    "contract_trade": "contract_trade", "transfer": "transfer", "withdraw": "withdraw",
}


def account_info(svc: Services, req: ApiRequest) -> Any:
    key = req.key
    account = svc.exchange.accounts.account(req.uid)
    perms = sorted(key.permissions) if key else []
    return {
        "userId": account.uid,
        "inviterId": "0",
        "ips": ",".join(key.ips) if key else "",
        "authorities": list(dict.fromkeys(_AUTHORITIES[p] for p in perms)),
        "parentId": int(account.uid) if account.uid.isdigit() else 0,
        "traderType": "trader",
        "channelCode": "",
        "channel": "",
        "regisTime": str(account.created_ms),
    }


def assets(svc: Services, req: ApiRequest) -> Any:
    account = svc.exchange.accounts.account(req.uid)
    coin = req.text("coin")
    asset_type = req.choice("assetType", ("hold_only", "all"), default="hold_only")
    wallet = account.wallet("spot")
    if coin is not None:
        name = coin if coin in COINS_BY_NAME else coin.upper()
        if name not in COINS_BY_NAME:
            raise BitgetError("40034", coin)
        chosen = [name]
    elif asset_type == "all":
        chosen = list(COINS_BY_NAME)
    else:
        chosen = [c for c, b in wallet.items() if b.available or b.frozen]
    out = []
    for name in chosen:
        b = account.balance(name) if name in wallet else None
        out.append({
            "coin": name,
            "available": plain(b.available) if b else "0",
            "frozen": plain(b.frozen) if b else "0",
            "locked": "0",
            "limitAvailable": "0",
            "uTime": str(b.utime if b and b.utime else account.created_ms),
        })
    return out


ENDPOINTS = (
    get("/api/v2/spot/account/info", account_info, private=True),
    get("/api/v2/spot/account/assets", assets, private=True),
)

"""Spot account reads: account info and assets from the account's real balances; transfer records and
bills (the spot account statement) from the wallet and the ledger."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get
from ..errors import PARAM_NOT_FOUND, BitgetError, invalid
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import Enum, Int, IntStr, List, MaybeEmpty, NumStr, Obj, Str
from ..services import Services
from ..state.catalog import COINS_BY_NAME
from ..state.constants import ACCOUNT_TYPES, DAY_MS
from ..state.records import BUSINESS_TYPES, GROUP_TYPES, LEGACY_BUSINESS_TYPES, Bill, Transfer
from ..views import plain
from .params import page_limit, time_range

RECORDS_WINDOW_MS = 90 * DAY_MS  # Bitget: startTime and endTime at most 90 days apart
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
            raise BitgetError(PARAM_NOT_FOUND, coin)
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


def transfer_view(t: Transfer) -> dict[str, Any]:
    return {
        "coin": t.coin,
        "status": "Successful",
        "toType": t.to_type,
        "toSymbol": t.symbol if t.to_type == "isolated_margin" else "",
        "fromType": t.from_type,
        "fromSymbol": t.symbol if t.from_type == "isolated_margin" else "",
        "size": plain(t.size),
        "ts": str(t.ctime),
        "clientOid": t.client_oid,
        "transferId": str(t.tid),
    }


def transfer_records(svc: Services, req: ApiRequest) -> Any:
    coin = req.text("coin", required=True) or ""
    from_type = req.choice("fromType", (*ACCOUNT_TYPES, "exchange"), required=True)
    start, end = time_range(req, max_ms=RECORDS_WINDOW_MS)
    records = svc.exchange.wallet.transfer_records(
        req.uid, coin, "spot" if from_type == "exchange" else from_type, req.text("clientOid"), start, end,
        req.integer("idLessThan"), page_limit(req, 100, 500))
    return [transfer_view(t) for t in records]


def bill_view(b: Bill) -> dict[str, Any]:
    return {
        "cTime": str(b.ctime),
        "coin": b.coin,
        "groupType": b.group,
        "businessType": b.business,
        "size": plain(b.size),
        "balance": plain(b.balance),
        "fees": plain(b.fee) if b.fee else "0",
        "billId": str(b.bid),
        "bizOrderId": b.order_id,
    }


def bills(svc: Services, req: ApiRequest) -> Any:
    """Newest first, by billId; `size` is the signed change of the coin's spot total, fee included."""
    coin = req.text("coin")
    group = req.choice("groupType", GROUP_TYPES)
    business = req.text("businessType")
    if business is not None:
        business = LEGACY_BUSINESS_TYPES.get(business.lower(), business.upper())
        if business not in BUSINESS_TYPES:
            raise invalid("businessType")
    start, end = time_range(req, max_ms=RECORDS_WINDOW_MS)
    page = svc.exchange.ledger.bill_page(req.uid, req.now_ms, coin, group, business, start, end,
                                         req.integer("idLessThan"), page_limit(req, 100, 500))
    return [bill_view(b) for b in page]


ACCOUNT_INFO = Obj({
    "userId": Str, "inviterId": Str, "ips": Str, "authorities": List(Enum(*_AUTHORITIES.values())),
    "parentId": Int, "traderType": Str, "channelCode": Str, "channel": Str, "regisTime": IntStr,
})
ASSET = Obj({"coin": Str, "available": NumStr, "frozen": NumStr, "locked": NumStr, "limitAvailable": NumStr,
             "uTime": IntStr})
TRANSFER_RECORD = Obj({
    "coin": Str, "status": Enum("Successful", "Failed", "Processing"), "toType": Str, "toSymbol": Str,
    "fromType": Str, "fromSymbol": Str, "size": NumStr, "ts": IntStr, "clientOid": Str, "transferId": IntStr,
})
BILL = Obj({
    "cTime": IntStr, "coin": Str, "groupType": Enum(*GROUP_TYPES), "businessType": Enum(*BUSINESS_TYPES),
    "size": NumStr, "balance": NumStr, "fees": NumStr, "billId": IntStr, "bizOrderId": MaybeEmpty(IntStr),
})

_RANGE = (Param("startTime", kind="integer"), Param("endTime", kind="integer"))
_LIMIT = Param("limit", kind="integer", doc="1..500, default 100")
ENDPOINTS = (
    get("/api/v2/spot/account/info", account_info, private=True, limit=per_uid(1), response=ACCOUNT_INFO),
    get("/api/v2/spot/account/assets", assets, private=True, limit=per_uid(10), params=(
        Param("coin"), Param("assetType", enum=("hold_only", "all"), doc="default hold_only")), response=List(ASSET)),
    # no limit in the spot sources read: the default of docs/rules.md#rate-limits (the doc page says 20/s)
    get("/api/v2/spot/account/transferRecords", transfer_records, private=True, limit=per_uid(10), params=(
        Param("coin", required=True), Param("fromType", required=True, enum=(*ACCOUNT_TYPES, "exchange")),
        Param("clientOid"), *_RANGE, Param("idLessThan", kind="integer"), _LIMIT), response=List(TRANSFER_RECORD)),
    get("/api/v2/spot/account/bills", bills, private=True, limit=per_uid(10), params=(
        Param("coin"), Param("groupType", enum=GROUP_TYPES),
        Param("businessType", enum=BUSINESS_TYPES, doc="any case; the older lower-case names too"), *_RANGE,
        Param("idLessThan", kind="integer"), _LIMIT), response=List(BILL)),  # doc 10/s (Get-Account-Bills)
)

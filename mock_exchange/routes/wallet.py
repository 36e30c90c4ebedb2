"""Wallet endpoints: transfers between account types, withdrawals, deposit addresses, and the records."""

from __future__ import annotations

from typing import Any

from ..endpoint import Param, get, post
from ..ratelimit.limits import per_uid
from ..request import ApiRequest
from ..schema import Enum, IntStr, List, Nullable, NumStr, Obj, Str
from ..services import Services
from ..state.constants import ACCOUNT_TYPES
from ..state.wallet import Withdrawal, WithdrawSpec
from ..views import deposit_view, plain
from .params import client_oid, page_limit, positive, required_range

RECORDS_MAX = 100
RECORDS_DEFAULT = 20
EXPLORER = "https://explorer.invalid/address/"


def transfer(svc: Services, req: ApiRequest) -> Any:
    from_type = req.choice("fromType", ACCOUNT_TYPES, required=True) or ""
    to_type = req.choice("toType", ACCOUNT_TYPES, required=True) or ""
    amount = positive(req, "amount")
    coin = req.text("coin", required=True) or ""
    result = svc.exchange.wallet.transfer(req.uid, from_type, to_type, coin, amount, req.text("symbol"),
                                          client_oid(req), req.now_ms)
    return {"transferId": result.transfer_id, "clientOid": result.client_oid}


def withdrawal(svc: Services, req: ApiRequest) -> Any:
    spec = WithdrawSpec(
        coin=req.text("coin", required=True) or "",
        transfer_type=req.choice("transferType", ("on_chain", "internal_transfer"), required=True) or "",
        address=req.text("address", required=True) or "",
        size=positive(req, "size"),
        chain=req.text("chain"),
        tag=req.text("tag") or "",
        client_oid=client_oid(req),
        inner_to_type=req.choice("innerToType", ("email", "mobile", "uid"), default="uid") or "uid",
    )
    record = svc.exchange.wallet.withdraw(req.uid, spec, req.now_ms)
    return {"orderId": str(record.oid), "clientOid": record.client_oid}


def withdrawal_view(w: Withdrawal, now_ms: int) -> dict[str, Any]:
    done = now_ms >= w.done_ms()
    return {
        "orderId": str(w.oid),
        "tradeId": w.tx_hash,
        "coin": w.coin,
        "dest": w.dest,
        "clientOid": w.client_oid,
        "type": "withdraw",
        "tag": w.tag,
        "size": plain(w.size),
        "fee": plain(-w.fee) if w.fee else "0",
        "status": "success" if done else "pending",
        "toAddress": w.address,
        "fromAddress": w.uid if w.dest == "internal_transfer" else "",
        "confirm": "12" if done and w.dest == "on_chain" else "0",
        "chain": w.chain,
        "cTime": str(w.ctime),
        "uTime": str(w.done_ms() if done else w.ctime),
    }


def withdrawal_records(svc: Services, req: ApiRequest) -> Any:
    start, end = required_range(req)
    limit = page_limit(req, RECORDS_DEFAULT, RECORDS_MAX)
    records = svc.exchange.wallet.records(req.uid, req.text("coin"), req.text("clientOid"), req.integer("orderId"),
                                          start, end, req.integer("idLessThan"), limit)
    return [withdrawal_view(w, req.now_ms) for w in records]


def deposit_address(svc: Services, req: ApiRequest) -> Any:
    coin_name = req.text("coin", required=True) or ""
    chain_name = req.text("chain")
    if req.params.get("size") not in (None, ""):
        positive(req, "size")  # the Lightning Network amount: checked, but no chain here needs it
    coin, chain, address = svc.exchange.wallet.deposit_address(req.uid, coin_name, chain_name)
    return {"address": address, "chain": chain.chain, "coin": coin.coin, "tag": "",
            "url": f"{EXPLORER}{address}"}


def deposit_records(svc: Services, req: ApiRequest) -> Any:
    """An orderId selects that one record and the other filters are ignored (Bitget's rule)."""
    order_id = req.integer("orderId")
    if order_id is not None:
        found = svc.exchange.wallet.find_deposit(req.uid, order_id)
        return [deposit_view(found)] if found is not None else []
    start, end = required_range(req)
    limit = page_limit(req, RECORDS_DEFAULT, RECORDS_MAX)
    records = svc.exchange.wallet.deposit_records(req.uid, req.text("coin"), start, end, req.integer("idLessThan"),
                                                  limit)
    return [deposit_view(d) for d in records]


_DEST = Enum("on_chain", "internal_transfer")
_STATUS = Enum("pending", "fail", "success")
WITHDRAWAL_RECORD = Obj({
    "orderId": IntStr, "tradeId": Str, "coin": Str, "dest": _DEST, "clientOid": Str, "type": Enum("withdraw"),
    "tag": Str, "size": NumStr, "fee": NumStr, "status": _STATUS, "toAddress": Str, "fromAddress": Str,
    "confirm": IntStr, "chain": Str, "cTime": IntStr, "uTime": IntStr,
})
DEPOSIT_RECORD = Obj({
    "orderId": IntStr, "tradeId": Str, "coin": Str, "type": Enum("deposit"), "size": NumStr, "status": _STATUS,
    "toAddress": Str, "dest": _DEST, "chain": Str, "fromAddress": Str, "cTime": IntStr, "uTime": IntStr,
})
DEPOSIT_ADDRESS = Obj({"address": Str, "chain": Str, "coin": Str, "tag": Str, "url": Str})

TRANSFER = Obj({"transferId": IntStr, "clientOid": Nullable(Str)})  # clientOid null when none was sent

_RANGE = (Param("startTime", required=True, kind="integer"), Param("endTime", required=True, kind="integer"))
_PAGE = (Param("idLessThan", kind="integer"), Param("limit", kind="integer", doc=f"1..{RECORDS_MAX}, default 20"))
ENDPOINTS = (
    post("/api/v2/spot/wallet/transfer", transfer, private=True, permission="transfer", limit=per_uid(10), params=(
        Param("fromType", required=True, enum=ACCOUNT_TYPES), Param("toType", required=True, enum=ACCOUNT_TYPES),
        Param("amount", required=True), Param("coin", required=True),
        Param("symbol", doc="the isolated margin pair"), Param("clientOid")), response=TRANSFER),
    # doc 5/s; ccxt and JKorf say 10/s
    post("/api/v2/spot/wallet/withdrawal", withdrawal, private=True, permission="withdraw", whitelist=True,
         limit=per_uid(5), params=(
             Param("coin", required=True), Param("transferType", required=True, enum=("on_chain", "internal_transfer")),
             Param("address", required=True), Param("size", required=True), Param("chain"), Param("tag"),
             Param("clientOid"), Param("innerToType", enum=("email", "mobile", "uid"), doc="default uid")),
         response=Obj({"orderId": IntStr, "clientOid": Str})),
    get("/api/v2/spot/wallet/withdrawal-records", withdrawal_records, private=True, limit=per_uid(10), params=(
        Param("coin"), Param("clientOid"), Param("orderId", kind="integer"), *_RANGE, *_PAGE),
        response=List(WITHDRAWAL_RECORD)),
    # doc 10/s (Get-Deposit-Address)
    get("/api/v2/spot/wallet/deposit-address", deposit_address, private=True, limit=per_uid(10), params=(
        Param("coin", required=True), Param("chain"), Param("size", doc="Lightning Network amount")),
        response=DEPOSIT_ADDRESS),
    # doc 10/s (Get-Deposit-Record)
    get("/api/v2/spot/wallet/deposit-records", deposit_records, private=True, limit=per_uid(10), params=(
        Param("coin"), Param("orderId", kind="integer", doc="that record alone; the other filters ignored"),
        *_RANGE, *_PAGE), response=List(DEPOSIT_RECORD)),
)

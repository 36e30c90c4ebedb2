"""Every read endpoint, called through its real handler on a given exchange state, checked against the
response schema its declaration carries. Used by the populated-state test and, after every step, by the
stateful property tests (which drive `state/` directly and have no HTTP server)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from mock_exchange import envelope
from mock_exchange.endpoint import Endpoint
from mock_exchange.errors import BitgetError
from mock_exchange.request import ApiRequest
from mock_exchange.routes import ENDPOINTS
from mock_exchange.schema import Mismatch, validate_answer
from mock_exchange.state.exchange import Exchange

from .helpers import ALL_PERMISSIONS

DAY = 86_400_000
# The query each read endpoint is called with: every one needs an entry (a test says so), so a new
# endpoint cannot skip the check. {now} and {start} are filled in at call time.
READ_QUERIES: dict[str, str] = {
    "/api/v2/public/time": "",
    "/api/v2/spot/public/coins": "",
    "/api/v2/spot/public/symbols": "",
    "/api/v2/margin/currencies": "",
    "/api/v2/spot/market/tickers": "",
    "/api/v2/spot/market/orderbook": "symbol=BTCUSDT&limit=5",
    "/api/v2/spot/market/candles": "symbol=BTCUSDT&granularity=1min&limit=5",
    "/api/v2/spot/market/history-candles": "symbol=ETHUSDT&granularity=1h&endTime={now}&limit=5",
    "/api/v2/spot/market/fills": "symbol=BTCUSDT&limit=5",
    "/api/v2/spot/market/fills-history": "symbol=SOLUSDT&limit=5",
    "/api/v2/spot/account/info": "",
    "/api/v2/spot/account/assets": "assetType=all",
    "/api/v2/spot/account/transferRecords": "coin=USDT&fromType=spot",
    "/api/v2/spot/account/bills": "",
    "/api/v2/mix/market/contracts": "productType=USDT-FUTURES",
    **{"/api/v2/mix/market/" + name: "productType=USDT-FUTURES&symbol=BTCUSDT" for name in (
        "ticker", "merge-depth", "fills", "fills-history", "symbol-price", "open-interest", "current-fund-rate",
        "history-fund-rate", "funding-time", "query-position-lever")},
    "/api/v2/mix/market/tickers": "productType=COIN-FUTURES",
    "/api/v2/mix/account/account": "productType=USDT-FUTURES&symbol=BTCUSDT&marginCoin=USDT",
    "/api/v2/mix/position/single-position": "productType=USDT-FUTURES&symbol=BTCUSDT&marginCoin=USDT",
    **{path: "productType=USDT-FUTURES" for path in (
        "/api/v2/mix/account/bill", "/api/v2/mix/order/orders-pending", "/api/v2/mix/order/orders-history",
        "/api/v2/mix/order/fills", "/api/v2/mix/order/fill-history", "/api/v2/mix/position/all-position",
        "/api/v2/mix/position/history-position")},
    "/api/v2/mix/order/detail": "productType=USDT-FUTURES&symbol=BTCUSDT&orderId={futures_order}",
    "/api/v2/mix/order/orders-plan-pending": "productType=USDT-FUTURES&planType=profit_loss",
    "/api/v2/mix/order/orders-plan-history": "productType=USDT-FUTURES&planType=normal_plan",
    "/api/v2/mix/order/plan-sub-order": "productType=USDT-FUTURES&planType=normal_plan&planOrderId={futures_plan}",
    **{"/api/v2/mix/market/" + name: "productType=USDT-FUTURES&symbol=ETHUSDT&granularity=1H&limit=5" for name in (
        "candles", "history-candles", "history-index-candles", "history-mark-candles")},
    "/api/v2/spot/trade/orderInfo": "orderId={order}",
    "/api/v2/spot/trade/unfilled-orders": "",
    "/api/v2/spot/trade/history-orders": "",
    "/api/v2/spot/trade/fills": "",
    "/api/v2/spot/wallet/withdrawal-records": "startTime={start}&endTime={now}",
    "/api/v2/spot/wallet/deposit-address": "coin=USDT&chain=TRC20",
    "/api/v2/spot/wallet/deposit-records": "startTime={start}&endTime={now}",
    "/api/v2/mix/account/accounts": "productType=USDT-FUTURES",
    "/api/v2/common/trade-rate": "symbol=BTCUSDT&businessType=spot",
    "/api/v2/spot/trade/current-plan-order": "symbol=BTCUSDT",
    "/api/v2/spot/trade/history-plan-order": "symbol=BTCUSDT&startTime={start}&endTime={now}",
    "/api/v2/spot/trade/plan-sub-order": "planOrderId={plan}",
}


def reads() -> list[Endpoint]:
    return [ep for ep in ENDPOINTS if ep.method == "GET"]


def _request(path: str, query: str, uid: str, now_ms: int) -> ApiRequest:
    req = ApiRequest("GET", path, path.encode(), query.encode(), b"", {}, "127.0.0.1", now_ms)
    # a stand-in for the verified key: what handlers read of it (uid, permissions, ips)
    req.key = SimpleNamespace(uid=uid, permissions=ALL_PERMISSIONS, ips=("127.0.0.1",))  # type: ignore[assignment]
    return req


def wire(ep: Endpoint, exchange: Exchange, uid: str, now_ms: int, query: str) -> Any:
    """The endpoint's answer as a client receives it: through the handler and the envelope's encoder."""
    svc = SimpleNamespace(exchange=exchange)
    body = envelope.ok(ep.handler(svc, _request(ep.path, query, uid, now_ms)), now_ms)  # type: ignore[arg-type]
    return json.loads(body)


def some_order_id(exchange: Exchange, uid: str, now_ms: int) -> str | None:
    """An order of `uid` (open first, then closed), for orderInfo; None when there is none."""
    for ep in reads():
        if ep.path in ("/api/v2/spot/trade/unfilled-orders", "/api/v2/spot/trade/history-orders"):
            data = wire(ep, exchange, uid, now_ms, "")["data"]
            if data:
                return str(data[0]["orderId"])
    return None


def some_plan_id(exchange: Exchange, uid: str) -> str | None:
    """A plan order of `uid`: one that fired first (it has a sub-order), else any."""
    plans = exchange.plans.plans_of(uid)
    every = [*plans.closed.all.newest(None), *plans.live.all.newest(None)]
    fired = [p for p in every if p.status in ("executed", "fail_execute")]
    return str((fired or every)[0].oid) if every else None


def some_futures_plan_id(exchange: Exchange, uid: str) -> str | None:
    """A USDT-FUTURES trigger order of `uid`: one that fired first (it has a sub-order), else any."""
    book = exchange.futures.plans.books.get((uid, "USDT-FUTURES"))
    every = [] if book is None else [p for index in (book.done, book.live) for p in index.all.values()
                                     if p.plan_type == "normal_plan"]
    fired = [p for p in every if p.status in ("executed", "fail_trigger")]
    return str((fired or every)[0].oid) if every else None


def check_reads(exchange: Exchange, uid: str, now_ms: int, private_only: bool = False) -> dict[str, list[Mismatch]]:
    """Every read endpoint's answer for `uid` now, with its mismatches (only endpoints with some).

    `private_only`: just the account's own reads, the ones a state change can alter (the stateful tests:
    market data is a function of the clock alone, checked by the populated-state test and schemathesis)."""
    order = some_order_id(exchange, uid, now_ms)
    plan = some_plan_id(exchange, uid)
    futures_plan = some_futures_plan_id(exchange, uid)
    found: dict[str, list[Mismatch]] = {}
    for ep in reads():
        if (ep.path == "/api/v2/spot/trade/orderInfo" and order is None) or (private_only and not ep.private):
            continue
        if ep.path == "/api/v2/mix/order/detail":  # needs a futures order: the populated-state test has one
            continue
        if ep.path == "/api/v2/spot/trade/plan-sub-order" and plan is None:
            continue
        if ep.path == "/api/v2/mix/order/plan-sub-order" and futures_plan is None:
            continue
        query = READ_QUERIES[ep.path].format(now=now_ms, start=now_ms - 89 * DAY, order=order, plan=plan,
                                             futures_plan=futures_plan)
        try:
            body = wire(ep, exchange, uid, now_ms, query)
        except BitgetError as exc:
            found[ep.path] = [Mismatch("$", f"refused with {exc.code} {exc.msg}")]
            continue
        assert ep.response is not None, ep.path
        mismatches = validate_answer(ep.response, body)
        if mismatches:
            found[ep.path] = mismatches
    return found

"""Spot plan orders over the API: placement, the trigger turning them into orders, modify, cancel, listings,
refusals with Bitget's codes that change nothing, and cancel-replace-order all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.state.pricewalk import STEP_MS
from mock_exchange.views import plain

from .helpers import UID, make_app, seed_accounts
from .trading_support import Api, last_price

D = Decimal
_T = "/api/v2/spot/trade/"


@pytest.fixture
def api() -> Api:
    return Api(make_app(accounts=seed_accounts(), rate_limits="off"))


def _walk(api: Api, seconds: int) -> list[Decimal]:
    """BTCUSDT's traded price at each of the next `seconds` walk steps."""
    market = api.app.services.exchange.market
    sym = market.symbol("BTCUSDT")
    first = api.now // STEP_MS + 1
    return [market.price(sym, s) for s in range(first, first + seconds)]


def plan(api: Api, **body: Any) -> dict[str, Any]:
    data: dict[str, Any] = api.ok("POST", _T + "place-plan-order", {
        "symbol": "BTCUSDT", "side": "buy", "orderType": "market", "triggerType": "fill_price", "size": "50",
        "planType": "total", **body})
    return data


def state(api: Api) -> Any:
    ex = api.app.services.exchange
    return (api.asset("USDT"), api.asset("BTC"), len(ex.triggers), ex.ids.last,
            api.ok("GET", _T + "current-plan-order"), api.ok("GET", _T + "history-plan-order"))


def reachable(api: Api, seconds: int = 1200) -> tuple[Decimal, int]:
    """A trigger price the walk certainly meets within `seconds` (halfway to its farthest price from now,
    on the tick grid), and the index of the first step that meets it."""
    path = _walk(api, seconds)
    now = last_price(api.app)
    target = max(path) if max(path) - now > now - min(path) else min(path)
    trigger = ((now + target) / 2).quantize(D("0.01"))
    first = next(i for i, p in enumerate(path) if (p >= trigger if target > now else p <= trigger))
    return trigger, first


def test_a_plan_fires_at_the_first_step_the_walk_reaches_it_and_becomes_an_order(api: Api) -> None:
    trigger, first = reachable(api)
    placed = plan(api, triggerPrice=str(trigger), clientOid="p1")
    usdt_before = api.asset("USDT")
    assert usdt_before[1] == 0  # nothing reserved while it waits
    listed = api.ok("GET", _T + "current-plan-order", "symbol=BTCUSDT")
    assert [p["orderId"] for p in listed["orderList"]] == [placed["orderId"]] and not listed["nextFlag"]
    assert listed["orderList"][0] | {"uTime": "", "cTime": ""} == {
        "orderId": placed["orderId"], "clientOid": "p1", "symbol": "BTCUSDT", "size": "50", "executePrice": "0",
        "triggerPrice": plain(trigger), "status": "live", "orderType": "market", "side": "buy",
        "planType": "TOTAL", "triggerType": "fill_price", "enterPointSource": "API", "uTime": "", "cTime": ""}
    start = api.now // STEP_MS
    api.advance(first * STEP_MS)  # one step short of the first one that meets it
    assert api.ok("GET", _T + "current-plan-order")["orderList"] != []
    api.advance(1200 * STEP_MS)
    assert api.ok("GET", _T + "current-plan-order")["orderList"] == []
    [done] = api.ok("GET", _T + "history-plan-order", "symbol=BTCUSDT")["orderList"]
    assert done["status"] == "executed" and int(done["uTime"]) == (start + first + 1) * STEP_MS
    [sub] = api.ok("GET", _T + "plan-sub-order", f"planOrderId={placed['orderId']}")
    order = api.order(sub["orderId"])
    assert (order["orderType"], order["side"], order["status"], sub["status"]) == ("market", "buy", "filled",
                                                                                   "success")
    assert int(order["cTime"]) == int(done["uTime"])
    assert D(order["quoteVolume"]) <= 50 and usdt_before[0] - api.asset("USDT")[0] == D(order["quoteVolume"])


def test_a_plan_the_funds_no_longer_cover_fails_with_its_reason(api: Api) -> None:
    trigger, _ = reachable(api)
    placed = plan(api, triggerPrice=str(trigger), size="9000000")  # more USDT than the account holds
    before = api.asset("USDT")
    api.advance(1200 * STEP_MS)
    record = api.app.services.exchange.plans.find(UID, placed["orderId"], None)
    assert record.status == "fail_execute" and record.reason == "43012 Insufficient balance"
    assert api.asset("USDT") == before and record.order_id is None
    [sub] = api.ok("GET", _T + "plan-sub-order", f"planOrderId={placed['orderId']}")
    assert sub == {"orderId": "", "price": "0", "type": "market", "status": "fail"}
    [listed] = api.ok("GET", _T + "history-plan-order")["orderList"]
    assert listed["status"] == "fail_execute"


def test_modified_and_cancelled_plans_never_fire_on_their_old_condition(api: Api) -> None:
    trigger, _ = reachable(api)
    moved = plan(api, triggerPrice=str(trigger), clientOid="moved")
    gone = plan(api, triggerPrice=str(trigger), clientOid="gone")
    far = plain((last_price(api.app) * 3).quantize(D("0.01")))
    assert api.ok("POST", _T + "modify-plan-order", {"clientOid": "moved", "triggerPrice": far,
                                                     "orderType": "limit", "executePrice": "100",
                                                     "size": "20"}) == {"orderId": moved["orderId"],
                                                                         "clientOid": "moved"}
    assert api.ok("POST", _T + "cancel-plan-order", {"orderId": gone["orderId"]}) == {"result": "success"}
    api.advance(1200 * STEP_MS)
    [live] = api.ok("GET", _T + "current-plan-order")["orderList"]
    assert (live["orderId"], live["triggerPrice"], live["executePrice"], live["orderType"], live["size"]) == (
        moved["orderId"], far, "100", "limit", "20")
    [cancelled] = api.ok("GET", _T + "history-plan-order")["orderList"]
    assert (cancelled["orderId"], cancelled["status"]) == (gone["orderId"], "cancelled")
    assert api.ok("GET", _T + "unfilled-orders") == [] and api.ok("GET", _T + "history-orders") == []
    assert api.ok("GET", _T + "plan-sub-order", f"planOrderId={gone['orderId']}") == []
    assert api.code("POST", _T + "cancel-plan-order", {"orderId": gone["orderId"]}) == "43025"
    assert api.code("POST", _T + "modify-plan-order", {"orderId": gone["orderId"], "triggerPrice": "1",
                                                       "orderType": "market", "size": "1"}) == "43025"


def test_batch_cancel_by_symbols_or_all(api: Api) -> None:
    high = str((last_price(api.app) * 2).quantize(D("0.01")))
    a = plan(api, triggerPrice=high)
    eth = plan(api, symbol="ETHUSDT", triggerPrice="90000")
    sol = plan(api, symbol="SOLUSDT", triggerPrice="90000")
    done = api.ok("POST", _T + "batch-cancel-plan-order", {"symbolList": ["BTCUSDT", "ethusdt"]})
    assert [x["orderId"] for x in done["successList"]] == [a["orderId"], eth["orderId"]]
    assert done["failureList"] == []
    assert api.code("POST", _T + "batch-cancel-plan-order", {"symbolList": ["NOPEUSDT"]}) == "40034"
    assert api.ok("POST", _T + "batch-cancel-plan-order", {})["successList"][0]["orderId"] == sol["orderId"]
    assert api.ok("GET", _T + "current-plan-order")["orderList"] == []
    assert len(api.app.services.exchange.triggers) == 0


def test_listings_page_newest_first(api: Api) -> None:
    high = str((last_price(api.app) * 2).quantize(D("0.01")))
    ids = [plan(api, triggerPrice=high)["orderId"] for _ in range(5)]
    first = api.ok("GET", _T + "current-plan-order", "limit=2")
    assert [p["orderId"] for p in first["orderList"]] == ids[:-3:-1] and first["nextFlag"] is True
    assert first["idLessThan"] == ids[3]
    rest = api.ok("GET", _T + "current-plan-order", f"limit=10&idLessThan={ids[3]}")
    assert [p["orderId"] for p in rest["orderList"]] == ids[2::-1] and rest["nextFlag"] is False
    assert api.ok("GET", _T + "current-plan-order", f"endTime={api.now - 1}")["orderList"] == []
    assert api.ok("GET", _T + "current-plan-order", "symbol=ETHUSDT") == {"nextFlag": False, "idLessThan": "",
                                                                          "orderList": []}


REFUSALS = [
    ({"symbol": "NOPEUSDT"}, "40034"),
    ({"side": "hold"}, "40020"),
    ({"triggerPrice": ""}, "40019"),
    ({"triggerPrice": "-1"}, "40020"),
    ({"triggerPrice": "60000.001"}, "40808"),
    ({"triggerType": "index_price"}, "40020"),
    ({"triggerType": None}, "40019"),
    ({"orderType": "limit"}, "40019"),  # no executePrice
    ({"orderType": "limit", "executePrice": "1.001"}, "40808"),
    ({"orderType": "stop"}, "40020"),
    ({"planType": "both"}, "40020"),
    ({"size": "0"}, "40020"),
    ({"size": "0.5"}, "45110"),  # 0.5 USDT to spend
    ({"planType": "amount", "size": "0.0000001"}, "40808"),
    ({"clientOid": "dup"}, "43118"),
    ({"clientOid": "x" * 51}, "40304"),
    ({"force": "day"}, "40020"),
]


@pytest.mark.parametrize(("change", "code"), REFUSALS, ids=[c for _, c in REFUSALS])
def test_refused_placements_have_bitgets_codes_and_change_nothing(api: Api, change: dict[str, Any],
                                                                  code: str) -> None:
    plan(api, triggerPrice="100000", clientOid="dup")
    before = state(api)
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "triggerType": "fill_price",
            "size": "50", "planType": "total", "triggerPrice": "100000", **change}
    assert api.code("POST", _T + "place-plan-order", {k: v for k, v in body.items() if v is not None}) == code
    assert state(api) == before


def test_the_docs_example_and_cases_clients_send_are_taken(api: Api) -> None:
    body = {"symbol": "BTCUSDT", "side": "buy", "triggerPrice": 50000.5, "executePrice": "50000.5", "size": 0.01,
            "triggerType": "market_price", "orderType": "limit", "clientOid": "12345", "force": "gtc"}
    placed = api.ok("POST", _T + "place-plan-order", body)  # numbers, and the example's "market_price"
    [listed] = api.ok("GET", _T + "current-plan-order")["orderList"]
    assert (listed["orderId"], listed["triggerType"], listed["size"]) == (placed["orderId"], "mark_price", "0.01")
    # ccxt sends the price a market buy's cost came from as executePrice: read, not used
    api.ok("POST", _T + "place-plan-order", {**body, "orderType": "market", "planType": "total", "size": "20",
                                             "clientOid": "c2", "triggerType": "FILL_PRICE"})
    assert api.code("POST", _T + "place-plan-order", {**body, "orderType": "market", "executePrice": "abc",
                                                      "clientOid": "c3"}) == "40020"


def test_cancel_replace_order_is_all_or_nothing(api: Api) -> None:
    old = api.place(side="buy", orderType="limit", price="50000", size="0.01", clientOid="old")
    usdt = api.asset("USDT")
    assert usdt[1] == D("500")
    new = api.ok("POST", _T + "cancel-replace-order", {"symbol": "BTCUSDT", "orderId": old["orderId"],
                                                      "price": "50001", "size": "0.02", "newClientOid": "new"})
    assert new["clientOid"] == "new" and new["success"] == "success" and new["msg"] is None
    assert api.order(old["orderId"])["status"] == "cancelled"
    replaced = api.order(new["orderId"])
    assert (replaced["price"], replaced["size"], replaced["side"], replaced["status"], replaced["clientOid"]) == (
        "50001", "0.02", "buy", "live", "new")
    assert api.asset("USDT") == (usdt[0] + D(500) - D("1000.02"), D("1000.02"))
    before = state(api), api.ok("GET", _T + "unfilled-orders")
    ref = {"symbol": "BTCUSDT", "orderId": new["orderId"]}
    for body, code in [
        ({**ref, "price": "50001", "size": "50"}, "43012"),  # more than the balance, even with the old released
        ({**ref, "price": "1", "size": "0.5"}, "45110"),
        ({**ref, "price": "80000", "size": "0.01"}, "43009"),
        ({**ref, "price": "50001.001", "size": "0.01"}, "40808"),
        ({**ref, "price": "50001", "size": "0.01", "newClientOid": "old"}, "43118"),
        ({**ref, "symbol": "ETHUSDT", "price": "50001", "size": "0.01"}, "43001"),
        ({"symbol": "BTCUSDT", "orderId": old["orderId"], "price": "50001", "size": "0.01"}, "43001"),
        ({"symbol": "BTCUSDT", "price": "50001", "size": "0.01"}, "40019"),
        ({**ref, "size": "0.01"}, "40019"),
    ]:
        assert api.code("POST", _T + "cancel-replace-order", body) == code, body
        assert (state(api), api.ok("GET", _T + "unfilled-orders")) == before, body

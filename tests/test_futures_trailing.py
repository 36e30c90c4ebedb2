"""Futures trailing stop orders (place-plan-order planType track_plan): refused shapes, listing, and
firing exactly where a brute-force replay of the price walk says (docs/futures-conditional.md,
"Trailing orders")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.state.pricewalk import STEP_MS, step_of

from .futures_support import MIX, PT, SYMBOL, FuturesApi
from .helpers import UID


@pytest.fixture()
def api() -> FuturesApi:
    return FuturesApi()


def _plan(api: FuturesApi, **body: Any) -> Any:
    full = {"planType": "track_plan", "symbol": SYMBOL, "productType": PT, "marginMode": "crossed",
            "marginCoin": "USDT", "size": "0.01", "triggerType": "fill_price", "side": "buy", "tradeSide": "open",
            "orderType": "market", "callbackRatio": "0.1", **body}
    return api.post(f"{MIX}/order/place-plan-order", full)


def _contract(api: FuturesApi) -> Any:
    return api.exchange.futures_market.contract(PT, SYMBOL)


def _last(api: FuturesApi) -> Decimal:
    price: Decimal = api.exchange.futures_market.last_price(_contract(api), api.now)
    return price


def _expected_fire(api: FuturesApi, start: int, trigger: Decimal, rising: bool, side: str, ratio: Decimal,
                   most: int) -> int | None:
    """Brute force: the first step after `start` that meets the activation price, then the first later
    step whose price is `ratio` percent back from the best price since activation."""
    fm, c = api.exchange.futures_market, _contract(api)
    extreme: Decimal | None = None
    for step in range(start + 1, start + most + 1):
        price = fm.price_at(c, step)
        if extreme is None:
            if (price >= trigger) if rising else (price <= trigger):
                extreme = price
            continue
        if side == "sell":
            if price <= extreme * (1 - ratio / 100):
                return step
            extreme = max(extreme, price)
        else:
            if price >= extreme * (1 + ratio / 100):
                return step
            extreme = min(extreme, price)
    return None


def _moving(api: FuturesApi, **body: Any) -> Any:
    """place-tpsl-order planType moving_plan: a trailing stop on the long (holdSide long) by default."""
    full = {"marginCoin": "USDT", "productType": PT, "symbol": SYMBOL, "planType": "moving_plan",
            "triggerType": "fill_price", "holdSide": "long", "size": "0.01", "rangeRate": "0.1", **body}
    return api.post(f"{MIX}/order/place-tpsl-order", full)


@settings(max_examples=12, deadline=None)
@given(kind=st.sampled_from(["track_plan", "moving_plan"]), side=st.sampled_from(["buy", "sell"]),
       offset=st.integers(-20, 20), ratio=st.sampled_from([Decimal("0.02"), Decimal("0.05"), Decimal("0.1")]),
       wait=st.integers(0, 3_000))
def test_a_trailing_order_fires_where_a_replay_of_the_walk_says(kind: str, side: str, offset: int, ratio: Decimal,
                                                                 wait: int) -> None:
    """Both trailing kinds: a trailing order (track_plan) that sells or buys, and a trailing stop
    (moving_plan) on a long (its close sells: it trails the high) or a short (trails the low)."""
    api = FuturesApi()
    api.advance(wait * STEP_MS)
    if kind == "moving_plan":
        hold = "long" if side == "sell" else "short"
        api.place(side="buy" if hold == "long" else "sell", tradeSide="open", orderType="market", size="0.01")
    trigger = (_last(api) + offset).quantize(Decimal("0.1"))
    rising = trigger >= _last(api)
    start = step_of(api.now)
    if kind == "track_plan":
        placed = _plan(api, side=side, triggerPrice=str(trigger), callbackRatio=str(ratio)).json()
    else:
        placed = _moving(api, holdSide=hold, triggerPrice=str(trigger), rangeRate=str(ratio)).json()
    assert placed["code"] == "00000", placed
    most = 600
    expected = _expected_fire(api, start, trigger, rising, side, ratio, most)
    book = api.exchange.futures.plans.book(UID, PT)
    plan = book.find(int(placed["data"]["orderId"]))
    for _ in range(most):
        api.advance(STEP_MS)
    assert plan is not None and plan.fired_step == expected
    assert (plan.status == "executed") == (expected is not None)
    if expected is not None:
        assert plan.order_id is not None and api.detail(str(plan.order_id))["orderType"] == "market"
        assert len(api.exchange.futures.plans.triggers) == 0  # nothing left watching: fired once
        if kind == "moving_plan":
            assert api.positions() == []  # the trailing stop closed the position
    elif kind == "moving_plan":
        [position] = api.positions()
        assert position["holdSide"] == hold and position["total"] == "0.01"


def test_a_sell_trailing_order_trails_the_high_and_fires_on_the_retrace(api: FuturesApi) -> None:
    trigger = (_last(api) - 5).quantize(Decimal("0.1"))  # below the price: activates on the way down
    start = step_of(api.now)
    ratio = Decimal("0.02")
    expected = _expected_fire(api, start, trigger, False, "sell", ratio, 600)
    assert expected is not None  # the walk does get there (else this test proves nothing)
    placed = _plan(api, side="sell", triggerPrice=str(trigger), callbackRatio=str(ratio)).json()["data"]
    api.advance((expected - start - 1) * STEP_MS)
    plan = api.exchange.futures.plans.book(UID, PT).find(int(placed["orderId"]))
    assert plan is not None and plan.status == "live" and plan.extreme is not None  # activated, not yet fired
    api.advance(STEP_MS)
    assert (plan.status, plan.fired_step) == ("executed", expected)
    [done] = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={PT}&planType=track_plan")[
        "entrustedList"]
    assert done["planStatus"] == "executed" and done["executeOrderId"] == str(plan.order_id)
    [position] = api.positions()
    assert (position["holdSide"], position["total"]) == ("short", "0.01")


def test_trailing_orders_listed_modified_cancelled_and_refused(api: FuturesApi) -> None:
    last = _last(api)
    trigger = str((last + 50).quantize(Decimal("0.1")))
    bad = [({"callbackRatio": ""}, "40019"), ({"callbackRatio": "10.5"}, "40020"), ({"callbackRatio": "0"}, "40020"),
           ({"orderType": "limit", "price": trigger}, "40020"), ({"price": trigger}, "40020")]
    for extra, code in bad:
        body = _plan(api, triggerPrice=trigger, **extra).json()
        assert body["code"] == code, (extra, body)
    assert api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=track_plan")[
        "entrustedList"] == []
    placed = _plan(api, triggerPrice=trigger, callbackRatio="2").json()["data"]
    [listed] = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=track_plan")[
        "entrustedList"]
    assert (listed["planType"], listed["callbackRatio"], listed["triggerPrice"], listed["orderType"]) == (
        "track_plan", "2", trigger, "market")
    assert api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=normal_plan")[
        "entrustedList"] == []
    api.ok("POST", f"{MIX}/order/modify-plan-order", {
        "orderId": placed["orderId"], "symbol": SYMBOL, "productType": PT, "planType": "track_plan",
        "newCallbackRatio": "3"})
    [listed] = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=track_plan")[
        "entrustedList"]
    assert listed["callbackRatio"] == "3"
    done = api.ok("POST", f"{MIX}/order/cancel-plan-order", {
        "orderIdList": [{"orderId": placed["orderId"]}], "symbol": SYMBOL, "productType": PT,
        "planType": "track_plan"})
    assert [d["orderId"] for d in done["successList"]] == [placed["orderId"]]
    assert len(api.exchange.futures.plans.triggers) == 0
    [ended] = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={PT}&planType=track_plan")[
        "entrustedList"]
    assert (ended["planStatus"], ended["callbackRatio"]) == ("cancelled", "3")


def test_index_price_is_no_futures_trigger_type(api: FuturesApi) -> None:
    """Bitget's pages list fill_price and mark_price only (docs/futures-conditional.md): index_price is 40020."""
    trigger = str((_last(api) + 50).quantize(Decimal("0.1")))
    assert _plan(api, triggerPrice=trigger, triggerType="index_price").json()["code"] == "40020"
    assert _plan(api, planType="normal_plan", triggerPrice=trigger, triggerType="index_price").json()["code"] == "40020"
    api.place(side="buy", tradeSide="open", orderType="market", size="0.01")
    tpsl = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "holdSide": "long", "planType": "pos_profit",
            "triggerPrice": trigger, "triggerType": "index_price"}
    assert api.post(f"{MIX}/order/place-tpsl-order", tpsl).json()["code"] == "40020"
    pos = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "holdSide": "long",
           "stopSurplusTriggerPrice": trigger, "stopSurplusTriggerType": "index_price"}
    assert api.post(f"{MIX}/order/place-pos-tpsl", pos).json()["code"] == "40020"
    assert len(api.exchange.futures.plans.triggers) == 0


def test_trailing_stops_refused_listed_modified_and_gone_with_the_position(api: FuturesApi) -> None:
    trigger = str((_last(api) + 50).quantize(Decimal("0.1")))
    assert _moving(api, triggerPrice=trigger).json()["code"] == "40837"  # no position yet
    api.place(side="buy", tradeSide="open", orderType="market", size="0.01")
    before = api.state()
    bad = [({"rangeRate": ""}, "40019"), ({"rangeRate": "0"}, "40020"), ({"rangeRate": "10.5"}, "40020"),
           ({"executePrice": trigger}, "40020"), ({"size": ""}, "40019"), ({"size": "0.02"}, "43023")]
    for extra, code in bad:
        body = _moving(api, triggerPrice=trigger, **extra).json()
        assert body["code"] == code, (extra, body)
    assert api.state() == before and len(api.exchange.futures.plans.triggers) == 0
    placed = _moving(api, triggerPrice=trigger, rangeRate="2", executePrice="0").json()["data"]
    [listed] = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=profit_loss")[
        "entrustedList"]
    assert (listed["planType"], listed["callbackRatio"], listed["triggerPrice"], listed["orderType"],
            listed["tradeSide"], listed["size"]) == ("moving_plan", "2", trigger, "market", "close", "0.01")
    [position] = api.positions()
    assert (position["takeProfitId"], position["stopLossId"]) == ("", "")  # only pos_profit / pos_loss show there
    api.ok("POST", f"{MIX}/order/modify-tpsl-order", {
        "orderId": placed["orderId"], "marginCoin": "USDT", "productType": PT, "symbol": SYMBOL,
        "triggerPrice": trigger, "size": "0.01", "rangeRate": "3"})
    [listed] = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType=profit_loss")[
        "entrustedList"]
    assert listed["callbackRatio"] == "3"
    modify = {"orderId": placed["orderId"], "marginCoin": "USDT", "productType": PT, "symbol": SYMBOL,
              "triggerPrice": trigger, "size": "0.01"}
    assert api.post(f"{MIX}/order/modify-tpsl-order", {**modify, "executePrice": trigger}).json()["code"] == "40020"
    assert api.post(f"{MIX}/order/modify-tpsl-order", {**modify, "rangeRate": "11"}).json()["code"] == "40020"
    api.ok("POST", f"{MIX}/order/close-positions", {"symbol": SYMBOL, "productType": PT})
    [ended] = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={PT}&planType=profit_loss")[
        "entrustedList"]
    assert (ended["orderId"], ended["planStatus"]) == (placed["orderId"], "cancelled")
    assert len(api.exchange.futures.plans.triggers) == 0

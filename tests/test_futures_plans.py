"""Futures conditional orders over the in-process driver: trigger orders and TP/SL orders placed,
listed, modified, cancelled, fired by the clock through the ordinary order path, refused with
Bitget's codes (and then changing nothing)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from .client_support import asgi_client
from .futures_support import MIX, PT, SYMBOL, FuturesApi
from .helpers import UID, VirtualTime, make_app, seed_accounts

MINUTE = 60_000


@pytest.fixture()
def api() -> FuturesApi:
    return FuturesApi()


def _contract(api: FuturesApi) -> Any:
    return api.exchange.futures_market.contract(PT, SYMBOL)


def _last(api: FuturesApi) -> Decimal:
    fm = api.exchange.futures_market
    price: Decimal = fm.last_price(_contract(api), api.now)
    return price


def _plan(api: FuturesApi, **body: Any) -> Any:
    full = {"planType": "normal_plan", "symbol": SYMBOL, "productType": PT, "marginMode": "crossed",
            "marginCoin": "USDT", "size": "0.01", "triggerType": "fill_price", "side": "buy", "tradeSide": "open",
            "orderType": "market", **body}
    return api.post(f"{MIX}/order/place-plan-order", full)


def _tpsl(api: FuturesApi, **body: Any) -> Any:
    full = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "holdSide": "long", **body}
    return api.post(f"{MIX}/order/place-tpsl-order", full)


def _pending(api: FuturesApi, plan_type: str = "normal_plan") -> list[dict[str, Any]]:
    data = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={PT}&planType={plan_type}")
    items: list[dict[str, Any]] = data["entrustedList"]
    return items


def _history(api: FuturesApi, plan_type: str = "normal_plan", extra: str = "") -> list[dict[str, Any]]:
    data = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={PT}&planType={plan_type}{extra}")
    items: list[dict[str, Any]] = data["entrustedList"]
    return items


def _until(api: FuturesApi, done: Any, step_ms: int = MINUTE, most: int = 600) -> None:
    for _ in range(most):
        if done():
            return
        api.advance(step_ms)
    raise AssertionError("the walk never got there")


def _open_long(api: FuturesApi, size: str = "0.01", **extra: Any) -> dict[str, Any]:
    return api.place(side="buy", tradeSide="open", orderType="market", size=size, **extra)


def test_a_trigger_order_fires_once_into_an_ordinary_order(api: FuturesApi) -> None:
    trigger = (_last(api) + 15).quantize(Decimal("0.1"))
    placed = _plan(api, triggerPrice=str(trigger), clientOid="up-1").json()
    assert placed["code"] == "00000" and placed["data"]["clientOid"] == "up-1"
    [pending] = _pending(api)
    assert (pending["planStatus"], pending["triggerPrice"], pending["orderType"]) == ("live", str(trigger), "market")
    assert api.positions() == []  # nothing reserved, nothing placed yet
    _until(api, lambda: not _pending(api))
    [done] = _history(api)
    assert done["orderId"] == placed["data"]["orderId"] and done["planStatus"] == "executed"
    order = api.detail(done["executeOrderId"])
    assert (order["state"], order["side"], order["tradeSide"], order["size"]) == ("filled", "buy", "open", "0.01")
    plan = api.exchange.futures.plans.book(UID, PT).find(int(placed["data"]["orderId"]))
    c = _contract(api)
    assert api.exchange.futures_market.price_at(c, plan.fired_step) >= trigger  # met at the step it fired on
    [position] = api.positions()
    assert position["total"] == "0.01"
    api.advance(3_600_000)
    assert len(_history(api)) == 1 and [p["total"] for p in api.positions()] == ["0.01"]  # once only


def test_a_trigger_below_the_price_fires_on_the_way_down(api: FuturesApi) -> None:
    trigger = (_last(api) - 15).quantize(Decimal("0.1"))
    _plan(api, triggerPrice=str(trigger), side="sell", orderType="limit", price=str(trigger - 500),
          triggerType="mark_price")
    plan = next(iter(api.exchange.futures.plans.book(UID, PT).live.all.values()))
    assert plan.rising is False
    _until(api, lambda: not _pending(api))
    [done] = _history(api)
    fm = api.exchange.futures_market
    assert fm.mark_at(_contract(api), plan.fired_step) <= trigger
    assert api.detail(done["executeOrderId"])["orderType"] == "limit"


def test_a_trigger_order_that_cannot_be_afforded_fails_with_its_reason(api: FuturesApi) -> None:
    trigger = (_last(api) + 10).quantize(Decimal("0.1"))
    _plan(api, triggerPrice=str(trigger), size="50")  # ~3M USDT at 20x: far beyond the 10,000 funded
    _until(api, lambda: not _pending(api))
    [failed] = _history(api, extra="&planStatus=fail_trigger")
    assert failed["executeOrderId"] == "" and failed["baseVolume"] == "0"
    plan = api.exchange.futures.plans.book(UID, PT).find(int(failed["orderId"]))
    assert plan.fail_reason.startswith("40762 ")
    assert api.positions() == [] and _history(api, extra="&planStatus=executed") == []


def test_refused_plan_requests_have_bitgets_codes_and_change_nothing(api: FuturesApi) -> None:
    last = _last(api)
    _plan(api, triggerPrice=str(last + 100), clientOid="taken")
    before = api.state(), len(api.exchange.futures.plans.triggers), _pending(api)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"triggerPrice": ""}, "40019"),
        ({"triggerPrice": str(last), "planType": "track_plan"}, "40019"),  # no callbackRatio
        ({"triggerPrice": str(last), "planType": "nope"}, "40020"),
        ({"triggerPrice": str(last), "tradeSide": None}, "40774"),
        ({"triggerPrice": str(last + Decimal("0.05"))}, "40808"),
        ({"triggerPrice": str(last), "size": "0.00015"}, "40808"),
        ({"triggerPrice": str(last), "size": "0.0000"}, "40020"),
        ({"triggerPrice": str(last), "clientOid": "taken"}, "40786"),
        ({"triggerPrice": str(last), "symbol": "NOPEUSDT"}, "40034"),
        ({"triggerPrice": str(last), "orderType": "limit"}, "40019"),
        ({"triggerPrice": str(last), "triggerType": "index_price"}, "40020"),
        ({"triggerPrice": str(last), "stopLossTriggerPrice": "1.03"}, "40808"),
    ]
    for body, code in cases:
        sent = {k: v for k, v in body.items() if v is not None}
        if body.get("tradeSide", "") is None:
            full = {"planType": "normal_plan", "symbol": SYMBOL, "productType": PT, "marginMode": "crossed",
                    "marginCoin": "USDT", "size": "0.01", "triggerType": "fill_price", "side": "buy",
                    "orderType": "market", **sent}
            answer = api.post(f"{MIX}/order/place-plan-order", full).json()
        else:
            answer = _plan(api, **sent).json()
        assert answer["code"] == code, (body, answer)
    assert (api.state(), len(api.exchange.futures.plans.triggers), _pending(api)) == before
    assert api.code("POST", f"{MIX}/order/modify-plan-order", {"symbol": SYMBOL, "productType": PT,
                                                               "orderId": "123", "newTriggerPrice": "1"}) == "43025"
    assert api.code("POST", f"{MIX}/order/modify-tpsl-order", {
        "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "orderId": "123", "triggerPrice": "1",
        "size": "1"}) == "43020"


def test_modify_and_cancel_trigger_orders(api: FuturesApi) -> None:
    last = _last(api)
    first = _plan(api, triggerPrice=str(last + 300), orderType="limit", price=str(last + 310), clientOid="a").json()
    _plan(api, triggerPrice=str(last - 300), side="sell", clientOid="b")
    modified = api.ok("POST", f"{MIX}/order/modify-plan-order", {
        "symbol": SYMBOL, "productType": PT, "clientOid": "a", "newTriggerPrice": str(last - 200),
        "newPrice": str(last - 190), "newSize": "0.02", "newStopLossTriggerPrice": str(last - 900)})
    assert modified["orderId"] == first["data"]["orderId"]
    shown = {p["clientOid"]: p for p in _pending(api)}
    assert (shown["a"]["triggerPrice"], shown["a"]["price"], shown["a"]["size"]) == (
        str(last - 200), str(last - 190), "0.02")
    assert shown["a"]["stopLossTriggerPrice"] == str(last - 900)
    plan = api.exchange.futures.plans.book(UID, PT).find(int(first["data"]["orderId"]))
    assert plan.rising is False  # below the price now: it waits for the way down
    cancelled = api.ok("POST", f"{MIX}/order/cancel-plan-order", {
        "symbol": SYMBOL, "productType": PT, "orderIdList": [{"clientOid": "b"}, {"orderId": "42"}]})
    assert [s["clientOid"] for s in cancelled["successList"]] == ["b"]
    assert cancelled["failureList"] == [{"orderId": "42", "clientOid": "", "errorMsg": "Plan order does not exist"}]
    everything = api.ok("POST", f"{MIX}/order/cancel-plan-order", {"productType": PT})
    assert [s["clientOid"] for s in everything["successList"]] == ["a"]
    assert _pending(api) == [] and len(api.exchange.futures.plans.triggers) == 0
    assert {p["planStatus"] for p in _history(api)} == {"cancelled"}
    api.advance(6 * 3_600_000)
    assert api.positions() == []  # a cancelled plan never fires


def test_tpsl_orders_close_the_position_and_go_with_it(api: FuturesApi) -> None:
    _open_long(api)
    last = _last(api)
    assert _tpsl(api, planType="pos_loss", triggerPrice=str(last + 5)).json()["code"] == "40834"
    assert _tpsl(api, planType="pos_profit", triggerPrice=str(last - 5)).json()["code"] == "40830"
    assert _tpsl(api, planType="loss_plan", triggerPrice=str(last - 5), size="0.02").json()["code"] == "43023"
    assert _tpsl(api, planType="pos_loss", triggerPrice=str(last - 5), holdSide="short").json()["code"] == "40837"
    assert _tpsl(api, planType="moving_plan", triggerPrice=str(last - 5), size="0.01").json()["code"] == "40019"
    stop = (last - 20).quantize(Decimal("0.1"))
    sl = _tpsl(api, planType="pos_loss", triggerPrice=str(stop)).json()["data"]
    assert _tpsl(api, planType="pos_loss", triggerPrice=str(stop - 1)).json()["code"] == "43031"
    tp = _tpsl(api, planType="pos_profit", triggerPrice=str(last + 5000), holdSide="buy").json()["data"]
    shown = {p["orderId"]: p for p in _pending(api, "profit_loss")}
    assert (shown[sl["orderId"]]["planType"], shown[sl["orderId"]]["size"], shown[sl["orderId"]]["tradeSide"]) == (
        "pos_loss", "0", "close")
    assert shown[sl["orderId"]]["stopLossTriggerPrice"] == str(stop) and shown[sl["orderId"]][
        "stopSurplusTriggerPrice"] is None
    [position] = api.positions()
    assert (position["stopLoss"], position["stopLossId"], position["takeProfitId"]) == (
        str(stop), sl["orderId"], tp["orderId"])
    _until(api, lambda: not api.positions())
    done = {p["orderId"]: p for p in _history(api, "profit_loss")}
    assert done[sl["orderId"]]["planStatus"] == "executed"
    assert done[tp["orderId"]]["planStatus"] == "cancelled"  # the position went, and its TP with it
    closing = api.detail(done[sl["orderId"]]["executeOrderId"])
    assert (closing["orderSource"], closing["tradeSide"], closing["state"]) == ("pos_loss_market", "close", "filled")


def test_preset_tpsl_become_orders_on_fill_and_are_cancelled_by_close_positions(api: FuturesApi) -> None:
    last = _last(api)
    placed = _open_long(api, presetStopSurplusPrice=str(last + 3000), presetStopLossPrice=str(last - 3000),
                        presetStopLossExecutePrice=str(last - 3010))
    tpsl = {p["planType"]: p for p in _pending(api, "profit_loss")}
    assert set(tpsl) == {"profit_plan", "loss_plan"}
    assert (tpsl["profit_plan"]["size"], tpsl["profit_plan"]["triggerPrice"], tpsl["profit_plan"]["orderType"]) == (
        "0.01", str(last + 3000), "market")
    assert (tpsl["loss_plan"]["orderType"], tpsl["loss_plan"]["executePrice"]) == ("limit", str(last - 3010))
    assert api.detail(placed["orderId"])["presetStopLossPrice"] == str(last - 3000)
    api.ok("POST", f"{MIX}/order/close-positions", {"productType": PT, "symbol": SYMBOL})
    assert _pending(api, "profit_loss") == []
    assert {p["planStatus"] for p in _history(api, "profit_loss")} == {"cancelled"}


def test_place_pos_tpsl_and_modify_tpsl(api: FuturesApi) -> None:
    _open_long(api, size="0.02")
    last = _last(api)
    legs = api.ok("POST", f"{MIX}/order/place-pos-tpsl", {
        "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "holdSide": "long",
        "stopSurplusTriggerPrice": str(last + 1000), "stopLossTriggerPrice": str(last - 1000),
        "stopLossSize": "0.01", "stopLossClientOid": "sl-1", "stopLossTriggerType": "mark_price"})
    assert [leg["stopLossClientOid"] for leg in legs] == ["", "sl-1"]
    kinds = {p["planType"]: p for p in _pending(api, "profit_loss")}
    assert set(kinds) == {"pos_profit", "loss_plan"} and kinds["loss_plan"]["triggerType"] == "mark_price"
    again = api.ok("POST", f"{MIX}/order/place-pos-tpsl", {
        "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "holdSide": "long",
        "stopSurplusTriggerPrice": str(last + 2000)})
    kinds = {p["planType"]: p for p in _pending(api, "profit_loss")}
    assert kinds["pos_profit"]["orderId"] == again[0]["orderId"]  # the position's TP was replaced
    modified = api.ok("POST", f"{MIX}/order/modify-tpsl-order", {
        "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "clientOid": "sl-1",
        "triggerPrice": str(last - 500), "executePrice": str(last - 510), "size": "0.015"})
    assert modified["clientOid"] == "sl-1"
    loss = {p["planType"]: p for p in _pending(api, "profit_loss")}["loss_plan"]
    assert (loss["triggerPrice"], loss["executePrice"], loss["size"], loss["orderType"]) == (
        str(last - 500), str(last - 510), "0.015", "limit")
    before = api.state(), _pending(api, "profit_loss")
    assert api.code("POST", f"{MIX}/order/modify-tpsl-order", {
        "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "clientOid": "sl-1",
        "triggerPrice": str(last + 500), "size": "0.01"}) == "40834"
    assert (api.state(), _pending(api, "profit_loss")) == before


def test_a_liquidation_cancels_the_positions_tpsl(api: FuturesApi) -> None:
    _open_long(api)
    last = _last(api)
    _tpsl(api, planType="pos_profit", triggerPrice=str(last + 20000))
    p = api.exchange.futures.engine.position(UID, SYMBOL, "long")
    api.exchange.futures.clock.liquidate(p, last, api.now)
    assert api.positions() == [] and _pending(api, "profit_loss") == []
    [gone] = _history(api, "profit_loss")
    assert gone["planStatus"] == "cancelled"


def test_the_reference_clients_plan_methods() -> None:
    app = make_app(accounts=seed_accounts(), rate_limits="off")
    vt = VirtualTime(app)

    async def run() -> dict[str, Any]:
        async with asgi_client(app, vt) as c:
            await c.transfer("spot", "usdt_futures", Decimal(5000), "USDT")
            last = Decimal((await c.futures_ticker(PT, SYMBOL))[0]["lastPr"])
            await c.futures_place_order(SYMBOL, PT, "USDT", "crossed", "buy", "market", Decimal("0.02"),
                                        trade_side="open")
            plan = await c.futures_place_plan_order(SYMBOL, PT, "USDT", "crossed", "buy", "limit", Decimal("0.01"),
                                                    last * 2, price=last * 2, trade_side="open",
                                                    stopLossTriggerPrice=str(last))
            await c.futures_modify_plan_order(SYMBOL, PT, order_id=plan["orderId"], newTriggerPrice=str(last * 3),
                                              newPrice=str(last * 3))
            tp = await c.futures_place_tpsl_order(SYMBOL, PT, "USDT", "profit_plan", "long", last * 2,
                                                  Decimal("0.01"))
            await c.futures_modify_tpsl_order(SYMBOL, PT, "USDT", last * 3, Decimal("0.02"), order_id=tp["orderId"])
            half = (last / 2).quantize(Decimal("0.1"))
            legs = await c.futures_place_pos_tpsl(SYMBOL, PT, "USDT", "long", stop_loss=half)
            pending = await c.futures_plans_pending(PT, "profit_loss")
            normal = await c.futures_plans_pending(PT, symbol=SYMBOL)
            cancelled = await c.futures_cancel_plan_order(PT, SYMBOL, orders=[{"orderId": plan["orderId"]}])
            history = await c.futures_plans_history(PT, planStatus="cancelled")
            return {"plan": plan, "legs": legs, "pending": pending, "normal": normal, "cancelled": cancelled,
                    "history": history}

    r = asyncio.run(run())
    assert {p["planType"]: p["triggerPrice"] for p in r["pending"]["entrustedList"]}.keys() == {"profit_plan",
                                                                                                  "pos_loss"}
    [normal] = r["normal"]["entrustedList"]
    assert normal["orderId"] == r["plan"]["orderId"] and normal["stopLossTriggerPrice"] != ""
    assert [s["orderId"] for s in r["cancelled"]["successList"]] == [r["plan"]["orderId"]]
    assert [h["orderId"] for h in r["history"]["entrustedList"]] == [r["plan"]["orderId"]]


def _subs(api: FuturesApi, plan_id: str, plan_type: str = "normal_plan") -> Any:
    return api.get(f"{MIX}/order/plan-sub-order", f"productType={PT}&planType={plan_type}&planOrderId={plan_id}").json()


def test_plan_sub_order_names_what_a_fired_plan_placed(api: FuturesApi) -> None:
    last = _last(api)
    up = str((last + 15).quantize(Decimal("0.1")))
    fired = _plan(api, triggerPrice=up).json()["data"]["orderId"]
    limit = _plan(api, triggerPrice=up, orderType="limit", price=str((last + 20).quantize(Decimal("0.1")))).json()[
        "data"]["orderId"]
    broke = _plan(api, triggerPrice=up, size="50").json()["data"]["orderId"]  # 50 BTC: more margin than 10000 USDT
    waiting = _plan(api, triggerPrice=str((last * 3).quantize(Decimal("0.1")))).json()["data"]["orderId"]
    gone = _plan(api, triggerPrice=up).json()["data"]["orderId"]
    api.ok("POST", f"{MIX}/order/cancel-plan-order", {"symbol": SYMBOL, "productType": PT,
                                                       "orderIdList": [{"orderId": gone}]})
    assert _subs(api, fired)["data"] == []  # not fired yet
    _until(api, lambda: len(_pending(api)) == 1)
    done = {p["orderId"]: p for p in _history(api)}
    [sub] = _subs(api, fired)["data"]
    order = api.detail(done[fired]["executeOrderId"])
    assert sub == {"orderId": order["orderId"], "price": order["priceAvg"], "type": "market", "status": "success"}
    [sub] = _subs(api, limit)["data"]
    assert (sub["orderId"], sub["price"], sub["type"], sub["status"]) == (
        done[limit]["executeOrderId"], done[limit]["price"], "limit", "success")
    assert done[broke]["planStatus"] == "fail_trigger"
    assert _subs(api, broke)["data"] == [{"orderId": "", "price": "0", "type": "market", "status": "fail"}]
    assert _subs(api, waiting)["data"] == [] and _subs(api, gone)["data"] == []
    for plan_id, plan_type in ((fired, "track_plan"), ("12345", "normal_plan"), ("x", "normal_plan")):
        assert _subs(api, plan_id, plan_type)["code"] == "43025"  # another type's, or none at all
    assert _subs(api, fired, "profit_loss")["code"] == "40020"  # planType is normal_plan or track_plan [DOC]

"""ccxt's bitget class placing, listing, cancelling and firing futures trigger and TP/SL orders against
a real mock socket, unmodified: createOrder with triggerPrice, stopLossPrice / takeProfitPrice, and
stopLoss / takeProfit attached; fetchOpenOrders and cancelOrder with {'trigger': True}."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .futures_support import ccxt_on_swaps

ccxt = pytest.importorskip("ccxt")
SWAP = "BTC/USDT:USDT"
HEDGED = {"hedged": True}


@pytest.fixture()
def exchange() -> Iterator[Any]:
    with ccxt_on_swaps(ccxt) as (ex, app):
        ex.services = app.services  # the state and clock behind the socket
        yield ex


def _last(ex: Any) -> float:
    market = ex.services.exchange.futures_market
    return float(market.last_price(market.contract("USDT-FUTURES", "BTCUSDT"), ex.services.clock.now_ms()))


def _advance(ex: Any, ms: int) -> None:
    ex.services.clock.advance(ms)
    ex.services.on_clock_moved()
    ex.load_time_difference()  # ccxt signs with its own clock plus the offset it measured


def test_ccxt_trigger_orders_listed_cancelled_and_fired(exchange: Any) -> None:
    last = _last(exchange)
    far = exchange.create_order(SWAP, "limit", "buy", 0.01, round(last * 0.9, 1),
                                {**HEDGED, "triggerPrice": round(last * 0.91, 1)})
    near = exchange.create_order(SWAP, "market", "buy", 0.01, None, {**HEDGED, "triggerPrice": round(last + 10, 1)})
    sent = exchange.services.journal.newest(2)  # what ccxt sent, as the mock journalled it
    assert {e["path"] for e in sent} == {"/api/v2/mix/order/place-plan-order"}
    listed = {o["id"]: o for o in exchange.fetch_open_orders(SWAP, params={"trigger": True})}
    assert set(listed) == {far["id"], near["id"]}
    assert listed[far["id"]]["status"] == "open" and listed[far["id"]]["triggerPrice"] == round(last * 0.91, 1)
    assert (listed[far["id"]]["type"], listed[far["id"]]["price"]) == ("limit", round(last * 0.9, 1))
    cancelled = exchange.cancel_order(far["id"], SWAP, {"trigger": True})
    assert cancelled["id"] == far["id"]
    assert [o["id"] for o in exchange.fetch_open_orders(SWAP, params={"trigger": True})] == [near["id"]]
    for _ in range(300):
        if not exchange.fetch_open_orders(SWAP, params={"trigger": True}):
            break
        _advance(exchange, 60_000)
    [position] = exchange.fetch_positions([SWAP])
    assert (position["side"], position["contracts"]) == ("long", 0.01)
    closed = {o["id"]: o for o in exchange.fetch_canceled_and_closed_orders(SWAP, params={"trigger": True})}
    assert (closed[near["id"]]["status"], closed[far["id"]]["status"]) == ("closed", "canceled")


def test_ccxt_stop_loss_and_take_profit_orders_on_a_position(exchange: Any) -> None:
    exchange.create_order(SWAP, "market", "buy", 0.02, None, HEDGED)
    last = _last(exchange)
    stop = exchange.create_order(SWAP, "market", "sell", 0.02, None, {**HEDGED, "stopLossPrice": round(last - 30, 1)})
    take = exchange.create_order(SWAP, "market", "sell", 0.02, None, {"takeProfitPrice": round(last * 1.2, 1)})
    paths = [e["path"] for e in exchange.services.journal.newest(2)]
    assert paths == ["/api/v2/mix/order/place-tpsl-order"] * 2
    listed = {o["id"]: o for o in exchange.fetch_open_orders(SWAP, params={"planType": "profit_loss"})}
    assert listed[stop["id"]]["stopLossPrice"] == round(last - 30, 1)
    assert listed[take["id"]]["takeProfitPrice"] == round(last * 1.2, 1)
    [position] = exchange.fetch_positions([SWAP])
    assert (position["info"]["stopLossId"], position["info"]["takeProfitId"]) == (stop["id"], take["id"])
    with pytest.raises(ccxt.ExchangeError):  # a long's stop loss above the price: 40834
        exchange.create_order(SWAP, "market", "sell", 0.02, None, {**HEDGED, "stopLossPrice": round(last * 1.1, 1)})
    for _ in range(300):
        if not exchange.fetch_positions([SWAP]):
            break
        _advance(exchange, 60_000)
    assert exchange.fetch_positions([SWAP]) == []
    assert exchange.fetch_open_orders(SWAP, params={"planType": "profit_loss"}) == []  # the TP went with it


def test_ccxt_attached_stop_loss_and_take_profit(exchange: Any) -> None:
    last = _last(exchange)
    placed = exchange.create_order(SWAP, "market", "buy", 0.01, None, {
        **HEDGED, "stopLoss": {"triggerPrice": round(last * 0.9, 1)},
        "takeProfit": {"triggerPrice": round(last * 1.1, 1), "price": round(last * 1.1 + 5, 1)}})
    assert exchange.fetch_order(placed["id"], SWAP)["stopLossPrice"] == round(last * 0.9, 1)
    tpsl = exchange.fetch_open_orders(SWAP, params={"planType": "profit_loss"})
    kinds = {o["info"]["planType"]: o for o in tpsl}
    assert set(kinds) == {"profit_plan", "loss_plan"}
    assert kinds["loss_plan"]["stopLossPrice"] == round(last * 0.9, 1) and kinds["loss_plan"]["amount"] == 0.01
    assert (kinds["profit_plan"]["type"], kinds["profit_plan"]["price"]) == ("limit", round(last * 1.1 + 5, 1))
    exchange.cancel_order(kinds["loss_plan"]["id"], SWAP, {"trigger": True})
    assert [o["info"]["planType"] for o in exchange.fetch_open_orders(SWAP, params={"planType": "profit_loss"})] == [
        "profit_plan"]


def test_ccxt_trailing_order_placed_listed_and_fired(exchange: Any) -> None:
    last = _last(exchange)
    placed = exchange.create_order(SWAP, "market", "sell", 0.01, None,
                                   {**HEDGED, "trailingPercent": "0.02", "trailingTriggerPrice": round(last - 5, 1)})
    [sent] = exchange.services.journal.newest(1)
    assert sent["path"] == "/api/v2/mix/order/place-plan-order"
    [listed] = exchange.fetch_open_orders(SWAP, params={"trigger": True, "planType": "track_plan"})
    assert listed["id"] == placed["id"] and listed["info"]["callbackRatio"] == "0.02"
    for _ in range(300):
        if not exchange.fetch_open_orders(SWAP, params={"trigger": True, "planType": "track_plan"}):
            break
        _advance(exchange, 5_000)
    closed = exchange.fetch_canceled_and_closed_orders(SWAP, params={"trigger": True, "planType": "track_plan"})
    assert [(o["id"], o["status"]) for o in closed] == [(placed["id"], "closed")]
    [position] = exchange.fetch_positions([SWAP])
    assert (position["side"], position["contracts"]) == ("short", 0.01)


def test_ccxt_trailing_stop_on_a_position(exchange: Any) -> None:
    """ccxt has no option of its own for moving_plan (its trailingPercent goes to place-plan-order as
    track_plan); a stopLossPrice order routes to place-tpsl-order, and its params pass through: planType
    moving_plan with rangeRate makes it a trailing stop on the position."""
    exchange.create_order(SWAP, "market", "buy", 0.01, None, HEDGED)
    last = _last(exchange)
    placed = exchange.create_order(SWAP, "market", "sell", 0.01, None, {
        **HEDGED, "stopLossPrice": round(last - 5, 1), "planType": "moving_plan", "rangeRate": "0.02"})
    [sent] = exchange.services.journal.newest(1)
    assert sent["path"] == "/api/v2/mix/order/place-tpsl-order"
    [listed] = exchange.fetch_open_orders(SWAP, params={"planType": "profit_loss"})
    assert listed["id"] == placed["id"]
    assert (listed["info"]["planType"], listed["info"]["callbackRatio"]) == ("moving_plan", "0.02")
    for _ in range(300):
        if not exchange.fetch_positions([SWAP]):
            break
        _advance(exchange, 5_000)
    assert exchange.fetch_positions([SWAP]) == []  # the trailing stop closed the long
    closed = exchange.fetch_canceled_and_closed_orders(SWAP, params={"trigger": True, "planType": "profit_loss"})
    assert [(o["id"], o["status"]) for o in closed] == [(placed["id"], "closed")]

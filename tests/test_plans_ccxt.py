"""ccxt's bitget class, unmodified, placing, listing, editing and cancelling spot trigger orders and editing a
spot order (cancel-replace) against a mock over a real socket."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, UID, make_app, seed_accounts
from .trading_support import last_price

ccxt = pytest.importorskip("ccxt")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Any, Any]]:
    app = make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off")
    with ServerThread(app) as server:
        ex = ccxt.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE,
                          "options": {"adjustForTimeDifference": True}})  # the mock's clock is virtual
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], f"http://{server.host}:{server.port}")
        ex.load_markets()
        yield ex, app


def journal_paths(app: Any) -> list[str]:
    """The paths of the mock's newest requests, newest first."""
    return [e["path"] for e in app.services.journal.newest(20)]


def test_ccxt_trigger_orders_place_list_edit_cancel(served: tuple[Any, Any]) -> None:
    ex, app = served
    plans = app.services.exchange.plans
    high = round(float(last_price(app)) * 1.5, 2)
    limit = ex.create_order("BTC/USDT", "limit", "buy", 0.001, 30000, {"triggerPrice": high})
    market = ex.create_order("BTC/USDT", "market", "buy", 0.001, 30000, {"triggerPrice": high})  # cost 30 USDT
    sell = ex.create_order("BTC/USDT", "market", "sell", 0.002, None, {"triggerPrice": 1000,
                                                                      "triggerType": "fill_price"})
    placed = {p.oid: p for p in plans.plans_of(UID).live.all.values()}
    assert set(placed) == {int(limit["id"]), int(market["id"]), int(sell["id"])}
    by_id = {str(k): (p.order_type, p.plan_type, p.size, p.execute_price, p.trigger_type) for k, p in placed.items()}
    assert by_id[limit["id"]] == ("limit", "amount", Decimal("0.001"), Decimal("30000"), "mark_price")  # ccxt's default
    assert by_id[market["id"]] == ("market", "total", Decimal("30"), None, "mark_price")
    assert by_id[sell["id"]] == ("market", "amount", Decimal("0.002"), None, "fill_price")

    opened = ex.fetch_open_orders("BTC/USDT", params={"trigger": True})
    assert {o["id"] for o in opened} == {limit["id"], market["id"], sell["id"]}
    row = next(o for o in opened if o["id"] == limit["id"])
    assert (row["status"], row["type"], row["side"], row["price"], row["amount"], row["triggerPrice"]) == (
        "open", "limit", "buy", 30000, 0.001, high)
    assert ex.fetch_open_orders("BTC/USDT") == []  # plans are not normal open orders

    edited = ex.edit_order(limit["id"], "BTC/USDT", "limit", "buy", 0.002, 31000, {"triggerPrice": high + 1})
    assert edited["id"] == limit["id"]
    moved = plans.find(UID, limit["id"], None)
    assert (moved.size, moved.execute_price, moved.trigger_price) == (
        Decimal("0.002"), Decimal("31000"), Decimal(str(high + 1)).quantize(Decimal("0.01")))

    ex.cancel_order(market["id"], "BTC/USDT", {"trigger": True})
    assert plans.find(UID, market["id"], None).status == "cancelled"
    with pytest.raises(ccxt.ExchangeError):  # 43025: no longer a live plan order
        ex.cancel_order(market["id"], "BTC/USDT", {"trigger": True})
    closed = ex.fetch_canceled_and_closed_orders("BTC/USDT", params={"trigger": True})
    assert [(o["id"], o["status"]) for o in closed] == [(market["id"], "canceled")]


def test_ccxt_refuses_spot_stop_loss_and_take_profit_prices_before_sending(served: tuple[Any, Any]) -> None:
    """ccxt 4.5's createOrder raises InvalidOrder for stopLossPrice / takeProfitPrice on spot markets
    itself: nothing reaches the exchange (Bitget's spot TP/SL orders are place-order's tpslType=tpsl)."""
    ex, app = served
    before = app.services.journal.newest(1)
    for params in ({"stopLossPrice": 1000}, {"takeProfitPrice": 900000}):
        with pytest.raises(ccxt.InvalidOrder):
            ex.create_order("BTC/USDT", "limit", "sell", 0.001, 60000, params)
    assert app.services.journal.newest(1) == before


def test_ccxt_edit_order_on_spot_is_cancel_replace(served: tuple[Any, Any]) -> None:
    ex, app = served
    placed = ex.create_order("BTC/USDT", "limit", "buy", 0.001, 30000)
    edited = ex.edit_order(placed["id"], "BTC/USDT", "limit", "buy", 0.002, 30100)
    assert edited["id"] != placed["id"]
    assert ex.fetch_order(placed["id"], "BTC/USDT")["status"] == "canceled"
    new = ex.fetch_order(edited["id"], "BTC/USDT")
    assert (new["status"], new["price"], new["amount"], new["side"]) == ("open", 30100, 0.002, "buy")
    assert "/api/v2/spot/trade/cancel-replace-order" in journal_paths(app)
    with pytest.raises(ccxt.InsufficientFunds):  # refused whole: the order it would replace stays open
        ex.edit_order(edited["id"], "BTC/USDT", "limit", "buy", 100, 30100)
    assert ex.fetch_order(edited["id"], "BTC/USDT")["status"] == "open"

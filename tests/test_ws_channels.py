"""Spot channels: push formats as the spec, pushes exactly when the state changes (REST orders, fills,
balances; the clock moving the walk), and nothing when nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from client.ws_book import OrderBook, book_checksum

from .helpers import UID
from .ws_support import BOOKS, TICKER, Mock, login, running_mock, signed_post, subscribe, until_pong

ORDERS = {"instType": "SPOT", "channel": "orders", "instId": "default"}
FILL = {"instType": "SPOT", "channel": "fill", "instId": "default"}
ACCOUNT = {"instType": "SPOT", "channel": "account", "coin": "default"}
PLACE = "/api/v2/spot/trade/place-order"


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


@pytest.fixture
def fresh(mock: Mock) -> Mock:
    mock.admin("POST", "/reset")
    now = mock.now()
    mock.admin("POST", "/clock", {"set": now - now % 1000})  # on a walk step's first ms
    return mock


def pushes(events: list[Any]) -> list[Any]:
    return [e for e in events if "action" in e]


def test_public_snapshots_have_the_documented_shapes(fresh: Mock) -> None:
    candle = {"instType": "SPOT", "channel": "candle1m", "instId": "BTCUSDT"}
    books5 = {**BOOKS, "channel": "books5"}
    trade = {**TICKER, "channel": "trade"}
    with fresh.ws() as ws:
        got = pushes(subscribe(ws, TICKER, candle, BOOKS, books5, trade))
    assert [p["arg"] for p in got] == [TICKER, candle, BOOKS, books5, trade]
    assert all(p["action"] == "snapshot" and isinstance(p["ts"], int) for p in got)
    ticker = got[0]["data"][0]
    assert set(ticker) == {"instId", "lastPr", "open24h", "high24h", "low24h", "change24h", "bidPr", "askPr",
                           "bidSz", "askSz", "baseVolume", "quoteVolume", "openUtc", "changeUtc24h", "ts"}
    rest = fresh.client.get(f"{fresh.http}/api/v2/spot/market/tickers", params={"symbol": "BTCUSDT"}).json()["data"][0]
    assert (ticker["lastPr"], ticker["bidPr"], ticker["open24h"]) == (rest["lastPr"], rest["bidPr"], rest["open"])
    assert all(len(row) == 8 and all(isinstance(v, str) for v in row) for row in got[1]["data"])
    book = got[2]["data"][0]
    assert set(book) == {"asks", "bids", "checksum", "seq", "ts"} and len(book["asks"]) == 150
    assert book["checksum"] == book_checksum(book["bids"], book["asks"])
    assert len(got[3]["data"][0]["asks"]) == len(got[3]["data"][0]["bids"]) == 5
    assert set(got[4]["data"][0]) == {"ts", "price", "size", "side", "tradeId"}


def test_clock_moves_push_what_moved_and_nothing_else(fresh: Mock) -> None:
    books5 = {**BOOKS, "channel": "books5"}
    with fresh.ws() as ws:
        snap = pushes(subscribe(ws, TICKER, BOOKS, books5))
        fresh.advance(500)  # inside the same walk step: the market did not move
        assert until_pong(ws) == []
        fresh.advance(500)
        moved = until_pong(ws)
    assert [(p["arg"]["channel"], p["action"]) for p in moved] == [
        ("ticker", "update"), ("books", "update"), ("books5", "snapshot")]
    book = OrderBook()
    book.apply("snapshot", snap[1]["data"][0])
    book.apply("update", moved[1]["data"][0])  # raises on a checksum mismatch
    rest = fresh.client.get(f"{fresh.http}/api/v2/spot/market/orderbook", params={"symbol": "BTCUSDT", "limit": "150"})
    assert book.bids == [tuple(x) for x in rest.json()["data"]["bids"]]
    assert int(moved[1]["data"][0]["seq"]) == int(snap[1]["data"][0]["seq"]) + 1


def test_trades_and_candles_follow_the_walk(fresh: Mock) -> None:
    trade = {**TICKER, "channel": "trade"}
    candle = {**TICKER, "channel": "candle1m"}
    with fresh.ws() as ws:
        snap = pushes(subscribe(ws, trade, candle))
        now = fresh.advance(3000)
        moved = until_pong(ws)
    newest = int(snap[0]["data"][0]["tradeId"])
    assert [p["arg"]["channel"] for p in moved] == ["trade", "candle1m"]
    assert [int(t["tradeId"]) for t in moved[0]["data"]] == sorted(
        (int(t["tradeId"]) for t in moved[0]["data"]), reverse=True)
    assert len(moved[0]["data"]) == 3 and min(int(t["tradeId"]) for t in moved[0]["data"]) > newest
    assert moved[1]["data"][-1][0] == str(now - now % 60_000)  # the open candle of now
    assert moved[1]["data"][-1][4] == moved[0]["data"][0]["price"]  # closes at the newest trade


@contextmanager
def _trading_socket(mock: Mock) -> Iterator[Any]:
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        yield ws


def test_account_snapshot_on_subscribe(fresh: Mock) -> None:
    with _trading_socket(fresh) as ws:
        (ack, snap) = subscribe(ws, ACCOUNT)
    assert ack == {"event": "subscribe", "arg": ACCOUNT} and snap["action"] == "snapshot"
    coins = {item["coin"]: item for item in snap["data"]}
    assert coins["USDT"]["available"] == "100000" and coins["USDT"]["frozen"] == "0"
    assert set(coins["BTC"]) == {"coin", "available", "frozen", "locked", "limitAvailable", "uTime"}


def test_limit_order_placed_and_cancelled_over_rest_is_pushed(fresh: Mock) -> None:
    with _trading_socket(fresh) as ws:
        subscribe(ws, ORDERS, ACCOUNT)
        answer = signed_post(fresh, PLACE, {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                                            "force": "gtc", "price": "30000", "size": "0.01"})
        oid = answer["data"]["orderId"]
        placed = until_pong(ws)  # queued while the REST request ran: here before any later message
        signed_post(fresh, "/api/v2/spot/trade/cancel-order", {"symbol": "BTCUSDT", "orderId": oid})
        cancelled = until_pong(ws)
    assert [(p["arg"]["channel"], p["data"][0].get("status", p["data"][0].get("coin"))) for p in placed] == [
        ("orders", "live"), ("account", "USDT")]
    order = placed[0]["data"][0]
    assert order["orderId"] == oid and order["price"] == "30000" and order["newSize"] == "0.01"
    assert "posMode" not in order  # ccxt tells spot from futures by it
    assert placed[1]["data"][0]["frozen"] == "300" and placed[1]["data"][0]["available"] == "99700"
    assert [(p["arg"]["channel"], p["data"][0].get("status")) for p in cancelled] == [
        ("orders", "cancelled"), ("account", None)]
    assert cancelled[1]["data"][0]["frozen"] == "0"


def test_market_order_pushes_orders_fill_and_account(fresh: Mock) -> None:
    with _trading_socket(fresh) as ws:
        subscribe(ws, ORDERS, FILL, ACCOUNT)
        answer = signed_post(fresh, PLACE, {"symbol": "BTCUSDT", "side": "buy", "orderType": "market",
                                            "size": "100"})
        got = until_pong(ws)
    channels = [p["arg"]["channel"] for p in got]
    assert channels[0] == "orders" and "fill" in channels and "account" in channels
    fills = [p["data"][0] for p in got if p["arg"]["channel"] == "fill"]
    assert all(f["orderId"] == answer["data"]["orderId"] and f["tradeScope"] == "taker" for f in fills)
    final = [p for p in got if p["arg"]["channel"] == "orders"][-1]["data"][0]
    assert final["status"] == "filled" and final["accBaseVolume"] == final["baseVolume"]
    assert sum(float(f["size"]) for f in fills) == pytest.approx(float(final["accBaseVolume"]))


def test_orders_for_one_symbol_only(fresh: Mock) -> None:
    eth = {**ORDERS, "instId": "ETHUSDT"}
    with _trading_socket(fresh) as ws:
        subscribe(ws, eth)
        signed_post(fresh, PLACE, {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                   "price": "30000", "size": "0.01"})
        assert until_pong(ws) == []
        signed_post(fresh, PLACE, {"symbol": "ETHUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                   "price": "1000", "size": "0.1"})
        (push,) = until_pong(ws)
    assert push["arg"] == eth and push["data"][0]["instId"] == "ETHUSDT"


def test_admin_balance_change_is_pushed(fresh: Mock) -> None:
    with _trading_socket(fresh) as ws:
        subscribe(ws, {**ACCOUNT, "coin": "SOL"})
        fresh.admin("PUT", f"/accounts/{UID}/balances", {"SOL": "7"})
        (push,) = until_pong(ws)
    assert push["data"] == [{"coin": "SOL", "available": "7", "frozen": "0", "locked": "0", "limitAvailable": "7",
                             "uTime": push["data"][0]["uTime"]}]


def test_spot_orders_algo_follows_a_plan_order_placed_modified_and_cancelled() -> None:
    from .ws_support import login, running_mock, signed_post, subscribe, until_pong

    with running_mock() as mock, mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        algo = {"instType": "SPOT", "channel": "orders-algo", "instId": "default"}
        assert subscribe(ws, algo)[0] == {"event": "subscribe", "arg": algo}
        t = "/api/v2/spot/trade/"
        placed = signed_post(mock, t + "place-plan-order", {
            "symbol": "BTCUSDT", "side": "buy", "orderType": "market", "triggerType": "fill_price", "size": "50",
            "planType": "total", "triggerPrice": "1000", "clientOid": "sp-1"})
        assert placed["code"] == "00000", placed
        moved = signed_post(mock, t + "modify-plan-order", {"clientOid": "sp-1", "triggerPrice": "1100",
                                                             "orderType": "market", "size": "50"})
        assert moved["code"] == "00000", moved
        cancelled = signed_post(mock, t + "cancel-plan-order", {"clientOid": "sp-1"})
        assert cancelled["code"] == "00000", cancelled
        items = [m["data"][0] for m in until_pong(ws) if m.get("action")]
        assert [(i["status"], i["triggerPrice"]) for i in items] == [("live", "1000"), ("live", "1100"),
                                                                     ("cancelled", "1100")]
        assert all(i["instId"] == "BTCUSDT" and i["clientOid"] == "sp-1" and "posMode" not in i for i in items)
        assert items[0]["orderId"] == placed["data"]["orderId"]

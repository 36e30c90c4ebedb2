"""Spot trading endpoints over HTTP: fields and types, ids, errors, permissions, and ccxt's requests."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from mock_exchange.app import MockExchange

from .helpers import NOW, make_app, seed_accounts
from .trading_support import Api, last_price

PLACE = "/api/v2/spot/trade/place-order"
CANCEL = "/api/v2/spot/trade/cancel-order"
CAPTURES = Path("/work/shared/spec/captures/ccxt.jsonl")
ORDER_FIELDS = {"userId", "symbol", "orderId", "clientOid", "price", "size", "orderType", "side", "status",
                "priceAvg", "baseVolume", "quoteVolume", "enterPointSource", "feeDetail", "orderSource",
                "cancelReason", "cTime", "uTime", "tpslType", "triggerPrice", "baseCoin", "quoteCoin"}
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@pytest.fixture
def api(app: MockExchange) -> Api:
    return Api(app)


def _below(app: MockExchange, ratio: str = "0.9") -> str:
    return str((last_price(app) * Decimal(ratio)).quantize(Decimal("0.01")))


def test_limit_order_has_every_field_with_bitget_types(api: Api, app: MockExchange) -> None:
    placed = api.place(side="buy", orderType="limit", price=_below(app), size="0.001", clientOid="my-order_1#+")
    assert placed["clientOid"] == "my-order_1#+"
    assert re.fullmatch(r"[0-9]{18,19}", placed["orderId"])
    order = api.order(placed["orderId"])
    assert set(order) == ORDER_FIELDS
    assert order["status"] == "live" and order["tpslType"] == "normal" and order["triggerPrice"] is None
    assert order["enterPointSource"] == "API" and order["orderSource"] == "normal" and order["cancelReason"] == ""
    assert (order["baseCoin"], order["quoteCoin"]) == ("BTC", "USDT")
    for name in ("price", "size", "priceAvg", "baseVolume", "quoteVolume", "cTime", "uTime"):
        assert isinstance(order[name], str) and NUMBER.fullmatch(order[name]), name
    detail = json.loads(order["feeDetail"])  # a JSON-encoded string, as ccxt parses it
    assert detail["BTC"]["feeCoinCode"] == "BTC" and detail["newFees"]["t"] == 0


def test_ids_increase_and_missing_client_oid_is_generated(api: Api, app: MockExchange) -> None:
    ids = [api.place(side="buy", orderType="limit", price=_below(app), size="0.001") for _ in range(5)]
    numbers = [int(p["orderId"]) for p in ids]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    for placed in ids:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", placed["clientOid"])
        assert api.order(placed["orderId"])["clientOid"] == placed["clientOid"]
        by_client = api.ok("GET", "/api/v2/spot/trade/orderInfo", f"clientOid={placed['clientOid']}")
        assert by_client[0]["orderId"] == placed["orderId"]


def test_market_buy_is_sized_in_quote_and_fills_at_once(api: Api) -> None:
    usdt_before, _ = api.asset("USDT")
    btc_before, _ = api.asset("BTC")
    placed = api.place(side="buy", orderType="market", size="1000")
    order = api.order(placed["orderId"])
    assert order["status"] == "filled" and order["price"] == "0" and order["size"] == "1000"
    assert order["orderSource"] == "market"
    spent = Decimal(order["quoteVolume"])
    got = Decimal(order["baseVolume"])
    assert Decimal("999") < spent <= 1000
    fee = got * Decimal("0.001")
    assert api.asset("USDT") == (usdt_before - spent, 0)
    assert api.asset("BTC") == (btc_before + got - fee, 0)
    assert json.loads(order["feeDetail"])["BTC"]["totalFee"] == float(-fee)
    fills = api.ok("GET", "/api/v2/spot/trade/fills", f"orderId={placed['orderId']}")
    assert fills and all(f["tradeScope"] == "taker" for f in fills)
    assert isinstance(fills[0]["feeDetail"], dict) and fills[0]["feeDetail"]["feeCoin"] == "BTC"
    assert sum(Decimal(f["size"]) for f in fills) == got
    assert all(re.fullmatch(r"[0-9]{18,19}", f["tradeId"]) for f in fills)


def test_cancel_by_order_id_and_by_client_oid_unfreezes(api: Api, app: MockExchange) -> None:
    price = _below(app)
    a = api.place(side="buy", orderType="limit", price=price, size="0.01")
    b = api.place(side="buy", orderType="limit", price=price, size="0.01", clientOid="second")
    frozen = Decimal(price) * Decimal("0.02")
    assert api.asset("USDT")[1] == frozen
    assert api.ok("POST", CANCEL, {"symbol": "BTCUSDT", "orderId": a["orderId"]})["orderId"] == a["orderId"]
    assert api.ok("POST", CANCEL, {"symbol": "BTCUSDT", "clientOid": "second"})["clientOid"] == "second"
    assert api.asset("USDT") == (Decimal("100000"), 0)
    cancelled = api.order(b["orderId"])
    assert cancelled["status"] == "cancelled" and cancelled["cancelReason"] == "normal_cancel"
    assert api.code("POST", CANCEL, {"symbol": "BTCUSDT", "orderId": a["orderId"]}) == "43001"
    assert api.code("POST", CANCEL, {"symbol": "BTCUSDT", "orderId": "1234567890123456789"}) == "43001"
    assert api.code("POST", CANCEL, {"symbol": "BTCUSDT"}) == "40019"


def test_cancel_symbol_order_cancels_only_that_symbol(api: Api, app: MockExchange) -> None:
    api.place(side="buy", orderType="limit", price=_below(app), size="0.01")
    api.place(symbol="ETHUSDT", side="buy", orderType="limit", price=_below(app, "0.0045"), size="0.1")
    path = "/api/v2/spot/trade/cancel-symbol-order"
    assert api.code("POST", path, {}) == "40019"
    assert api.ok("POST", path, {"symbol": "btcusdt"}) == {"symbol": "BTCUSDT"}
    open_orders = api.ok("GET", "/api/v2/spot/trade/unfilled-orders")
    assert [o["symbol"] for o in open_orders] == ["ETHUSDT"]
    assert api.code("POST", path, {"symbol": "NOPEUSDT"}) == "40034"


def test_batch_orders_partial_success_and_limit(api: Api, app: MockExchange) -> None:
    path = "/api/v2/spot/trade/batch-orders"
    good = {"side": "buy", "orderType": "limit", "force": "gtc", "price": _below(app), "size": "0.001"}
    items = [dict(good, clientOid="b1"), dict(good, size="0.0000001", clientOid="b2"),
             dict(good, clientOid="b1"), {"side": "sideways", "orderType": "limit", "size": "1"}, "junk"]
    data = api.ok("POST", path, {"symbol": "BTCUSDT", "orderList": items})
    assert [s["clientOid"] for s in data["successList"]] == ["b1"]
    assert [(f["clientOid"], f["errorCode"]) for f in data["failureList"]] == [
        ("b2", "40808"), ("b1", "43118"), ("", "40020"), ("", "40020")]
    assert all(set(f) == {"orderId", "clientOid", "errorMsg", "errorCode"} for f in data["failureList"])
    assert api.code("POST", path, {"symbol": "BTCUSDT", "orderList": [good] * 51}) == "40306"
    assert api.code("POST", path, {"symbol": "BTCUSDT", "orderList": []}) == "40019"
    multi = api.ok("POST", path, {"batchMode": "multiple", "orderList": [dict(good, symbol="BTCUSDT")]})
    assert len(multi["successList"]) == 1


@pytest.mark.parametrize(("body", "code"), [
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000.001", "size": "0.01"}, "40808"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "0.0000001"}, "40808"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "0.0001"}, "45110"),
    ({"side": "buy", "orderType": "market", "size": "0.5"}, "45110"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "1000"}, "43012"),
    ({"side": "sell", "orderType": "limit", "force": "gtc", "price": "100000", "size": "3"}, "43012"),
    ({"symbol": "NOPEUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "1"}, "40034"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "100", "clientOid": "x" * 51},
     "40304"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "1", "size": "100", "clientOid": "é测试 x"},
     "40304"),
    ({"side": "buy", "orderType": "limit", "force": "gtc", "size": "1"}, "40019"),
    ({"side": "buy", "orderType": "limit", "price": "1", "size": "100"}, "40019"),  # force is required
    ({"side": "buy", "orderType": "limit", "force": "gtc", "price": "-1", "size": "1"}, "40020"),
    ({"side": "buy", "orderType": "stop", "price": "1", "size": "1"}, "40020"),
    ({"side": "buy", "orderType": "limit", "force": "day", "price": "1", "size": "1"}, "40020"),
])
def test_bad_orders_get_their_code_and_change_nothing(api: Api, app: MockExchange, body: dict[str, str],
                                                       code: str) -> None:
    before = (api.asset("USDT"), api.asset("BTC"), app.services.exchange.ids.last)
    assert api.code("POST", PLACE, {"symbol": "BTCUSDT", **body}) == code
    assert (api.asset("USDT"), api.asset("BTC"), app.services.exchange.ids.last) == before
    assert api.ok("GET", "/api/v2/spot/trade/unfilled-orders") == []


def test_price_bands_and_duplicate_client_oid(api: Api, app: MockExchange) -> None:
    last = last_price(app)
    high = str((last * Decimal("1.06")).quantize(Decimal("0.01")))
    low = str((last * Decimal("0.94")).quantize(Decimal("0.01")))
    assert api.code("POST", PLACE, {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                    "price": high, "size": "0.001"}) == "43009"
    assert api.code("POST", PLACE, {"symbol": "BTCUSDT", "side": "sell", "orderType": "limit", "force": "gtc",
                                    "price": low, "size": "0.001"}) == "43008"
    placed = api.place(side="buy", orderType="limit", price=_below(app), size="0.001", clientOid="dup")
    api.ok("POST", CANCEL, {"symbol": "BTCUSDT", "orderId": placed["orderId"]})
    again = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "price": _below(app),
             "size": "0.001", "clientOid": "dup"}
    assert api.code("POST", PLACE, again) == "43118"  # closed orders keep their clientOid too


def test_permissions_writes_need_spot_trade_reads_need_read() -> None:
    app = make_app(accounts=seed_accounts(permissions=frozenset({"read"})))
    api = Api(app)
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "0.01"}
    for path in (PLACE, CANCEL, "/api/v2/spot/trade/batch-orders", "/api/v2/spot/trade/cancel-symbol-order"):
        answer = api.post(path, body)
        assert answer.json()["code"] == "40014" and "spot_trade" in answer.json()["msg"]
    for path in ("/api/v2/spot/trade/unfilled-orders", "/api/v2/spot/trade/history-orders",
                 "/api/v2/spot/trade/fills"):
        assert api.ok("GET", path) == []


def test_ccxt_captured_trading_requests_are_served() -> None:
    """ccxt's own bytes, signed for `bg_test_key`, replayed at their capture time."""
    lines = [json.loads(line) for line in CAPTURES.read_text(encoding="utf-8").splitlines()]
    wanted = {"/api/v2/spot/trade/place-order", "/api/v2/spot/trade/orderInfo", "/api/v2/spot/trade/cancel-order",
              "/api/v2/spot/trade/unfilled-orders", "/api/v2/spot/trade/cancel-symbol-order"}
    app = make_app(now_ms=NOW, rate_limits="off")
    api = Api(app)
    codes = []
    for line in lines:
        if line["path"] not in wanted:
            continue
        app.services.clock.set(line["t_recv_ms"])
        target = line["path"] + ("?" + line["raw_query"] if line["has_qmark"] else "")
        headers = {k: v for k, v in line["headers"] if k.lower() not in ("host", "content-length")}
        answer = api.client.request(line["method"], target, content=line["body"].encode("utf-8"), headers=headers)
        codes.append((line["path"], answer.json()["code"]))
    assert codes == [
        ("/api/v2/spot/trade/place-order", "00000"),  # force "GTC" in upper case
        ("/api/v2/spot/trade/orderInfo", "43001"),  # the capture's id is not one of ours
        ("/api/v2/spot/trade/cancel-order", "43001"),
        ("/api/v2/spot/trade/unfilled-orders", "00000"),
        ("/api/v2/spot/trade/unfilled-orders", "00000"),  # idLessThan, limit, startTime
        ("/api/v2/spot/trade/orderInfo", "40304"),  # a clientOid Bitget would never accept: 40304, as for placing
        ("/api/v2/spot/trade/cancel-symbol-order", "40019"),  # body {}: symbol is required
        ("/api/v2/spot/trade/place-order", "40304"),  # clientOid "é测试 x"
    ]


def test_resting_order_fills_as_the_admin_clock_advances(api: Api, app: MockExchange) -> None:
    book = api.ok("GET", "/api/v2/spot/market/orderbook", "symbol=BTCUSDT&limit=1")
    price = book["bids"][0][0]
    placed = api.place(side="buy", orderType="limit", price=price, size="0.01")
    assert api.order(placed["orderId"])["status"] == "live"
    market = app.services.exchange.market
    sym = market.symbol("BTCUSDT")
    start = api.now // 1000
    assert min(market.price(sym, s) for s in range(start + 1, start + 3601)) < Decimal(price)
    api.advance(3_600_000)
    order = api.order(placed["orderId"])
    assert order["status"] == "filled" and order["baseVolume"] == "0.01" and order["priceAvg"] == price
    fills = api.ok("GET", "/api/v2/spot/trade/fills", "symbol=BTCUSDT")
    assert [f["tradeScope"] for f in fills] == ["maker"]
    assert fills[0]["feeDetail"]["totalFee"] == "-0.00001"
    assert api.ok("GET", "/api/v2/spot/trade/unfilled-orders") == []
    assert [o["orderId"] for o in api.ok("GET", "/api/v2/spot/trade/history-orders")] == [placed["orderId"]]


def test_listing_params_are_validated_and_limits_bounded(api: Api, app: MockExchange) -> None:
    for _ in range(3):
        api.place(side="buy", orderType="limit", price=_below(app), size="0.001")
    path = "/api/v2/spot/trade/unfilled-orders"
    assert len(api.ok("GET", path, "limit=2")) == 2
    assert len(api.ok("GET", path, "limit=100")) == 3
    for query in ("limit=0", "limit=101", "limit=abc", "idLessThan=x", "startTime=5&endTime=1"):
        assert api.code("GET", path, query) == "40020", query
    assert api.code("GET", path, "symbol=NOPE") == "40034"
    assert api.code("GET", "/api/v2/spot/trade/orderInfo") == "40019"

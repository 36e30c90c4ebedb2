"""The schema language, and every endpoint's answer in a populated state against its declared schema."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.routes import ENDPOINTS
from mock_exchange.schema import (
    Bool,
    Enum,
    Int,
    IntStr,
    JsonStr,
    List,
    Map,
    MaybeEmpty,
    Nullable,
    Number,
    NumStr,
    Obj,
    Schema,
    Str,
    Tuple,
    validate,
    validate_answer,
)
from mock_exchange.views import plain

from .helpers import UID, make_app, seed_accounts
from .schema_support import READ_QUERIES, check_reads, reads, some_futures_plan_id, some_plan_id
from .trading_support import TRC20, Api

# -- the language -----------------------------------------------------------------------------------------


def test_mismatches_name_the_path_and_the_reason() -> None:
    schema = Obj({"a": List(Obj({"side": Enum("Buy", "Sell"), "price": NumStr}))})
    found = validate(schema, {"a": [{"side": "buy", "price": ""}], "b": 1})
    assert [str(m) for m in found] == [
        "$.a[0].side: expected one of ['Buy', 'Sell'], got 'buy'",
        "$.a[0].price: expected a decimal string, got ''",
        "$.b: not in the schema",
    ]
    assert [str(m) for m in validate(schema, {})] == ["$.a: missing"]


@pytest.mark.parametrize(("schema", "good", "bad"), [
    (NumStr, ["0", "-0.5", "900000000000000000000", "0.00000001"], ["", None, 1, "1e-8", "1.", ".5", " 1", "NaN"]),
    (IntStr, ["0", "1700000000000", "-1"], ["", None, 17, "1.0", "12a"]),
    (MaybeEmpty(NumStr), ["", "1.5"], [None, "x"]),
    (Nullable(NumStr), [None, "1.5"], ["", 1.5]),
    (Enum("Buy", "Sell"), ["Buy", "Sell"], ["buy", "SELL", None, ""]),
    (Int, [0, -3, 2**60], [True, 1.5, "1", None]),
    (Bool, [True, False], [0, "true", None]),
    (Number, [0, -0.5, 3], [True, "1", None]),
    (Str, ["", "x"], [None, 0, []]),
    (Tuple(NumStr, NumStr), [["1", "2"]], [["1"], ["1", "2", "3"], ["1", 2], {"0": "1"}]),
    (Map(NumStr), [{}, {"BTC": "1"}], [{"BTC": 1}, []]),
    (JsonStr(Obj({"r": Number})), ['{"r":-0.1}'], ['{"r":"x"}', "not json", {"r": 1}]),
    (Obj({"a": Str}, optional={"b": Int}), [{"a": ""}, {"a": "", "b": 1}], [{"b": 1}, {"a": "", "b": "1"}]),
])
def test_each_type_accepts_and_refuses(schema: Schema, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        assert validate(schema, value) == [], value
    for value in bad:
        assert validate(schema, value) != [], value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-10**12, max_value=10**12))
def test_every_plain_decimal_is_a_numstr(value: Decimal) -> None:
    assert validate(NumStr, format(value, "f")) == []


_SAMPLE = Obj({
    "n": NumStr, "i": IntStr, "e": MaybeEmpty(IntStr), "z": Nullable(Enum("a", "b")), "k": Int, "f": Bool,
    "t": Tuple(NumStr, Str), "l": List(Obj({"x": Str})), "m": Map(Number), "r": Obj({"c": Number}, rest=Bool),
}, optional={"o": Str})
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "1", "-2.5", "1e5", "a", "b", "x"]))
_JSON = st.recursive(_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                      st.dictionaries(st.sampled_from("cnezkftlmroxq"), inner,
                                                                      max_size=4)), max_leaves=12)
_FIELDS = st.fixed_dictionaries({k: _JSON for k in "niezkftlmr"}, optional={"o": _JSON, "q": _JSON})


@given(st.one_of(_JSON, _FIELDS))
def test_the_json_schema_form_accepts_exactly_what_the_validator_accepts(value: Any) -> None:
    """The OpenAPI description (JSON Schema) and the tests' validator come from one declaration: they agree."""
    accepted = jsonschema_rs.validator_for(_SAMPLE.json_schema()).is_valid(value)
    assert accepted == (validate(_SAMPLE, value) == [])


def test_a_json_string_is_described_with_its_content_schema() -> None:
    described = JsonStr(Obj({"r": Number})).json_schema()
    assert described["type"] == "string" and described["contentMediaType"] == "application/json"
    assert described["contentSchema"]["required"] == ["r"]


# -- every endpoint -----------------------------------------------------------------------------------------


def test_every_endpoint_declares_its_response_schema() -> None:
    assert [ep.path for ep in ENDPOINTS if ep.response is None] == []


def test_every_read_endpoint_has_a_query_for_the_checks() -> None:
    assert sorted(ep.path for ep in reads()) == sorted(READ_QUERIES)


Answers = list[tuple[str, Any]]
_T = "/api/v2/spot/trade/"
_LIMIT = {"orderType": "limit", "force": "gtc", "side": "buy"}
_M = "/api/v2/mix/"
_FUT = {"productType": "USDT-FUTURES", "symbol": "BTCUSDT", "marginCoin": "USDT"}
WRITES: list[tuple[str, dict[str, Any]]] = [
    (_T + "place-order", {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "500"}),
    (_T + "place-order", {"symbol": "BTCUSDT", "side": "sell", "orderType": "market", "size": "0.001"}),
    (_T + "place-order", {"symbol": "ETHUSDT", **_LIMIT, "price": "100", "size": "0.5", "clientOid": "gone1",
                          "presetTakeProfitPrice": "5000"}),
    (_T + "place-order", {"symbol": "SOLUSDT", **_LIMIT, "price": "1", "size": "10"}),
    (_T + "batch-orders", {"symbol": "SOLUSDT", "orderList": [{**_LIMIT, "price": "1", "size": "10"},
                                                              {**_LIMIT, "price": "-1", "size": "10"}]}),
    (_T + "cancel-order", {"symbol": "ETHUSDT", "clientOid": "gone1"}),
    (_T + "batch-cancel-order", {"symbol": "SOLUSDT", "orderList": [{"orderId": "1"}]}),
    (_T + "place-order", {"symbol": "ETHUSDT", **_LIMIT, "price": "100", "size": "0.5"}),
    (_T + "cancel-symbol-order", {"symbol": "SOLUSDT"}),
    ("/api/v2/spot/wallet/transfer", {"fromType": "spot", "toType": "usdt_futures", "coin": "USDT", "amount": "100"}),
    ("/api/v2/spot/wallet/withdrawal", {"coin": "USDT", "transferType": "on_chain", "chain": "TRC20",
                                        "address": TRC20, "size": "20"}),
    (_M + "account/set-position-mode", {"productType": "USDT-FUTURES", "posMode": "one_way_mode"}),
    (_M + "account/set-leverage", {**_FUT, "leverage": "10"}),
    (_M + "account/set-margin-mode", {**_FUT, "marginMode": "crossed"}),
    (_M + "order/place-order", {**_FUT, "marginMode": "crossed", "side": "buy", "orderType": "market",
                                "size": "0.01"}),
    (_M + "order/close-positions", {"productType": "USDT-FUTURES", "symbol": "BTCUSDT"}),
    (_M + "order/place-order", {**_FUT, "marginMode": "crossed", "side": "buy", "orderType": "market",
                                "size": "0.01"}),
    (_M + "order/place-order", {**_FUT, "marginMode": "crossed", "side": "buy", "orderType": "limit",
                                "force": "gtc", "price": "1000", "size": "0.01", "clientOid": "f1"}),
    (_M + "order/place-order", {**_FUT, "marginMode": "crossed", "side": "buy", "orderType": "limit",
                                "force": "gtc", "price": "1000", "size": "0.01", "clientOid": "f2"}),
    (_M + "order/modify-order", {**_FUT, "clientOid": "f2", "newClientOid": "f3", "newSize": "0.02",
                                 "newPrice": "1001"}),
    (_M + "order/cancel-order", {**_FUT, "clientOid": "f3"}),
    (_M + "order/batch-place-order", {**_FUT, "marginMode": "crossed", "orderList": [
        {"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "0.01", "clientOid": "f4"},
        {"side": "buy", "orderType": "limit", "force": "gtc", "price": "-1", "size": "0.01"}]}),
    (_M + "order/batch-cancel-orders", {**_FUT, "orderIdList": [{"clientOid": "f4"}]}),
    (_M + "order/place-plan-order", {**_FUT, "planType": "normal_plan", "marginMode": "crossed", "size": "0.01",
                                     "triggerPrice": "90000", "triggerType": "mark_price", "side": "buy",
                                     "orderType": "limit", "price": "89000", "clientOid": "p1",
                                     "stopLossTriggerPrice": "80000"}),
    (_M + "order/place-plan-order", {**_FUT, "planType": "normal_plan", "marginMode": "crossed", "size": "0.01",
                                     "triggerPrice": "30000", "triggerType": "fill_price", "side": "buy",
                                     "orderType": "market", "clientOid": "p2"}),
    (_M + "order/modify-plan-order", {**_FUT, "clientOid": "p1", "newTriggerPrice": "91000"}),
    (_M + "order/cancel-plan-order", {**_FUT, "orderIdList": [{"clientOid": "p2"}, {"orderId": "1"}]}),
    (_M + "order/place-tpsl-order", {**_FUT, "planType": "pos_profit", "triggerPrice": "90000", "holdSide": "buy",
                                     "clientOid": "t1"}),
    (_M + "order/place-pos-tpsl", {**_FUT, "stopLossTriggerPrice": "30000", "holdSide": "buy"}),
    (_M + "order/modify-tpsl-order", {**_FUT, "clientOid": "t1", "triggerPrice": "91000", "size": ""}),
]


def populate(api: Api) -> Answers:
    """Something in every history: fills, resting, cancelled and failed orders, a transfer, a withdrawal and
    a deposit. Returns the write endpoints' answers."""
    answers: Answers = []
    for path, body in WRITES:
        answer = api.post(path, body)
        data = answer.json()
        assert answer.status_code == 200 and data["code"] == "00000", (path, data)
        answers.append((path, data))
    deposit = api.client.post(f"/_mock/accounts/{UID}/deposits", json={"coin": "USDT", "size": "30"})
    assert deposit.status_code == 200, deposit.text
    for path, body in plan_writes(api):
        answer = api.post(path, body)
        data = answer.json()
        assert answer.status_code == 200 and data["code"] == "00000", (path, data)
        answers.append((path, data))
    api.advance(3_600_000)
    return answers


def plan_writes(api: Api) -> list[tuple[str, dict[str, Any]]]:
    """Plan orders in every state once the hour has passed: one the walk certainly reaches within 10 min
    (its trigger lies between the price now and the price then), one it never reaches (modified), one
    cancelled; and a cancel-replace. And a futures trigger order that fires the same way (plan-sub-order)."""
    fm = api.app.services.exchange.futures_market
    contract = fm.contract("USDT-FUTURES", "BTCUSDT")
    f_now, f_later = fm.last_price(contract, api.now), fm.last_price(contract, api.now + 600_000)
    f_trigger = plain(((f_now + f_later) / 2).quantize(contract.tick))
    market = api.app.services.exchange.market
    sym = market.symbol("BTCUSDT")
    now, later = market.price(sym, api.now // 1000), market.price(sym, api.now // 1000 + 600)
    trigger = plain(((now + later) / 2).quantize(sym.tick))
    plan = {"symbol": "BTCUSDT", "triggerType": "fill_price"}
    return [
        (_T + "place-plan-order", {**plan, "side": "buy", "orderType": "limit", "triggerPrice": trigger,
                                   "executePrice": trigger, "size": "0.001"}),
        (_T + "place-plan-order", {**plan, "side": "sell", "orderType": "market", "triggerPrice": "1000",
                                   "size": "0.01", "clientOid": "never1"}),
        (_T + "modify-plan-order", {"clientOid": "never1", "orderType": "market", "triggerPrice": "1001",
                                    "size": "0.02"}),
        (_T + "place-plan-order", {**plan, "side": "buy", "orderType": "market", "triggerPrice": "900000",
                                   "planType": "total", "size": "20", "clientOid": "gone2"}),
        (_T + "cancel-plan-order", {"clientOid": "gone2"}),
        (_T + "place-order", {"symbol": "BTCUSDT", **_LIMIT, "price": "50000", "size": "0.001",
                              "clientOid": "old1"}),
        (_T + "cancel-replace-order", {"symbol": "BTCUSDT", "clientOid": "old1", "price": "50001",
                                       "size": "0.002", "newClientOid": "new1"}),
        (_M + "order/place-plan-order", {**_FUT, "planType": "normal_plan", "marginMode": "crossed", "size": "0.01",
                                         "triggerPrice": f_trigger, "triggerType": "fill_price", "side": "buy",
                                         "tradeSide": "open", "orderType": "market", "clientOid": "fired1"}),
    ]


@pytest.fixture
def populated() -> Api:
    return Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))


def test_every_answer_in_a_populated_state_has_its_declared_shape(populated: Api) -> None:
    api = populated
    by_path = {ep.path: ep for ep in ENDPOINTS}
    for path, body in populate(api):
        response = by_path[path].response
        assert response is not None
        assert validate_answer(response, body) == [], path
    exchange, now = api.app.services.exchange, api.now
    assert check_reads(exchange, UID, now) == {}
    # and over HTTP, with every list holding something, so item schemas were exercised
    order = api.ok("GET", "/api/v2/spot/trade/unfilled-orders")[0]["orderId"]
    futures_order = api.ok("GET", "/api/v2/mix/order/orders-pending", "productType=USDT-FUTURES")
    futures_order = futures_order["entrustedList"][0]["orderId"]
    for ep in reads():
        query = READ_QUERIES[ep.path].format(now=now, start=now - 80 * 86_400_000, order=order,
                                             futures_order=futures_order, plan=some_plan_id(exchange, UID),
                                             futures_plan=some_futures_plan_id(exchange, UID))
        answer = api.get(ep.path, query)
        body = answer.json()
        assert answer.status_code == 200, body
        assert ep.response is not None
        assert validate_answer(ep.response, body) == [], ep.path
        assert body["data"] != [], ep.path


def test_an_answer_that_drifts_from_its_schema_is_caught(populated: Api) -> None:
    """The check can fail: a view that sends null where the schema wants a string is reported."""
    api = populated
    populate(api)
    ep = next(ep for ep in reads() if ep.path == "/api/v2/spot/trade/unfilled-orders")
    body = api.get(ep.path).json()
    body["data"][0]["presetStopLossPrice"] = None
    body["data"][0]["side"] = "Buy"
    assert ep.response is not None
    found = {m.path for m in validate_answer(ep.response, json.loads(json.dumps(body)))}
    assert found == {"$.data[0].presetStopLossPrice", "$.data[0].side"}

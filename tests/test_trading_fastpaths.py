"""The place-order hot path's shortcuts agree with their plain definitions, and history stays bounded.

Each cheap form (client ids, id steps, decimal formatting and parsing, precision checks) is checked
against the straightforward code it replaced; the order and fill stores against leaks and cycles.
"""

from __future__ import annotations

import gc
import random
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mock_exchange.app import MockExchange
from mock_exchange.clock import ManualClock
from mock_exchange.errors import BitgetError, invalid
from mock_exchange.request import ApiRequest
from mock_exchange.routes import mix_order, spot_plans, spot_trade
from mock_exchange.routes.spot_trade import _parse_order, parse_order
from mock_exchange.state.accounts import parse_amount
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.orders import CANCELLED, IdIndex, IdSequence, Order, fresh_client_oid, new_client_oid
from mock_exchange.state.trading import Limits, OrderSpec, decimal_places, more_places
from mock_exchange.views import plain

from .helpers import NOW, UID, seed_accounts
from .trading_support import Api, last_price

DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=8),
    st.builds(lambda digits, exp: Decimal(digits).scaleb(exp), st.integers(-10**40, 10**40), st.integers(-45, 45)),
)
AMOUNT_TEXT = st.one_of(
    st.text(alphabet="0123456789.eE+-_ \t\n\u3000\x1c", max_size=40),  # whitespace: Decimal's to strip
    DECIMALS.map(str),
    DECIMALS.map(lambda d: format(d, "f")),
    st.floats(),
    st.integers(),
)


def _exchange(**limits: int) -> tuple[Exchange, ManualClock]:
    clock = ManualClock(NOW)
    return Exchange(clock, 42, seed_accounts(), Limits(**limits)), clock


def _parse_amount_by_definition(value: Any, name: str) -> Decimal:
    """parse_amount as first written: every bound checked on the decimal's digits."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise invalid(name)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(name) from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 30 or not isinstance(exponent, int) \
            or -exponent > 30:
        raise invalid(name)
    return amount


def _outcome(parse: Any, value: Any) -> tuple[str, str]:
    try:
        return "ok", str(parse(value, "size"))
    except BitgetError as exc:
        return "error", exc.code


# -- the cheap forms against their definitions --------------------------------------------------
def mutated(valid: Any, fields: Any, values: Any) -> Any:
    """Valid bodies with a few fields changed or removed: every branch of a fast path's conditions."""
    return st.builds(
        lambda base, changed, removed: {k: v for k, v in {**base, **changed}.items() if k not in removed},
        valid, st.dictionaries(fields, values, max_size=3), st.sets(fields, max_size=2))


ORDER_VALUES = st.sampled_from([
    "", " ", None, True, 7, 1.5, float("nan"), ["buy"], {"a": 1}, "x" * 300, "abc", "-1", "0", "1e3", "0.02", "100",
    "buy", "sell", "BUY", "limit", "market", "LIMIT", "gtc", "ioc", "post_only", "IOC", "normal", "tpsl", "none",
    "BTCUSDT", "btcusdt", "oid-1", "bad oid",
])
ORDER_FIELDS = st.sampled_from(["symbol", "side", "orderType", "force", "size", "price", "clientOid", "tpslType",
                                 "stpMode", "presetTakeProfitPrice", "other"])
VALID_ORDERS = st.sampled_from([
    {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "size": "0.02", "price": "100"},
    {"symbol": "ETHUSDT", "side": "sell", "orderType": "limit", "force": "ioc", "size": "1", "price": "2000"},
    {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "10"},
    {"symbol": "BTCUSDT", "side": "sell", "orderType": "market", "force": "fok", "size": "0.5", "clientOid": "a-1"},
])
ORDER_PARAMS = mutated(VALID_ORDERS, ORDER_FIELDS, ORDER_VALUES)


def _order_outcome(parse: Any, params: dict[str, Any], symbol: str | None) -> Any:
    req = ApiRequest("POST", "/p", b"/p", b"", b"", {}, "127.0.0.1", NOW)
    req._params = params
    try:
        return parse(req, symbol)
    except BitgetError as exc:
        return (exc.code, exc.msg)


@settings(max_examples=600)
@given(ORDER_PARAMS, st.sampled_from([None, "BTCUSDT"]))
def test_the_order_parser_fast_path_answers_as_the_full_parser(params: dict[str, Any], symbol: str | None) -> None:
    assert _order_outcome(parse_order, params, symbol) == _order_outcome(_parse_order, params, symbol)


FUTURES_VALUES = st.sampled_from([
    "", " ", None, True, 7, 1.5, ["buy"], {"a": 1}, "x" * 300, "abc", "-1", "0", "1e3", "0.01", "1000",
    "buy", "sell", "Buy", "limit", "market", "Limit", "gtc", "ioc", "post_only", "GTC", "open", "close", "Open",
    "yes", "no", "YES", "crossed", "isolated", "Crossed", "USDT-FUTURES", "usdt-futures", "SUSDT-FUTURES",
    "COIN-FUTURES", "BTCUSDT", "USDT", "oid-1", "bad oid",
])
FUTURES_FIELDS = st.sampled_from(["symbol", "productType", "marginCoin", "marginMode", "side", "tradeSide",
                                  "orderType", "force", "size", "price", "clientOid", "reduceOnly", "stpMode",
                                  "presetStopLossPrice", "other"])
VALID_FUTURES = st.sampled_from([
    {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
     "side": "buy", "tradeSide": "open", "orderType": "limit", "force": "ioc", "price": "1000", "size": "0.01"},
    {"symbol": "ETHUSDT", "productType": "SUSDT-FUTURES", "marginCoin": "USDT", "marginMode": "isolated",
     "side": "sell", "orderType": "market", "size": "1", "reduceOnly": "yes", "clientOid": "a-1"},
    {"symbol": "BTCUSD", "productType": "COIN-FUTURES", "marginCoin": "BTC", "marginMode": "crossed",
     "side": "buy", "tradeSide": "close", "orderType": "limit", "price": "20000", "size": "5"},
])
FUTURES_PARAMS = mutated(VALID_FUTURES, FUTURES_FIELDS, FUTURES_VALUES)


@settings(max_examples=600)
@given(FUTURES_PARAMS)
@example({"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
          "side": "buy", "orderType": "limit", "price": "x", "size": "-1", "clientOid": "bad oid"})  # which error first
@example({"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
          "side": "buy", "orderType": "market", "size": "1", "price": ["x"], "clientOid": "bad oid"})
def test_the_futures_order_parser_fast_path_answers_as_the_full_parser(params: dict[str, Any]) -> None:
    assert _order_outcome(lambda req, _: mix_order.parse_order(req), params, None) == \
        _order_outcome(lambda req, _: mix_order._parse_order(req), params, None)


PLAN_VALUES = st.sampled_from([
    "", " ", None, True, 7, 1.5, ["buy"], {"a": 1}, "x" * 300, "abc", "-1", "0", "1e3", "20", "0.001", "900000",
    "buy", "sell", "SELL", "limit", "market", "Market", "amount", "total", "TOTAL", "fill_price", "mark_price",
    "market_price", "Fill_Price", "gtc", "ioc", "post_only", "IOC", "none", "BTCUSDT", "oid-1", "bad oid",
])
PLAN_FIELDS = st.sampled_from(["symbol", "side", "triggerPrice", "orderType", "executePrice", "planType", "size",
                               "triggerType", "force", "clientOid", "stpMode", "other"])
VALID_PLANS = st.sampled_from([
    {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "planType": "total", "size": "20",
     "triggerPrice": "900000", "triggerType": "fill_price"},
    {"symbol": "ETHUSDT", "side": "sell", "orderType": "limit", "executePrice": "2000", "force": "ioc",
     "size": "1", "triggerPrice": "1900", "triggerType": "mark_price", "clientOid": "p-1"},
    {"symbol": "BTCUSDT", "side": "sell", "orderType": "market", "planType": "amount", "size": "0.5",
     "triggerPrice": "100", "triggerType": "market_price", "executePrice": ""},
])
PLAN_PARAMS = mutated(VALID_PLANS, PLAN_FIELDS, PLAN_VALUES)


@settings(max_examples=600)
@given(PLAN_PARAMS)
@example({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "executePrice": "x", "size": "-1",
          "triggerPrice": "0", "triggerType": "fill_price", "clientOid": "bad oid"})  # which error first
@example({"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "executePrice": "7", "size": "1",
          "triggerPrice": "1", "triggerType": "fill_price"})  # a market plan's executePrice: read, not used
def test_the_plan_parser_fast_path_answers_as_the_full_parser(params: dict[str, Any]) -> None:
    assert _order_outcome(lambda req, _: spot_plans.parse_plan(req), params, None) == \
        _order_outcome(lambda req, _: spot_plans._parse_plan(req), params, None)


def test_the_common_plan_order_takes_the_fast_path(monkeypatch: Any) -> None:
    """The bench's plan and ccxt's shapes (lower-case enums, string values) never reach the full parser."""
    def full(*_: Any) -> Any:
        raise AssertionError("the full parser was used")

    monkeypatch.setattr(spot_plans, "_parse_plan", full)
    for params in ({"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "planType": "total", "size": "20",
                    "triggerPrice": "900000", "triggerType": "fill_price"},
                   {"symbol": "BTCUSDT", "side": "sell", "orderType": "limit", "executePrice": "101", "size": "0.01",
                    "triggerPrice": "100", "triggerType": "mark_price", "force": "gtc", "clientOid": "x-1"}):
        spec = _order_outcome(lambda req, _: spot_plans.parse_plan(req), params, None)
        assert spec.symbol == "BTCUSDT" and spec.trigger_price == Decimal(params["triggerPrice"])


@given(st.sampled_from(["buy", "sell"]), st.sampled_from(["gtc", "ioc", "fok", "post_only"]),
       st.sampled_from(["0.02", "1", "100.5"]), st.sampled_from([None, "oid-1"]))
def test_the_common_order_shapes_parse_alike(side: str, force: str, amount: str, oid: str | None) -> None:
    limit = {"symbol": "BTCUSDT", "side": side, "orderType": "limit", "force": force, "size": amount, "price": amount}
    market = {"symbol": "BTCUSDT", "side": side, "orderType": "market", "size": amount}
    for params in (limit, market, {**market, "force": force}):
        if oid is not None:
            params["clientOid"] = oid
        fast = _order_outcome(parse_order, params, None)
        assert isinstance(fast, OrderSpec) and fast == _order_outcome(_parse_order, params, None)


@given(DECIMALS)
def test_plain_is_normalize_without_exponent(value: Decimal) -> None:
    expected = format(value.normalize(), "f")
    assert plain(value) == (expected if expected != "-0" else "0")


@given(DECIMALS, st.integers(0, 20))
def test_more_places_counts_like_decimal_places(value: Decimal, places: int) -> None:
    assert more_places(value, places) == (decimal_places(value) > places)


@given(AMOUNT_TEXT)
def test_parse_amount_accepts_and_refuses_as_its_definition(value: Any) -> None:
    assert _outcome(parse_amount, value) == _outcome(_parse_amount_by_definition, value)


def test_client_oids_are_the_uuid4_text_of_the_same_bits() -> None:
    ours, reference = random.Random(7), random.Random(7)
    for _ in range(2000):
        oid = new_client_oid(ours)
        assert oid == str(uuid.UUID(int=reference.getrandbits(128), version=4))
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", oid)


def test_fresh_client_oids_are_new_client_oids_skipping_the_taken() -> None:
    ours, reference = random.Random(9), random.Random(9)
    taken: set[str] = set()
    for i in range(500):
        expected = new_client_oid(reference)
        if i % 7 == 3:  # taken already: the next draw is the answer
            taken.add(expected)
            expected = new_client_oid(reference)
        oid = fresh_client_oid(ours, taken)
        assert oid == expected and oid not in taken
        taken.add(oid)


def test_id_steps_are_those_randrange_draws() -> None:
    ids, reference = IdSequence(random.Random(11)), random.Random(11)
    last = 1_100_000_000_000_000_000 + reference.randrange(10**15)
    for _ in range(5000):
        last += 1 + reference.randrange(4096)
        assert ids.next() == last


# -- stores ---------------------------------------------------------------------------------------
def test_a_discarded_id_added_again_is_listed_once() -> None:
    index: IdIndex[str] = IdIndex()
    for key in (5, 9):
        index.add(key, f"v{key}")
    index.discard(5)
    index.add(5, "again")
    assert list(index.newest(None)) == ["v9", "again"] and index.oldest() == "again"


def test_an_ioc_order_goes_straight_to_the_closed_orders() -> None:
    ex, clock = _exchange()
    order = ex.trading.place(UID, OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.01"), "ioc", Decimal("100")),
                             clock.now_ms())
    orders = ex.trading.orders_of(UID)
    assert order.status == CANCELLED and order.frozen == 0
    assert orders.open.all._ids == [] and len(orders.open) == 0  # never entered, not even for a moment
    assert orders.find(order.oid) is order and orders.by_client[order.client_oid] is order


def test_pruned_orders_and_fills_are_freed_without_the_cycle_collector() -> None:
    ex, clock = _exchange(max_closed_orders=20)
    gc.collect()
    gc.disable()
    try:
        for i in range(200):
            order = ex.trading.place(UID, OrderSpec("BTCUSDT", "buy", "market", Decimal("50"), client_oid=f"m{i}"),
                                     clock.now_ms())
            assert order.fills and not any(isinstance(r, Order) for r in gc.get_referents(order.fills[0]))
        orders = ex.trading.orders_of(UID)
        assert len(orders.closed) <= 28 and len(orders.fills) <= 28
        del order
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert unreachable == 0  # what pruning dropped went with its last reference


def test_an_expired_order_that_closed_late_is_still_pruned_first() -> None:
    ex, clock = _exchange(retention_ms=3_600_000)
    rests = ex.trading.place(UID, OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.01"), "gtc", Decimal("50000")),
                             clock.now_ms())
    clock.advance(1_800_000)
    ioc = OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.01"), "ioc", Decimal("50000"))
    later = ex.trading.place(UID, ioc, clock.now_ms())
    ex.trading.cancel(UID, None, str(rests.oid), None, clock.now_ms())  # closes now, placed an hour ago
    clock.advance(1_800_001)  # the resting order is past retention, the later one is not
    ex.trading.place(UID, ioc, clock.now_ms())
    orders = ex.trading.orders_of(UID)
    assert orders.find(rests.oid) is None and rests.client_oid not in orders.by_client
    assert orders.find(later.oid) is later


# -- over HTTP ------------------------------------------------------------------------------------
def test_take_profit_and_stop_loss_prices_are_kept_as_given(app: MockExchange) -> None:
    api = Api(app)
    price = str((last_price(app) * Decimal("0.9")).quantize(Decimal("0.01")))
    placed = api.place(side="buy", orderType="limit", price=price, size="0.001",
                       presetTakeProfitPrice="99000.50", presetStopLossPrice=80000)
    shown = api.ok("GET", "/api/v2/spot/trade/unfilled-orders", "symbol=BTCUSDT")
    view = next(o for o in shown if o["orderId"] == placed["orderId"])
    assert view["presetTakeProfitPrice"] == "99000.5" and view["presetStopLossPrice"] == "80000"
    assert view["executeTakeProfitPrice"] == "" and view["executeStopLossPrice"] == ""  # unset: "", never null
    bad = api.post("/api/v2/spot/trade/place-order", {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit",
                                                      "force": "gtc", "price": price, "size": "0.001",
                                                      "executeStopLossPrice": "-1"})
    assert bad.json()["code"] == "40020"
    assert len(api.ok("GET", "/api/v2/spot/trade/unfilled-orders", "symbol=BTCUSDT")) == len(shown)


@given(st.text(min_size=1, max_size=12).filter(lambda name: name not in spot_trade._FAST_FIELDS))
def test_a_field_outside_the_fast_path_allowlist_goes_the_full_way(name: str) -> None:
    """An allowlist, not a denylist: a field the fast path does not read (one added later included) is never
    skipped; the order goes through the full parser, which validates it."""
    params = {"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc", "size": "1", "price": "100",
              name: "x"}
    seen: list[dict[str, Any]] = []

    def full(req: ApiRequest, symbol: str | None = None) -> str:
        seen.append(req.params)
        return "full"

    original = spot_trade._parse_order
    spot_trade._parse_order = full  # type: ignore[assignment]
    try:
        assert _order_outcome(spot_trade.parse_order, params, None) == "full"
    finally:
        spot_trade._parse_order = original
    assert seen == [params]


def test_the_common_futures_order_takes_the_fast_path(monkeypatch: Any) -> None:
    """What ccxt-less bots send (lower-case enums, string values) never reaches the full parser."""
    def full(*_: Any) -> Any:
        raise AssertionError("the full parser was used")

    monkeypatch.setattr(mix_order, "_parse_order", full)
    for params in ({"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
                    "side": "buy", "tradeSide": "open", "orderType": "limit", "force": "gtc", "price": "1000",
                    "size": "0.01", "clientOid": "x-1"},
                   {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "isolated",
                    "side": "sell", "orderType": "market", "size": "0.01", "reduceOnly": "yes"}):
        spec = _order_outcome(lambda req, _: mix_order.parse_order(req), params, None)
        assert spec.symbol == "BTCUSDT" and spec.size == Decimal("0.01")

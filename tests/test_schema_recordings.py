"""Real answers (tests/recordings/, each with its source) against the mock's answer in an equivalent state:
the same keys at every level and the same JSON types, except the differences each recording lists with
its reason (docs/responses.md says which source won where they disagree)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mock_exchange.routes import ENDPOINTS

from .helpers import UID, make_app, seed_accounts
from .recording_coverage import recorded, unrecorded
from .schema_support import some_futures_plan_id, some_plan_id
from .test_schema import populate
from .trading_support import Api

RECORDINGS = sorted((Path(__file__).parent / "recordings").glob("*.json"))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object", type(None): "null"}[type(value)]


def shape_differences(real: Any, mock: Any, path: str = "$") -> set[str]:
    """Paths where the two differ in keys or JSON type (lists: their first items compared)."""
    if _kind(real) != _kind(mock):
        return {path}
    if isinstance(real, dict):
        out = {f"{path}.{k}" for k in real.keys() ^ mock.keys()}
        for k in real.keys() & mock.keys():
            out |= shape_differences(real[k], mock[k], f"{path}.{k}")
        return out
    if isinstance(real, list) and real and mock:
        return shape_differences(real[0], mock[0], f"{path}[0]")
    return set()


def test_the_comparison_sees_keys_and_types() -> None:
    assert shape_differences({"a": [{"b": "1", "c": 1}]}, {"a": [{"b": None, "d": 1}]}) == {
        "$.a[0].b", "$.a[0].c", "$.a[0].d"}
    assert shape_differences({"a": ""}, {"a": "0"}) == set()  # "" and "0" are both strings: same shape


def _ids(api: Api) -> dict[str, Any]:
    """What a recording's query may name: {now}, {start} (80 days back), {order} (a spot order),
    {futures_order} (a BTCUSDT one: recordings trade ETHUSDT too), {plan} (a spot plan, one that fired first),
    {futures_plan} (a USDT-FUTURES trigger order, one that fired first)."""
    now = api.now
    spot = api.ok("GET", "/api/v2/spot/trade/history-orders")[0]["orderId"]
    futures = api.ok("GET", "/api/v2/mix/order/orders-history",
                     "productType=USDT-FUTURES&symbol=BTCUSDT")["entrustedList"][0]
    return {"now": now, "start": now - 80 * 86_400_000, "order": spot, "futures_order": futures["orderId"],
            "plan": some_plan_id(api.app.services.exchange, UID),
            "futures_plan": some_futures_plan_id(api.app.services.exchange, UID)}


@pytest.fixture(scope="module")
def answers() -> Api:
    api = Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))
    populate(api)
    return api


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda p: p.stem)
def test_the_mock_answers_in_the_recorded_shape(recording: Path, answers: Api) -> None:
    rec = json.loads(recording.read_text())
    assert rec["source"] and rec["body"]["code"] == "00000"
    for path, body in rec.get("before", []):  # writes that make the equivalent state (an order to cancel)
        done = answers.post(path, body).json()
        assert done["code"] == "00000", (path, done)
    if rec["method"] == "POST":
        answer = answers.post(rec["path"], rec["request"])
    else:
        answer = answers.get(rec["path"], rec["query"].format(**_ids(answers)))
    mock = answer.json()
    assert answer.status_code == 200 and mock["code"] == "00000", mock
    assert mock["data"] not in ([], None)  # something to compare: lists hold at least one item
    found = shape_differences(rec["body"]["data"], mock["data"], "$.data")
    assert found == set(rec["allowed"]), {"unexplained": found - set(rec["allowed"]),
                                          "no longer different": set(rec["allowed"]) - found}


def test_every_recording_is_of_a_served_endpoint() -> None:
    served = {(ep.method, ep.path) for ep in ENDPOINTS}
    assert set(recorded()) <= served


def test_every_served_endpoint_has_a_recording() -> None:
    """A new endpoint comes with a real answer or Bitget's doc example (docs/adding-an-endpoint.md)."""
    assert unrecorded() == []


# -- values the shape comparison cannot see ("" and "0" are both strings) -----------------------------------


def test_an_unfilled_futures_order_has_no_average_price(answers: Api) -> None:
    """`priceAvg` is "" until something fills: the real orders-pending answer (JKorf's GetOpenOrders2,
    tests/recordings/mix_orders_pending.json) and ccxt's recorded live order in its parseOrder comment."""
    pending = answers.ok("GET", "/api/v2/mix/order/orders-pending", "productType=USDT-FUTURES")["entrustedList"]
    unfilled = [o for o in pending if o["baseVolume"] == "0"]
    assert unfilled and {o["priceAvg"] for o in unfilled} == {""}
    detail = answers.ok("GET", "/api/v2/mix/order/detail",
                        f"productType=USDT-FUTURES&symbol={unfilled[0]['symbol']}&orderId={unfilled[0]['orderId']}")
    assert detail["priceAvg"] == ""
    filled = answers.ok("GET", "/api/v2/mix/order/orders-history", "productType=USDT-FUTURES")["entrustedList"]
    assert all(o["priceAvg"] != "" for o in filled if o["baseVolume"] != "0")


def test_ccxt_reads_a_closed_positions_times(answers: Api) -> None:
    """history-position sends `ctime`/`utime` in lower case, as both real answers do (JKorf's 2024-07 fixture,
    ccxt's 2023-11 comment); ccxt takes lastUpdateTimestamp from `utime` alone, so `uTime` left it empty."""
    import ccxt

    [closed, *_] = answers.ok("GET", "/api/v2/mix/position/history-position", "productType=USDT-FUTURES")["list"]
    market = {"id": closed["symbol"], "symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT",
              "spot": False, "swap": True, "contract": True, "linear": True, "contractSize": 1, "precision": {}}
    parsed = ccxt.bitget().parse_position(closed, market)
    assert parsed["timestamp"] == int(closed["ctime"]) and parsed["lastUpdateTimestamp"] == int(closed["utime"])


def test_isolated_unrealized_pnl_is_empty_without_an_isolated_position() -> None:
    """Both real mix/account/account answers (crossed, nothing isolated: tests/recordings/mix_account*.json)
    send isolatedUnrealizedPL "" and crossedUnrealizedPL "0"; once an isolated position is open it is a number."""
    api = Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))
    fut = {"productType": "USDT-FUTURES", "symbol": "ETHUSDT", "marginCoin": "USDT"}
    api.ok("POST", "/api/v2/spot/wallet/transfer",
           {"fromType": "spot", "toType": "usdt_futures", "coin": "USDT", "amount": "1000"})

    def pnl() -> set[tuple[str, str]]:
        one = api.ok("GET", "/api/v2/mix/account/account", "productType=USDT-FUTURES&symbol=ETHUSDT&marginCoin=USDT")
        [listed] = api.ok("GET", "/api/v2/mix/account/accounts", "productType=USDT-FUTURES")
        return {(a["crossedUnrealizedPL"], a["isolatedUnrealizedPL"]) for a in (one, listed)}

    assert pnl() == {("0", "")}
    api.ok("POST", "/api/v2/mix/account/set-margin-mode", {**fut, "marginMode": "isolated"})
    api.ok("POST", "/api/v2/mix/order/place-order", {**fut, "marginMode": "isolated", "side": "buy",
                                                      "tradeSide": "open", "orderType": "market", "size": "0.1"})
    [(cross, iso)] = pnl()
    assert cross == "0" and iso != "" and Decimal(iso) == Decimal(
        api.ok("GET", "/api/v2/mix/position/all-position", "productType=USDT-FUTURES")[0]["unrealizedPL"])

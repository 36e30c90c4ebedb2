"""Retries, backoff, clientOid recovery and time sync, on scripted transports and virtual time."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import httpx
import pytest

from client import DuplicateClientOidError, RateLimitError, RetryPolicy, ServerError, TimestampError
from client.core import Engine, Send, Sleep

from .client_support import Script, err, ok, scripted_client
from .helpers import VirtualTime

PLACE = "/api/v2/spot/trade/place-order"
INFO = "/api/v2/spot/trade/orderInfo"
TIME = "/api/v2/public/time"


def test_429_waits_for_retry_after() -> None:
    script = Script(err("429", "Too Many Requests", 429, {"Retry-After": "3"}), ok([]))
    vt = VirtualTime()
    with scripted_client(script, vt) as c:
        assert c.tickers() == []
    assert vt.slept == [3.0]


def test_429_exponential_backoff_with_jitter_then_rate_limit_error() -> None:
    script = Script(*[err("429", "Too Many Requests", 429) for _ in range(4)])
    vt = VirtualTime()
    policy = RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=8)
    with scripted_client(script, vt, retry=policy, rng=random.Random(1)) as c, pytest.raises(RateLimitError):
        c.tickers()
    assert len(script.requests) == 4
    assert len(vt.slept) == 3
    for n, delay in enumerate(vt.slept):
        cap = 0.5 * 2**n
        assert cap / 2 <= delay <= cap


def test_too_long_retry_after_gives_up_at_once() -> None:
    script = Script(err("429", "Too Many Requests", 429, {"Retry-After": "300"}))
    vt = VirtualTime()
    with scripted_client(script, vt) as c, pytest.raises(RateLimitError) as info:
        c.tickers()
    assert info.value.retry_after == 300 and vt.slept == []


def test_429_on_a_post_is_retried_since_it_was_never_executed() -> None:
    script = Script(err("429", "Too Many Requests", 429), ok({"orderId": "1", "clientOid": None}))
    with scripted_client(script, VirtualTime()) as c:
        assert c.cancel_order("BTCUSDT", order_id="1")["orderId"] == "1"
    assert len(script.requests) == 2


def test_5xx_retried_for_get_not_for_post_without_client_oid() -> None:
    script = Script(err("40015", "System is abnormal", 500), ok([{"symbol": "BTCUSDT"}]))
    with scripted_client(script, VirtualTime()) as c:
        assert c.tickers("BTCUSDT") == [{"symbol": "BTCUSDT"}]
    assert len(script.requests) == 2

    script = Script(err("40015", "System is abnormal", 500))
    with scripted_client(script, VirtualTime()) as c, pytest.raises(ServerError):
        c.transfer("spot", "usdt_futures", 10, "USDT")
    assert len(script.requests) == 1


def test_5xx_retried_for_post_with_client_oid() -> None:
    script = Script(err("40015", "System is abnormal", 503), ok({"transferId": "7", "clientOid": "t1"}))
    with scripted_client(script, VirtualTime()) as c:
        assert c.transfer("spot", "usdt_futures", 10, "USDT", client_oid="t1")["transferId"] == "7"
    assert [json.loads(r.content)["clientOid"] for r in script.requests] == ["t1", "t1"]


def test_place_order_after_a_dropped_connection_returns_the_order_that_landed() -> None:
    script = Script(httpx.ReadTimeout("timed out"),
                    ok([{"orderId": "123", "clientOid": "abc", "status": "live"}]))
    with scripted_client(script, VirtualTime()) as c:
        result = c.place_order("BTCUSDT", "buy", "limit", "0.001", "20000", client_oid="abc")
    assert result == {"orderId": "123", "clientOid": "abc"}
    assert script.paths() == [PLACE, INFO]  # asked, found, never placed twice
    assert script.requests[1].url.params["clientOid"] == "abc"


def test_place_order_places_again_when_the_lookup_finds_nothing() -> None:
    script = Script(httpx.RemoteProtocolError("dropped"), err("43001", "The order does not exist"),
                    ok({"orderId": "9", "clientOid": "abc"}))
    with scripted_client(script, VirtualTime()) as c:
        assert c.place_order("BTCUSDT", "buy", "limit", "0.001", "20000", client_oid="abc")["orderId"] == "9"
    assert script.paths() == [PLACE, INFO, PLACE]
    assert script.requests[0].content == script.requests[2].content  # the same clientOid, the same order


def test_place_order_duplicate_after_ambiguity_means_it_landed() -> None:
    script = Script(err("45001", "Unknown error", 502), ok([]), err("43118", "clientOrderId duplicate"),
                    ok([{"orderId": "5", "clientOid": "abc"}]))
    with scripted_client(script, VirtualTime()) as c:
        assert c.place_order("BTCUSDT", "buy", "limit", "1", "2", client_oid="abc") == {"orderId": "5",
                                                                                           "clientOid": "abc"}
    assert script.paths() == [PLACE, INFO, PLACE, INFO]


def test_duplicate_without_ambiguity_is_raised() -> None:
    script = Script(err("43118", "clientOrderId duplicate"))
    with scripted_client(script, VirtualTime()) as c, pytest.raises(DuplicateClientOidError):
        c.place_order("BTCUSDT", "buy", "limit", "1", "2", client_oid="abc")


def test_place_order_generates_a_valid_client_oid() -> None:
    script = Script(ok({"orderId": "1", "clientOid": "x"}))
    with scripted_client(script, VirtualTime(), rng=random.Random(3)) as c:
        c.place_order("BTCUSDT", "sell", "market", 1)
    body = json.loads(script.requests[0].content)
    assert len(body["clientOid"]) == 32 and body["clientOid"].isalnum()
    assert body == {"symbol": "BTCUSDT", "side": "sell", "orderType": "market", "force": "gtc", "size": "1",
                    "clientOid": body["clientOid"]}


def _time(server_ms: int, vt: VirtualTime, round_trip_ms: int = 0) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        vt.advance(round_trip_ms)
        return ok({"serverTime": str(server_ms)})
    return answer


def test_sync_time_uses_the_midpoint_of_the_round_trip() -> None:
    vt = VirtualTime(start=1_000_000)
    script = Script(_time(1_045_100, vt, round_trip_ms=200))  # sent at 1_000_000, answered at 1_000_200
    with scripted_client(script, vt) as c:
        assert c.sync_time() == 45_000
        assert c.time_offset_ms == 45_000


def test_40008_resyncs_and_retries_once_with_server_time() -> None:
    vt = VirtualTime(start=1_000_000)
    script = Script(err("40008", "Request timestamp expired"), _time(1_045_000, vt), ok([]))
    with scripted_client(script, vt) as c:
        assert c.assets() == []
    assert script.paths() == ["/api/v2/spot/account/assets", TIME, "/api/v2/spot/account/assets"]
    assert script.requests[0].headers["ACCESS-TIMESTAMP"] == "1000000"
    assert script.requests[2].headers["ACCESS-TIMESTAMP"] == "1045000"
    assert "ACCESS-SIGN" not in script.requests[1].headers  # the time probe is public


def test_a_second_40008_is_raised() -> None:
    vt = VirtualTime()
    script = Script(err("40008", "Request timestamp expired"), _time(vt.now(), vt),
                    err("40008", "Request timestamp expired"))
    with scripted_client(script, vt) as c, pytest.raises(TimestampError):
        c.assets()
    assert len(script.requests) == 3


def test_paptrading_header_except_on_the_time_probe() -> None:
    vt = VirtualTime()
    script = Script(_time(vt.now(), vt), ok([]))
    with scripted_client(script, vt, paptrading=True) as c:
        c.sync_time()
        c.tickers()
    assert "paptrading" not in script.requests[0].headers
    assert script.requests[1].headers["paptrading"] == "1"


def test_a_flow_can_be_stepped_without_any_io() -> None:
    engine = Engine("https://api.bitget.com", None, clock=lambda: 0, pacer=None, retry=RetryPolicy(),
                    rng=random.Random(0), headers={}, paptrading=False)
    flow = engine.call("GET", "/api/v2/spot/market/tickers", {"symbol": "BTCUSDT"})
    effect = next(flow)
    assert isinstance(effect, Send) and effect.auth is None
    assert str(effect.request.url) == "https://api.bitget.com/api/v2/spot/market/tickers?symbol=BTCUSDT"
    effect = flow.send(err("429", "Too Many Requests", 429, {"Retry-After": "1"}))
    assert effect == Sleep(1.0)
    assert isinstance(flow.send(None), Send)
    with pytest.raises(StopIteration) as done:
        flow.send(ok(["t"]))
    assert done.value.value == ["t"]

"""Arbitrary junk in headers, query and body never yields a 500 or a non-envelope body."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from .helpers import API_KEY, NOW, PASSPHRASE, asgi_call, make_app, signed_headers

APP = make_app()
PATHS = [
    "/api/v2/spot/account/assets", "/api/v2/spot/account/info", "/api/v2/public/time",
    "/api/v2/spot/market/tickers", "/api/v2/spot/market/orderbook", "/api/v2/spot/market/candles",
    "/api/v2/spot/market/fills", "/api/v2/spot/public/coins", "/api/v2/spot/public/symbols",
    "/api/v2/mix/market/contracts", "/api/v2/margin/currencies", "/api/v2/spot/trade/place-order",
    "/api/v2/spot/trade/batch-orders", "/api/v2/spot/trade/cancel-order", "/api/v2/spot/wallet/transfer",
    "/api/v2/spot/wallet/withdrawal", "/api/v2/spot/trade/orderInfo", "/api/v2/spot/trade/fills",
    "/nope", "/api/v3/account/settings", "/",
]
HEADER_NAMES = ["ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE", "Content-Type",
                "Content-Length", "locale", "paptrading", "X-CHANNEL-API-CODE"]
junk_bytes = st.binary(max_size=64)
plausible = st.sampled_from([API_KEY.encode(), PASSPHRASE.encode(), str(NOW).encode(), b"application/json", b""])


def _assert_envelope(status: int, body: bytes) -> None:
    assert status != 500 and status != 0
    doc = json.loads(body)
    assert set(doc) == {"code", "msg", "requestTime", "data"}
    assert isinstance(doc["code"], str) and isinstance(doc["requestTime"], int)


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    path=st.sampled_from(PATHS),
    query=st.one_of(junk_bytes, st.just(b"symbol=BTCUSDT&limit=abc&granularity=%FF%00")),
    headers=st.lists(st.tuples(st.sampled_from(HEADER_NAMES), st.one_of(junk_bytes, plausible)), max_size=8),
    body=st.one_of(junk_bytes, st.just(b'{"symbol": ["x"], "size": {"a": 1}}'), st.just(b"[1,2]"),
                   st.just(b'{"a":"\\ud800"}'), st.just(b"\xff\xfe{}")),
)
def test_junk_never_breaks_the_envelope(method: str, path: str, query: bytes, headers: list[tuple[str, bytes]],
                                        body: bytes) -> None:
    raw = [(name.lower().encode(), value.replace(b"\r", b"").replace(b"\n", b"")) for name, value in headers]
    r = asyncio.run(asgi_call(APP, method, path, query, raw, body))
    _assert_envelope(r.status, r.body)


@given(params=st.dictionaries(st.sampled_from(["symbol", "limit", "granularity", "startTime", "endTime", "type",
                                                "coin", "productType"]),
                              st.text(max_size=30), max_size=6),
       path=st.sampled_from(PATHS[2:11]))
def test_odd_parameters_on_public_endpoints(params: dict[str, str], path: str) -> None:
    from urllib.parse import urlencode

    r = asyncio.run(asgi_call(APP, "GET", path, urlencode(params).encode()))
    _assert_envelope(r.status, r.body)
    assert r.status in (200, 400, 404, 429)


def test_huge_body_is_refused_without_parsing() -> None:
    big = b'{"a":"' + b"x" * (2 << 20) + b'"}'
    r = asyncio.run(asgi_call(APP, "POST", "/api/v2/spot/trade/place-order", b"",
                              [(b"content-length", str(len(big)).encode())], big))
    _assert_envelope(r.status, r.body)
    assert json.loads(r.body)["code"] == "40017"


def test_huge_body_is_40017_before_routing() -> None:
    big = b"x" * ((1 << 20) + 1)
    r = asyncio.run(asgi_call(APP, "POST", "/no/such/path", b"", [], big))
    assert (r.status, json.loads(r.body)["code"]) == (400, "40017")


ORDER = b'{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'


def _signed_post(body: bytes) -> list[tuple[bytes, bytes]]:
    headers = signed_headers("POST", "/api/v2/spot/trade/place-order", body=body.decode())
    return [(k.encode(), v.encode()) for k, v in headers.items()]


@given(st.lists(st.integers(0, len(ORDER)), max_size=4))
def test_a_body_in_several_messages_is_read_whole_and_verifies(cuts: list[int]) -> None:
    edges = [0, *sorted(cuts), len(ORDER)]
    chunks = [ORDER[a:b] for a, b in itertools.pairwise(edges)]
    r = asyncio.run(asgi_call(make_app(), "POST", "/api/v2/spot/trade/place-order", b"", _signed_post(ORDER),
                              chunks=chunks))
    assert (r.status, r.json()["code"]) == (200, "00000"), r.body


def test_a_body_over_the_limit_in_several_messages_is_40017() -> None:
    app = make_app(max_body_bytes=64)
    chunks = [ORDER[:40], ORDER[40:80], ORDER[80:]]
    r = asyncio.run(asgi_call(app, "POST", "/api/v2/spot/trade/place-order", b"", _signed_post(ORDER), chunks=chunks))
    assert (r.status, r.json()["code"]) == (400, "40017")
    assert r.json()["data"] is None and len(app.services.exchange.trading.orders_of("1000000001").closed) == 0


def test_a_client_gone_mid_body_gets_no_answer_and_changes_nothing() -> None:
    app = make_app()
    messages = [{"type": "http.request", "body": ORDER[:10], "more_body": True}, {"type": "http.disconnect"}]
    sent: list[Any] = []

    async def receive() -> Any:
        return messages.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/v2/spot/trade/place-order",
             "raw_path": b"/api/v2/spot/trade/place-order", "query_string": b"", "headers": _signed_post(ORDER),
             "client": ("127.0.0.1", 5000)}
    asyncio.run(app(scope, receive, send))
    assert sent == [] and app.services.journal.newest(1)[0]["status"] is None
    assert len(app.services.exchange.trading.orders_of("1000000001").closed) == 0


def test_header_names_in_capitals_from_a_hand_built_scope_still_verify() -> None:
    signed = signed_headers("GET", "/api/v2/spot/account/assets")
    headers = [(k.upper().encode(), v.encode()) for k, v in signed.items()]
    scope = {"type": "http", "method": "GET", "path": "/api/v2/spot/account/assets",
             "raw_path": b"/api/v2/spot/account/assets", "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 5000)}
    sent: list[Any] = []

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(make_app()(scope, receive, send))
    assert sent[0]["status"] == 200 and json.loads(sent[1]["body"])["code"] == "00000"

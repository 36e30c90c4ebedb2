"""Property tests of signature verification (hypothesis): whatever a correct client signs verifies;
any single change fails with the right code; the timestamp window is exactly +/-30 000 ms inclusive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.auth import verify
from mock_exchange.errors import BitgetError
from mock_exchange.request import ApiRequest
from mock_exchange.state.accounts import AccountStore

from .helpers import API_KEY, NOW, PASSPHRASE, SECRET, call, make_app, sign
from .strategies import json_bodies, paths, query_strings


def _store() -> AccountStore:
    import random

    from mock_exchange.state.accounts import ApiKey

    store = AccountStore(random.Random(1))
    store.create_account(NOW, "1")
    store.add_fixed_key("1", ApiKey(API_KEY, "1", PASSPHRASE, frozenset({"read", "spot_trade"}), secret=SECRET))
    return store


STORE = _store()


def _request(method: str, path: str, query: bytes, body: bytes, ts: int, sig: str,
             passphrase: str = PASSPHRASE, now: int = NOW) -> ApiRequest:
    headers = {b"access-key": API_KEY.encode(), b"access-sign": sig.encode("latin-1"),
               b"access-timestamp": str(ts).encode(), b"access-passphrase": passphrase.encode("latin-1"),
               b"content-type": b"application/json"}
    return ApiRequest(method, path, path.encode(), query, body, headers, "127.0.0.1", now)


def _code(req: ApiRequest) -> str:
    try:
        verify(req, STORE, 30_000, "read")
    except BitgetError as exc:
        return exc.code
    return "00000"


def _prehash(ts: int, method: str, path: str, query: bytes, body: bytes) -> bytes:
    return str(ts).encode() + method.encode() + path.encode() + (b"?" + query if query else b"") + body


methods = st.sampled_from(["GET", "POST"])
offsets = st.integers(-30_000, 30_000)


@given(method=methods, path=paths, query=query_strings(), body=json_bodies(), offset=offsets)
def test_any_correctly_signed_request_verifies(method: str, path: str, query: bytes, body: bytes, offset: int) -> None:
    ts = NOW + offset
    sig = sign(SECRET, _prehash(ts, method, path, query, body))
    assert _code(_request(method, path, query, body, ts, sig)) == "00000"


@given(path=paths, query=query_strings(), offset=offsets)
def test_signature_over_decoded_query_verifies(path: str, query: bytes, offset: int) -> None:
    """ccxt signs the unencoded query and sends it percent-encoded: accepted, like the real exchange."""
    from urllib.parse import unquote_to_bytes

    ts = NOW + offset
    sig = sign(SECRET, _prehash(ts, "GET", path, unquote_to_bytes(query), b""))
    assert _code(_request("GET", path, query, b"", ts, sig)) == "00000"


@given(method=methods, path=paths, query=query_strings(), body=json_bodies(),
       part=st.sampled_from(["ts", "method", "path", "query", "body", "secret", "passphrase"]))
def test_changing_any_single_part_fails(method: str, path: str, query: bytes, body: bytes, part: str) -> None:
    ts = NOW
    sig = sign(SECRET, _prehash(ts, method, path, query, body))
    if part == "ts":
        req = _request(method, path, query, body, ts + 1, sig)
    elif part == "method":
        req = _request("POST" if method == "GET" else "GET", path, query, body, ts, sig)
    elif part == "path":
        req = _request(method, path + "x", query, body, ts, sig)
    elif part == "query":
        req = _request(method, path, query + b"&z=1" if query else b"z=1", body, ts, sig)
    elif part == "body":
        req = _request(method, path, query, body + b" ", ts, sig)
    elif part == "secret":
        req = _request(method, path, query, body, ts, sign(SECRET + "x", _prehash(ts, method, path, query, body)))
    else:
        req = _request(method, path, query, body, ts, sig, passphrase=PASSPHRASE + "x")
    assert _code(req) == ("40012" if part == "passphrase" else "40009")


@given(pairs=st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from("123")), min_size=2, max_size=5,
                      unique_by=lambda p: p[0]))
def test_reordered_query_is_refused(pairs: list[tuple[str, str]]) -> None:
    sent = "&".join(f"{k}={v}" for k, v in pairs).encode()
    signed = "&".join(f"{k}={v}" for k, v in reversed(pairs)).encode()
    sig = sign(SECRET, _prehash(NOW, "GET", "/p", signed, b""))
    assert _code(_request("GET", "/p", sent, b"", NOW, sig)) == "40009"


@given(offset=st.integers(-120_000, 120_000))
def test_timestamp_window_is_inclusive_30s(offset: int) -> None:
    ts = NOW + offset
    sig = sign(SECRET, _prehash(ts, "GET", "/p", b"", b""))
    expected = "00000" if abs(offset) <= 30_000 else "40008"
    assert _code(_request("GET", "/p", b"", b"", ts, sig)) == expected


def test_timestamp_window_edges_through_the_app() -> None:
    app = make_app()
    path = "/api/v2/spot/account/info"
    for i, (offset, code) in enumerate([(30_000, "00000"), (-30_000, "00000"), (30_001, "40008"),
                                        (-30_001, "40008")]):
        now = NOW + i * 1_000  # account/info is 1/s: each call in its own second
        app.services.clock.set(now)
        ts = now + offset
        headers = {"ACCESS-KEY": API_KEY, "ACCESS-SIGN": sign(SECRET, f"{ts}GET{path}"),
                   "ACCESS-TIMESTAMP": str(ts), "ACCESS-PASSPHRASE": PASSPHRASE}
        assert call(app, "GET", path, headers=headers).code == code, offset

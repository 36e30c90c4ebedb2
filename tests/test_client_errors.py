"""The client's typed errors: one table of codes, and clear transport errors for anything that is not an envelope."""

from __future__ import annotations

import httpx
import pytest

import client.errors as errors_module
from client import (
    AuthenticationError,
    BadParameterError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    DuplicateClientOidError,
    InsufficientBalanceError,
    OrderNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimestampError,
)
from client.core import interpret
from client.errors import ERROR_CLASSES, api_error

from .client_support import Script, err, ok, scripted_client
from .helpers import VirtualTime

EXPECTED = {
    AuthenticationError: ["40001", "40002", "40003", "40005", "40006", "40009", "40011", "40012", "40037"],
    PermissionDeniedError: ["40014", "40018"],
    RateLimitError: ["429"],
    TimestampError: ["40008", "40004"],
    InsufficientBalanceError: ["43012", "40754"],
    OrderNotFoundError: ["43001", "40109", "40768"],
    BadParameterError: ["40017", "40019", "40020", "40034", "40808", "45110", "43008", "43009", "43118", "40304"],
    DuplicateClientOidError: ["43118"],
    ServerError: ["40015", "40200"],
}


@pytest.mark.parametrize(("cls", "code"), [(cls, code) for cls, codes in EXPECTED.items() for code in codes])
def test_code_table(cls: type[BitgetAPIError], code: str) -> None:
    error = api_error(code, "some msg", 400)
    assert isinstance(error, cls)
    assert (error.code, error.msg, error.http_status) == (code, "some msg", 400)


def test_unknown_codes_fall_back_on_http_status() -> None:
    assert type(api_error("99999", "x", 400)) is BitgetAPIError
    assert isinstance(api_error("99999", "x", 503), ServerError)
    assert isinstance(api_error("99999", "x", 429), RateLimitError)
    assert isinstance(api_error("99999", "x", 401), AuthenticationError)
    assert isinstance(api_error("99999", "x", 403), PermissionDeniedError)


def test_hierarchy_is_drawn_in_the_docstring() -> None:
    doc = errors_module.__doc__ or ""
    for cls in {BitgetError, BitgetTransportError, BitgetAPIError, *ERROR_CLASSES.values()}:
        assert cls.__name__ in doc
        assert issubclass(cls, BitgetError)


def _response(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=content, headers=headers,
                          request=httpx.Request("GET", "https://h/api/v2/spot/account/assets"))


@pytest.mark.parametrize(("status", "content"), [
    (200, b"<html>oops</html>"),
    (502, b"Bad Gateway"),
    (200, b""),
    (200, b"[1, 2]"),
    (200, b'{"msg": "no code"}'),
    (200, b'{"code": true, "data": 1}'),
    (200, b'{"code": "00000", "msg": "success"}'),  # no data
    (500, b'{"code": "00000", "data": null}'),  # success code with a failure status
    (200, b"\xff\xfe\x00"),
])
def test_anything_but_an_envelope_is_a_transport_error(status: int, content: bytes) -> None:
    with pytest.raises(BitgetTransportError) as info:
        interpret(_response(status, content))
    assert info.value.http_status == status
    assert "GET /api/v2/spot/account/assets" in str(info.value)


def test_error_envelope_becomes_typed_error() -> None:
    content = b'{"code":"43012","msg":"Insufficient balance","requestTime":1,"data":null}'
    with pytest.raises(InsufficientBalanceError) as info:
        interpret(_response(400, content))
    assert (info.value.code, info.value.msg, info.value.http_status) == ("43012", "Insufficient balance", 400)


def test_bare_429_is_a_rate_limit_error_with_retry_after() -> None:
    with pytest.raises(RateLimitError) as info:
        interpret(_response(429, b"Too Many Requests", {"Retry-After": "2"}))
    assert info.value.retry_after == 2.0


def test_numeric_code_is_read_as_string() -> None:
    with pytest.raises(ServerError) as info:
        interpret(_response(500, b'{"code": 40015, "msg": "System is abnormal", "data": null}'))
    assert info.value.code == "40015"
    with pytest.raises(BitgetAPIError) as other:  # only "00000" is success
        interpret(_response(200, b'{"code": 0, "msg": "x", "data": 1}'))
    assert other.value.code == "0"


def test_dropped_connection_on_a_post_without_client_oid_is_one_clear_error() -> None:
    script = Script(httpx.RemoteProtocolError("Server disconnected without sending a response."))
    with scripted_client(script, VirtualTime()) as c, pytest.raises(BitgetTransportError) as info:
        c.cancel_order("BTCUSDT", order_id="1")
    assert len(script.requests) == 1  # not retried: it may have been executed
    assert info.value.sent is True
    assert "POST https://api.bitget.com/api/v2/spot/trade/cancel-order" in str(info.value)


def test_refused_connection_is_retried_even_for_a_post() -> None:
    script = Script(httpx.ConnectError("refused"), ok({"orderId": "1", "clientOid": None}))
    vt = VirtualTime()
    with scripted_client(script, vt) as c:
        assert c.cancel_order("BTCUSDT", order_id="1") == {"orderId": "1", "clientOid": None}
    assert len(script.requests) == 2 and len(vt.slept) == 1


def test_refused_connection_gives_up_with_a_transport_error() -> None:
    script = Script(*[httpx.ConnectError("refused") for _ in range(4)])
    with scripted_client(script, VirtualTime()) as c, pytest.raises(BitgetTransportError) as info:
        c.server_time()
    assert info.value.sent is False
    assert "could not connect" in str(info.value)
    assert len(script.requests) == 4


def test_malformed_server_time_is_a_transport_error_not_a_key_error() -> None:
    script = Script(ok({"time": "1"}))
    with scripted_client(script, VirtualTime()) as c, pytest.raises(BitgetTransportError):
        c.sync_time()


def test_private_call_without_credentials_fails_before_sending() -> None:
    from client import BitgetClient

    script = Script()
    with BitgetClient(transport=httpx.MockTransport(script)) as c, pytest.raises(ValueError, match="private"):
        c.assets()
    assert script.requests == []


def test_final_api_errors_are_not_retried() -> None:
    script = Script(err("40009", "sign signature error"))
    with scripted_client(script, VirtualTime()) as c, pytest.raises(AuthenticationError):
        c.assets()
    assert len(script.requests) == 1

"""Private socket login exactly as documented: seconds timestamp, `ts + "GET" + "/user/verify"`, HMAC or
RSA, REST's key, passphrase, IP and window rules; numeric codes; a failed login closes."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from websockets.exceptions import ConnectionClosed

from mock_exchange.ws.login import VERIFY_PATH

from .helpers import API_KEY, NOW, PASSPHRASE, SECRET, sign
from .ws_support import Mock, login, running_mock, send, subscribe

ORDERS = {"instType": "SPOT", "channel": "orders", "instId": "default"}


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


def test_spec_vector() -> None:
    # docs/rules.md#test-vectors: secret mock-secret-0123456789abcdef, prehash 1538054050GET/user/verify
    assert VERIFY_PATH == b"GET/user/verify"
    assert sign("mock-secret-0123456789abcdef", "1538054050GET/user/verify") == \
        "3o8Y6/HFJc0xhKGltYm/xiGXKQ35pNZ2VhgMjkYkVTU="


def test_login_then_private_subscribe(mock: Mock) -> None:
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now()) == {"event": "login", "code": 0, "msg": ""}
        assert subscribe(ws, ORDERS) == [{"event": "subscribe", "arg": ORDERS}]


@pytest.mark.parametrize("timestamp", [lambda s: s, lambda s: str(s), lambda s: str(s + 30), lambda s: str(s - 30),
                                       lambda s: s + 60])
def test_timestamp_as_string_or_number_within_the_window(mock: Mock, timestamp: Any) -> None:
    with mock.ws(private=True) as ws:
        assert login(ws, timestamp=timestamp(mock.now() // 1000))["code"] == 0


def _refused(mock: Mock, code: int, **kwargs: Any) -> None:
    with mock.ws(private=True) as ws:
        reply = login(ws, mock.now(), **kwargs)
        assert reply["event"] == "error" and reply["code"] == code and "arg" not in reply
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_unknown_key_30011(mock: Mock) -> None:
    _refused(mock, 30011, api_key="bg_nobody")


def test_wrong_passphrase_30012(mock: Mock) -> None:
    _refused(mock, 30012, passphrase="wrong")


@pytest.mark.parametrize("timestamp", ["abc", "", "12.5", str(NOW), True, -5, [1]])
def test_bad_timestamp_30013(mock: Mock, timestamp: Any) -> None:
    # milliseconds (13 digits) are the usual mistake: refused like any other bad value
    _refused(mock, 30013, timestamp=timestamp)


@pytest.mark.parametrize("offset", [-31, 61, 3600])
def test_timestamp_outside_the_window_30014(mock: Mock, offset: int) -> None:
    _refused(mock, 30014, timestamp=str(mock.now() // 1000 + offset))


def test_bad_sign_30015(mock: Mock) -> None:
    _refused(mock, 30015, secret="not-the-secret")


def test_whitelisted_key_from_another_ip_is_refused(mock: Mock) -> None:
    key = mock.admin("POST", "/accounts/1000000001/api-keys", {"permissions": ["spot_trade"], "ips": ["10.1.2.3"]})
    _refused(mock, 30005, api_key=key["apiKey"], secret=key["secretKey"], passphrase=key["passphrase"])


def test_rsa_key_login(mock: Mock) -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    key = mock.admin("POST", "/accounts/1000000001/api-keys", {"permissions": ["spot_trade"], "publicKey": pem})
    ts = str(mock.now() // 1000)
    signature = base64.b64encode(private.sign(f"{ts}GET/user/verify".encode(), padding.PKCS1v15(),
                                              hashes.SHA256())).decode()
    with mock.ws(private=True) as ws:
        send(ws, {"op": "login", "args": [{"apiKey": key["apiKey"], "passphrase": key["passphrase"],
                                           "timestamp": ts, "sign": signature}]})
        assert json.loads(ws.recv(timeout=5)) == {"event": "login", "code": 0, "msg": ""}


def test_private_subscribe_before_login_30004_keeps_the_connection(mock: Mock) -> None:
    with mock.ws(private=True) as ws:
        assert subscribe(ws, ORDERS) == [{"event": "error", "arg": ORDERS, "code": 30004,
                                          "msg": "User needs to log in"}]
        assert login(ws, mock.now())["code"] == 0


def test_login_on_the_public_endpoint_is_an_illegal_request(mock: Mock) -> None:
    with mock.ws() as ws:
        assert login(ws, mock.now())["code"] == 30002
        ws.send("ping")
        assert ws.recv(timeout=5) == "pong"


def test_journal_records_socket_events_without_secrets(mock: Mock) -> None:
    mock.admin("DELETE", "/journal")
    with mock.ws(private=True) as ws:
        login(ws, mock.now())
        subscribe(ws, ORDERS)
    with mock.ws(private=True) as ws:
        login(ws, mock.now(), passphrase="wrong")
    text = json.dumps(mock.admin("GET", "/journal"))
    assert SECRET not in text and PASSPHRASE not in text and "wrong" not in text
    entries = [e for e in mock.admin("GET", "/journal")["entries"] if e["method"] == "WS"]
    verdicts = [(e["ws"], e["code"]) for e in reversed(entries) if e["ws"] == "login"]
    assert verdicts == [("login", "0"), ("login", "30012")]
    assert {e["ws"] for e in entries} >= {"connect", "login", "subscribe"}
    assert all(e["key"] in (None, API_KEY) for e in entries)

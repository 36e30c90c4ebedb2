"""The socket endpoints on the REST server and port: keep-alive, bad frames, and every connection limit
on the server's (manual) clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from mock_exchange.errors import WS_ERRORS, WsError
from mock_exchange.ws.protocol import parse, topic_of

from .ws_support import BOOKS, TICKER, Mock, no_connections, running_mock, send, subscribe, until_pong


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


def closed_with(ws: Any, code: int) -> list[Any]:
    """Everything received until the server closed the connection with `code`."""
    out = []
    with pytest.raises(ConnectionClosed) as info:
        while True:
            out.append(ws.recv(timeout=5))
    assert info.value.rcvd is not None and info.value.rcvd.code == code
    return out


def test_ping_answers_text_pong_on_both_endpoints(mock: Mock) -> None:
    for private in (False, True):
        with mock.ws(private) as ws:
            ws.send("ping")
            assert ws.recv(timeout=5) == "pong"
    assert mock.admin("GET", "/health") == {"status": "ok"}  # REST on the same port


@pytest.mark.parametrize(("frame", "code"), [
    ("not json", 30016), ("[1, 2]", 30016), ('"text"', 30016), ("{}", 30016), ('{"op": 5}', 30016),
    ('{"op": "dance", "args": []}', 30003), ('{"op": "subscribe"}', 30016), ('{"op": "subscribe", "args": []}', 30016),
    ('{"op": "subscribe", "args": {"a": 1}}', 30016), ('{"op": "login", "args": []}', 30016),
    (b"\x00binary", 30016), ("PING", 30016),
])
def test_bad_frames_get_an_error_event_and_keep_the_connection(mock: Mock, frame: Any, code: int) -> None:
    with mock.ws() as ws:
        ws.send(frame)
        assert json.loads(ws.recv(timeout=5)) == {"event": "error", "code": code, "msg": WS_ERRORS[code]}
        ws.send("ping")
        assert ws.recv(timeout=5) == "pong"


@pytest.mark.parametrize("arg", [
    {"instType": "SPOT", "channel": "ticker"},  # no instId
    {"instType": "SPOT", "instId": "BTCUSDT"},  # no channel
    {"channel": "ticker", "instId": "BTCUSDT"},  # no instType
    {"instType": 1, "channel": "ticker", "instId": "BTCUSDT"},
    {"instType": "SPOT", "channel": "ticker", "instId": ["BTCUSDT"]},
    "ticker",
])
def test_malformed_args_get_30016_carrying_the_arg(mock: Mock, arg: Any) -> None:
    with mock.ws() as ws:
        got = subscribe(ws, arg, TICKER)
        assert got[0] == {"event": "error", "arg": arg, "code": 30016, "msg": "Param error"}
        assert got[1] == {"event": "subscribe", "arg": TICKER}  # the good arg in the same request still works


@pytest.mark.parametrize("arg", [
    {"instType": "SPOT", "channel": "tickers", "instId": "BTCUSDT"},
    {"instType": "SPOT", "channel": "ticker", "instId": "NOPEUSDT"},
    {"instType": "SP", "channel": "ticker", "instId": "BTCUSDT"},  # v1 instType
    {"instType": "SPOT", "channel": "candle7m", "instId": "BTCUSDT"},
    {"instType": "SPOT", "channel": "books50", "instId": "BTCUSDT"},
])
def test_unknown_channels_get_30001_with_the_arg(mock: Mock, arg: dict[str, str]) -> None:
    with mock.ws() as ws:
        (event,) = subscribe(ws, arg)
        assert event["event"] == "error" and event["code"] == 30001 and event["arg"] == arg
        where = f"instType:{arg['instType']},channel:{arg['channel']},instId:{arg['instId']}"
        assert event["msg"] == f"{where} doesn't exist"


def test_acks_echo_the_arg_exactly_as_sent(mock: Mock) -> None:
    arg = {"channel": "Ticker", "instId": "btcusdt", "instType": "spot"}
    with mock.ws() as ws:
        ack, snapshot = subscribe(ws, arg)
        assert ack == {"event": "subscribe", "arg": arg} and list(ack["arg"]) == list(arg)
        assert snapshot["arg"] == arg and snapshot["data"][0]["instId"] == "BTCUSDT"
        send(ws, {"op": "unsubscribe", "args": [arg]})
        assert until_pong(ws) == [{"event": "unsubscribe", "arg": arg}]


def test_eleventh_message_in_a_second_gets_30007_and_a_close() -> None:
    with running_mock(messages="10") as m, m.ws() as ws:
        for _ in range(10):
            ws.send("ping")
        ws.send("ping")
        got = closed_with(ws, 1008)
        assert got[:10] == ["pong"] * 10
        assert json.loads(got[10]) == {"event": "error", "code": 30007, "msg": "Request over limit,connection close"}
        with m.ws() as again:  # the window is per connection
            again.send("ping")
            assert again.recv(timeout=5) == "pong"


def test_the_message_window_moves_with_the_server_clock() -> None:
    with running_mock(messages="3") as m, m.ws() as ws:
        for _ in range(3):
            ws.send("ping")
            assert ws.recv(timeout=5) == "pong"
        m.advance(1000)  # the half-open window (t - 1000, t] has forgotten them
        for _ in range(3):
            ws.send("ping")
            assert ws.recv(timeout=5) == "pong"


def test_subscriptions_per_window_and_channels_per_connection() -> None:
    with running_mock(subscribes="3", channels="2", idle_ms=str(10**9)) as m, m.ws() as ws:
        first = subscribe(ws, TICKER, BOOKS, {**TICKER, "instId": "ETHUSDT"})
        assert [e.get("event") for e in first if "event" in e] == ["subscribe", "subscribe", "error"]
        assert first[-1] == {"event": "error", "arg": {**TICKER, "instId": "ETHUSDT"}, "code": 30006,
                             "msg": "Request too many"}
        send(ws, {"op": "unsubscribe", "args": [BOOKS]})
        until_pong(ws)
        sol = {**TICKER, "instId": "SOLUSDT"}
        assert subscribe(ws, sol)[0] == {"event": "subscribe", "arg": sol}  # the 3rd counted this hour
        send(ws, {"op": "unsubscribe", "args": [sol]})
        until_pong(ws)
        (refused,) = subscribe(ws, BOOKS)  # a channel is free, but 3 subscribes were used this hour
        assert refused == {"event": "error", "arg": BOOKS, "code": 30006, "msg": "Request too many"}
        m.advance(60_000 * 60)  # an hour on: the subscribe window has room again
        assert [e for e in subscribe(ws, BOOKS) if "event" in e] == [{"event": "subscribe", "arg": BOOKS}]


def test_connections_and_attempts_per_ip() -> None:
    with running_mock(connections="2", attempts="4") as m:
        with m.ws() as a, m.ws() as b:
            with m.ws() as c:
                got = closed_with(c, 1008)
                assert json.loads(got[0])["code"] == 30006
            for ws in (a, b):
                ws.send("ping")
                assert ws.recv(timeout=5) == "pong"
        no_connections(m)
        with m.ws() as d:  # 4th attempt: admitted (two closed)
            d.send("ping")
            assert d.recv(timeout=5) == "pong"
        no_connections(m)
        with m.ws() as e:  # 5th attempt in the window: refused
            assert json.loads(closed_with(e, 1008)[0])["code"] == 30006
        m.advance(5 * 60_000)
        with m.ws() as f:
            f.send("ping")
            assert f.recv(timeout=5) == "pong"


def test_idle_cut_after_two_minutes_without_ping(mock: Mock) -> None:
    with mock.ws() as quiet, mock.ws() as chatty:
        for _ in range(3):
            mock.advance(40_000)
            chatty.send("ping")
            assert chatty.recv(timeout=5) == "pong"
        closed_with(quiet, 1001)
        chatty.send("ping")
        assert chatty.recv(timeout=5) == "pong"


def test_lifetime_cut_after_24_hours() -> None:
    with running_mock(idle_ms=str(10**9)) as m, m.ws() as ws:
        m.advance(24 * 3600 * 1000 - 1)
        ws.send("ping")
        assert ws.recv(timeout=5) == "pong"
        m.advance(1)
        closed_with(ws, 1001)


def test_oversized_frame_closes_with_1009() -> None:
    with running_mock(frame_bytes="1000") as m, m.ws() as ws:
        ws.send(json.dumps({"op": "subscribe", "args": [TICKER] * 20}))
        closed_with(ws, 1009)


def test_a_bad_frame_changes_no_state(mock: Mock) -> None:
    mock.admin("POST", "/reset")
    before = mock.admin("GET", "/accounts")
    with mock.ws(private=True) as ws:
        for frame in ("{", '{"op":"subscribe","args":[{"instType":"SPOT","channel":"orders","instId":"default"}]}',
                      '{"op":"login","args":[{"apiKey":1}]}'):
            ws.send(frame)
    assert mock.admin("GET", "/accounts") == before


@settings(max_examples=40, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["op", "args", "instType", "channel", "instId", "coin", "apiKey", "x"]),
                        inner, max_size=4), max_leaves=12))
def test_any_json_gets_a_documented_answer(value: Any) -> None:
    try:
        request = parse(json.dumps(value))
        for arg in getattr(request, "args", ()):
            try:
                topic_of(arg)
            except WsError as exc:
                assert exc.code in WS_ERRORS and exc.arg is arg
    except WsError as exc:
        assert exc.code in WS_ERRORS and exc.arg is None

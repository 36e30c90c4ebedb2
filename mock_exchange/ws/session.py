"""What one inbound frame does: the message-rate check, then ping, login or (un)subscribe, each answer
queued on the connection. Every bad frame gets an error event (or, for the rate and size limits and a
failed login, an error and a close) and changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from ..errors import WS_ILLEGAL, WS_LOGIN_NEEDED, WS_NO_CHANNEL, WS_OVER_LIMIT, WS_PARAM_ERROR, WS_TOO_MANY, WsError
from .connection import POLICY, TOO_BIG, Connection, moving_window_full
from .login import verify_login
from .private import account_snapshot
from .private_futures import snapshot as futures_snapshot
from .protocol import LOGIN_OK, PONG, SNAPSHOT, Login, Ping, Subscribe, Topic, ack, error_event, parse, push, topic_of

if TYPE_CHECKING:
    from .hub import Hub


def handle(hub: Hub, conn: Connection, text: str | None, now_ms: int) -> None:
    """One inbound frame (`text` None: a binary frame, which no Bitget request is)."""
    limits = hub.limits
    if moving_window_full(conn.messages, now_ms, limits.messages_window_ms, limits.messages):
        _fail(hub, conn, WsError(WS_OVER_LIMIT), close=True)
        return
    if text is None:
        _fail(hub, conn, WsError(WS_PARAM_ERROR))
        return
    if len(text) > limits.frame_bytes or len(text.encode("utf-8", "surrogatepass")) > limits.frame_bytes:
        hub.record(conn, "error", code=TOO_BIG)
        conn.close(TOO_BIG, "frame too large")
        return
    # time-driven state first, so a snapshot taken now and the deltas that follow line up
    hub.svc.exchange.catch_up(now_ms)
    try:
        request = parse(text)
    except WsError as exc:
        _fail(hub, conn, exc)
        return
    if isinstance(request, Ping):
        conn.last_ping_ms = now_ms
        conn.pings += 1
        conn.send(PONG.encode())
    elif isinstance(request, Login):
        _login(hub, conn, request, now_ms)
    else:
        for arg in request.args:
            try:
                _subscription(hub, conn, request, arg, now_ms)
            except WsError as exc:
                _fail(hub, conn, exc)


def _fail(hub: Hub, conn: Connection, exc: WsError, close: bool = False) -> None:
    conn.send(error_event(exc))
    hub.record(conn, "error", code=exc.code, arg=exc.arg)
    if close:
        conn.close(POLICY, exc.msg)


def _login(hub: Hub, conn: Connection, login: Login, now_ms: int) -> None:
    if not conn.private:
        _fail(hub, conn, WsError(WS_ILLEGAL))  # login belongs to the private endpoint
        return
    svc = hub.svc
    # the presented key's id only, and only when it is a short string (never a passphrase or sign)
    presented = login.api_key[:64] if isinstance(login.api_key, str) else None
    try:
        key = verify_login(login, svc.exchange.accounts, now_ms, svc.config.timestamp_window_ms, conn.ip)
    except WsError as exc:
        hub.record(conn, "login", code=exc.code, key=presented)
        conn.send(error_event(exc))
        conn.close(POLICY, "login failed")
        return
    if conn.uid is not None and conn.uid != key.uid:
        hub.by_uid.get(conn.uid, set()).discard(conn)
    conn.uid, conn.api_key = key.uid, key.api_key
    hub.logged_in(conn)
    hub.record(conn, "login", code=0, key=presented)
    conn.send(LOGIN_OK)


def _subscription(hub: Hub, conn: Connection, request: Subscribe, arg: Any, now_ms: int) -> None:
    topic = topic_of(arg)
    if topic.private and not conn.private:
        raise WsError(WS_LOGIN_NEEDED, arg=arg)
    if not topic.private and conn.private:
        raise WsError(WS_NO_CHANNEL, topic.inst_type, topic.channel, topic.target, arg=arg)
    if topic.private and conn.uid is None:
        raise WsError(WS_LOGIN_NEEDED, arg=arg)
    if request.op == "unsubscribe":
        hub.unsubscribe(conn, topic)
        hub.record(conn, "unsubscribe", arg=arg)
        conn.send(ack("unsubscribe", arg))
        return
    limits = hub.limits
    if topic not in conn.subs and len(conn.subs) >= limits.channels:
        raise WsError(WS_TOO_MANY, arg=arg)
    if moving_window_full(conn.subscribes, now_ms, limits.subscribes_window_ms, limits.subscribes):
        raise WsError(WS_TOO_MANY, arg=arg)
    fresh = hub.subscribe(conn, topic, arg)
    hub.record(conn, "subscribe", arg=arg)
    conn.send(ack("subscribe", arg))
    if fresh:
        _snapshot(hub, conn, topic, now_ms)


def _snapshot(hub: Hub, conn: Connection, topic: Topic, now_ms: int) -> None:
    """The first push after the ack: the topic as it is now (private `orders`/`fill` have none: they
    push only what happens from now on)."""
    arg_json = conn.subs[topic]
    if not topic.private:
        action, data = hub.feeds.snapshot(topic, now_ms)
    elif topic.futures and topic.channel in ("account", "positions") and conn.uid is not None:
        action, data = SNAPSHOT, futures_snapshot(hub.svc.exchange, conn.uid, topic, now_ms)
        conn.futures_last[topic] = data
    elif topic.channel == "account" and conn.uid is not None:
        action = SNAPSHOT
        data = orjson.dumps(account_snapshot(hub.svc.exchange.accounts.account(conn.uid), topic.target))
    else:
        return
    hub.deliver(conn, push(action, arg_json, data, now_ms), now_ms)

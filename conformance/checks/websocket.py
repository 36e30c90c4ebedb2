"""WS: the client's WebSocket, through the optional `Adapter.open_socket` (adapters/socket.py): login
signature and timestamp unit, keep-alive, resubscribing after a dropped connection, order-book checksum
recovery after a skipped update, and the 10 messages/s rule. Skipped when the adapter has no sockets.

The verdicts come from the mock's side (its journal of socket events, its connection list, its book),
so a client is judged by what it sent, not by what it says about itself. Waits are bounded in real
time; the checks move the mock's clock a walk step (1 s) at a time to make the market push.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mock_exchange.journal import JournalEntry
from mock_exchange.ws.books import checksum

from ..adapters.base import Unsupported
from ..adapters.socket import Socket
from ..mock import MockError
from .base import CRITICAL, MAJOR, check

if TYPE_CHECKING:
    from ..context import Context

SYMBOL = "BTCUSDT"
TICKER = {"instType": "SPOT", "channel": "ticker", "instId": SYMBOL}
BOOKS = {"instType": "SPOT", "channel": "books", "instId": SYMBOL}
STEP_MS = 1000  # one step of the mock's price walk: every public channel pushes
KEEPALIVE_S = 30.0  # Bitget asks for a text `ping` every 30 s (and cuts the connection after 2 min without)
WAIT_S = 10.0  # how long a check waits for the client to do something it should do at once
MANY = 40  # subscriptions asked at once by the rate check (more than 10 messages if sent one by one)
# Bitget's socket codes the checks look for (bitget-v2-websocket.md A.5)
TIMESTAMP_INVALID, SIGN_INVALID, OVER_LIMIT = "30013", "30015", "30007"


def _events(ctx: Context, kind: str) -> list[JournalEntry]:
    return [e for e in ctx.journal() if e.get("method") == "WS" and e.get("ws") == kind]


def _connections(ctx: Context, besides: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """The mock's open sockets, except those in `besides` (sockets of an earlier check still closing)."""
    return [c for c in ctx.mock.admin("GET", "/ws/connections")["connections"] if c["id"] not in besides]


def _ids(ctx: Context) -> frozenset[int]:
    return frozenset(c["id"] for c in _connections(ctx))


def _step(ctx: Context) -> None:
    """Move the mock's clock one walk step: the market moves and every public channel pushes."""
    ctx.mock.clock.shift(STEP_MS)


def _drain(ctx: Context, sock: Socket, seconds: float) -> list[dict[str, Any]]:
    """What the client hands its caller during `seconds` of real time."""
    out = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        message = sock.recv(left)
        if message is None:
            break
        out.append(message)
    return out


def _push_of(sock: Socket, channel: str, ctx: Context, timeout_s: float = WAIT_S) -> dict[str, Any] | None:
    """The next push on `channel`, moving the clock a step at a time (each 0.5 s) until one comes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        _step(ctx)
        step_end = min(deadline, time.monotonic() + 0.5)
        while (left := step_end - time.monotonic()) > 0:
            message = sock.recv(left)
            if message is None:
                break
            if message.get("event") == "error":
                ctx.fail(f"the client got an error event: {message}")
            if "action" in message and (message.get("arg") or {}).get("channel") == channel:
                return message
    return None


def _login(ctx: Context) -> str | None:
    """Open the client's private socket; the code of its last login as the mock journaled it."""
    out = ctx.attempt(lambda: ctx.client.open_socket(private=True))
    if isinstance(out.error, Unsupported):
        raise out.error  # the adapter has no sockets: the check is skipped
    ctx.note(f"open_socket(private) {'returned' if out.ok else out.describe()}")
    logins = _events(ctx, "login")
    ctx.expect(logins, "the client opened no private socket that sent a login")
    code = logins[-1].get("code")
    ctx.note(f"login codes seen: {[e.get('code') for e in logins]}")
    if code == "0":
        ctx.expect(out.ok, f"the mock accepted the login, but open_socket {out.describe()}")
    return None if code is None else str(code)


@check("WS-001", "Socket login: signed timestamp + 'GET' + '/user/verify', accepted at once", CRITICAL)
def login_signature(ctx: Context) -> None:
    """The client opens the private endpoint and logs in; the mock must accept the first login (code 0).
    30015 means the signature is not base64(HMAC-SHA256(secret, timestamp + "GET" + "/user/verify"))."""
    code = _login(ctx)
    if code == SIGN_INVALID:
        ctx.fail("the mock refused the login signature (30015): sign timestamp + 'GET' + '/user/verify' "
                 "with the secret (HMAC-SHA256, base64)")
    ctx.expect(code == "0", f"the mock refused the login with {code}")


@check("WS-002", "Socket login timestamp is in seconds, not milliseconds", CRITICAL)
def login_seconds(ctx: Context) -> None:
    """Unlike REST's ACCESS-TIMESTAMP (ms), the login's timestamp is in seconds (the zh-CN docs say ms;
    every SDK and the English docs send seconds). A 13-digit value is refused with 30013."""
    code = _login(ctx)
    ctx.expect(code != TIMESTAMP_INVALID, "the mock refused the login timestamp (30013): it must be Unix "
                                          "seconds (10 digits), not milliseconds")


@check("WS-003", "Keep-alive: a text 'ping' at least every 30 s, and the 'pong' handled", MAJOR)
def keep_alive(ctx: Context) -> None:
    """Bitget closes a connection after 2 minutes without a text `ping` (a protocol-level ping frame does
    not count) and answers each with a text `pong`. The client subscribes to a ticker and is left alone;
    within 30 s the mock must have seen a text ping, and the client must go on delivering pushes."""
    earlier = _ids(ctx)
    sock = ctx.client.open_socket()
    sock.subscribe(TICKER)

    def pinged() -> bool:
        return any(c["pings"] > 0 for c in _connections(ctx, earlier))

    # drain while waiting, so a client that hands out messages only when asked keeps reading its socket
    deadline = time.monotonic() + KEEPALIVE_S
    while not pinged() and time.monotonic() < deadline:
        _drain(ctx, sock, 0.2)
    ctx.expect(pinged(), f"no text 'ping' reached the mock within {KEEPALIVE_S:.0f} s: Bitget cuts a "
                         "connection after 2 minutes without one")
    ctx.expect(_push_of(sock, "ticker", ctx) is not None, "after its ping the client delivered no more pushes")


@check("WS-004", "A dropped socket is reopened and its subscriptions renewed", MAJOR)
def resubscribe(ctx: Context) -> None:
    """Bitget drops connections (its 24 h cut, maintenance, network): the client must reconnect and
    subscribe again by itself. The mock drops the connection after the first ticker push; the next
    ticker push must arrive on a new connection."""
    earlier = _ids(ctx)
    sock = ctx.client.open_socket()
    sock.subscribe(TICKER)
    ctx.expect(_push_of(sock, "ticker", ctx) is not None, "the ticker subscription delivered nothing")
    first = _ids(ctx)
    ctx.note(f"dropped {ctx.mock.admin('DELETE', '/ws/connections')['dropped']} connection(s)")
    first |= earlier
    deadline = time.monotonic() + WAIT_S
    renewed: list[JournalEntry] = []
    push: dict[str, Any] | None = None
    try:
        # pushes the old connection had delivered before the drop may come first: wait until a new
        # connection has subscribed, then for a push after that
        while time.monotonic() < deadline and not renewed:
            push = _push_of(sock, "ticker", ctx, deadline - time.monotonic())
            renewed = [e for e in _events(ctx, "subscribe") if e.get("connection") not in first
                       and (e.get("arg") or {}).get("channel") == "ticker"]
        if renewed:
            push = _push_of(sock, "ticker", ctx, max(1.0, deadline - time.monotonic()))
    except Exception as exc:
        ctx.fail(f"after the drop the client raised {type(exc).__name__}: {exc} instead of reconnecting")
    ctx.expect(renewed, f"no new connection subscribed to the ticker within {WAIT_S:.0f} s of the drop: the "
                        "client did not reconnect and resubscribe")
    ctx.expect(push is not None, "the client resubscribed, but delivered no ticker push afterwards")


def _mock_book(ctx: Context, ts: int) -> tuple[list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
    """(bids, asks) of the mock's BTCUSDT book at `ts` (a mock started elsewhere: as it stands)."""
    data = ctx.mock.book(SYMBOL, ts)
    return _decimal(data["bids"]), _decimal(data["asks"])


def _decimal(levels: Any) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(str(p)), Decimal(str(s))) for p, s, *_ in levels]


@check("WS-005", "Order-book checksum: a skipped update is detected and the book resubscribed", MAJOR)
def checksum_recovery(ctx: Context) -> None:
    """Each `books` push carries a CRC32 of the top 25 levels; a client that applies a delta onto a book
    that missed one must see the mismatch and resubscribe. The mock drops one `books` delta (socket
    fault `skipBookUpdates`); a few steps later the client's book must be the mock's again."""
    sock = ctx.client.open_socket()
    sock.subscribe(BOOKS)
    ctx.expect(_push_of(sock, "books", ctx) is not None, "the books subscription delivered nothing")
    ctx.mock.admin("POST", "/ws/faults", {"skipBookUpdates": 1})
    before = len([e for e in _events(ctx, "subscribe") if (e.get("arg") or {}).get("channel") == "books"])
    last_ts, last_sum, resynced = None, None, 0
    for _ in range(8):  # the skipped delta, the mismatch, the new snapshot, one more delta
        push = _push_of(sock, "books", ctx)
        if push is not None:
            last_ts, last_sum = int(push["data"][0]["ts"]), push["data"][0].get("checksum")
            resynced += bool(resynced) or push["action"] == "snapshot"
        if resynced >= 2:
            break
    if ctx.mock.admin("GET", "/ws/faults")["skipBookUpdates"]:
        raise MockError("the mock never skipped a books update")
    after = len([e for e in _events(ctx, "subscribe") if (e.get("arg") or {}).get("channel") == "books"])
    ctx.note(f"books subscribes before the fault {before}, after {after}; last push at {last_ts}")
    held = sock.book("SPOT", SYMBOL)
    ctx.expect(held is not None and last_ts is not None, "the client holds no BTCUSDT book after the skipped update")
    assert held is not None and last_ts is not None
    # right: it hashes to the checksum the mock sent with the last push it handed out (computed with the
    # mock's own function), or it is a book the mock had since (a client reading in the background)
    hashes = last_sum is not None and checksum(held[0], held[1]) == int(last_sum)
    now = ctx.mock.now_ms()
    recent = [_mock_book(ctx, t) for t in range(last_ts, now + STEP_MS, STEP_MS)]
    ctx.expect(hashes or (_decimal(held[0]), _decimal(held[1])) in recent,
               "after a skipped update the client's book differs from the exchange's: it did not verify the "
               "checksum and resubscribe")
    ctx.expect(after > before, "the client's book is right, but it never resubscribed after the skipped update")


@check("WS-006", "Message rate: many subscriptions at once stay within 10 messages/s", MAJOR)
def message_rate(ctx: Context) -> None:
    """Bitget allows 10 messages per second per connection (pings included) and closes the connection
    with 30007 past it. The client is asked for 40 subscriptions at once: it must batch or pace them
    so that all 40 are acknowledged and the mock never sends 30007."""
    earlier = _ids(ctx)
    sock = ctx.client.open_socket()
    markets = [("SPOT", s) for s in ("BTCUSDT", "ETHUSDT", "SOLUSDT", "龙币USDT")] + [
        ("USDT-FUTURES", "BTCUSDT"), ("USDT-FUTURES", "ETHUSDT"), ("COIN-FUTURES", "BTCUSD"),
        ("USDC-FUTURES", "BTCPERP")]
    args = [{"instType": t, "channel": ch, "instId": i} for t, i in markets
            for ch in ("ticker", "books1", "books5", "books15", "trade")]
    assert len(args) == MANY
    sock.subscribe(*args)

    def subscribed() -> bool:
        return any(c["channels"] >= MANY for c in _connections(ctx, earlier))

    deadline = time.monotonic() + WAIT_S
    while not subscribed() and time.monotonic() < deadline:
        _drain(ctx, sock, 0.1)  # the client reads its acks and snapshots, as its caller would make it
        if any(e.get("code") == OVER_LIMIT for e in _events(ctx, "error")):
            break
    codes = [e.get("code") for e in _events(ctx, "error")]
    ctx.note(f"error codes: {codes}; channels: {[c['channels'] for c in _connections(ctx, earlier)]}")
    ctx.expect(OVER_LIMIT not in codes, "the mock closed the connection with 30007: the client sent more than "
                                        "10 messages in a second")
    ctx.expect(subscribed(),
               f"fewer than {MANY} subscriptions were in force after {WAIT_S:.0f} s")

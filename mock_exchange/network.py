"""How `mock-exchange serve` meets the network: the listening socket, uvicorn's settings, proxy headers
only from named proxies, a deadline for each request and a cap on open connections.

uvicorn has no setting for either bound: `timeout_keep_alive` only runs between requests (and any
byte that arrives cancels it), and `limit_concurrency` answers 503 once headers are complete, so a
client that never finishes its headers is never counted. `GuardedHttpTools` adds both at the protocol
level. Its deadline is kept on the event loop's time by one sweep per server: network housekeeping
that no answer, limit or state ever reads, so it is not the exchange's clock (mock_exchange/clock.py).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .app import ADMIN_PREFIX
from .config import Config

log = logging.getLogger("uvicorn.error")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound and listening on host:port, or OSError with one line saying why."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                                 flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once after a stop (TIME_WAIT)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


class TrustedProxyHeaders:
    """X-Forwarded-For / -Proto from the configured proxies, for the Bitget API only: the admin API's
    loopback check always sees the socket's peer, whatever a header says."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.proxied = ProxyHeadersMiddleware(app, trusted_hosts=trusted)  # type: ignore[arg-type]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and not (path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")):
            await self.proxied(scope, receive, send)  # type: ignore[arg-type]
        else:
            await self.app(scope, receive, send)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline per request and a cap on open connections.

    A connection waits for a complete request (headers and body) from the moment it opens, and again
    after each answer. One sweep per server (`Sweep`) closes the connections that have waited
    `request_timeout` or longer. The protocol adds nothing to a request: the sweep reads uvicorn's own
    request cycle (`waiting_on`) and remembers since when it has seen a connection wait on the same one.
    """

    request_timeout: float = 10.0
    max_connections: int = 512
    cap_state: dict[str, int] = {"refused": 0}  # noqa: RUF012  (replaced per server by guarded_protocol)
    sweep: Sweep | None = None  # replaced per server by guarded_protocol

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: tuple[object, float] | None = None  # (what it waits on, since when), kept by the sweep
        self._refused = False
        self._upgraded = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        if len(self.connections) >= self.max_connections:
            self._refused = True
            if self.cap_state["refused"] == 0:
                log.warning("connection cap reached: %d connections open (--max-connections %d); closing new "
                            "connections until one ends", len(self.connections), self.max_connections)
            self.cap_state["refused"] += 1
            transport.close()
            return
        super().connection_made(transport)
        self.seen = (self, self.loop.time())  # waiting for its first request from now
        if self.sweep is not None:
            self.sweep.watch(self.loop, self.connections)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._refused:
            return
        super().connection_lost(exc)
        refused = self.cap_state["refused"]
        if refused and len(self.connections) < self.max_connections:
            log.warning("below the connection cap again; %d connections were closed meanwhile", refused)
            self.cap_state["refused"] = 0

    def handle_websocket_upgrade(self) -> None:
        self._upgraded = True  # the request is complete; the socket's own limits (ws/limits.py) take over
        super().handle_websocket_upgrade()

    def waiting_on(self) -> object | None:
        """What the connection waits on for a complete request, as a token that changes with every
        request; None while one is being handled (or once it became a WebSocket). Before the first
        request's headers: the connection itself. Then uvicorn's cycle of the last request, while its
        body is still coming, or once it has been answered (the next request's headers not complete:
        they make a new cycle)."""
        if self._upgraded:
            return None
        cycle = self.cycle
        if cycle is None:
            return self
        return cycle if cycle.response_complete or cycle.more_body else None

    def expire(self) -> None:
        self.seen = None
        if not self.transport.is_closing():
            peer = f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
            log.info("closing the connection of %s: no complete request within %g s (--request-timeout)",
                     peer, self.request_timeout)
            self.transport.close()


class Sweep:
    """One server's deadline keeper: every `interval` seconds while connections are open, the ones
    that have waited `timeout` or longer for a complete request are closed. A wait is timed from the
    first sweep that sees it (or from the connection's opening), so a connection is closed between
    `timeout` and `timeout` + 2 x `interval` after its wait began. One timer per server, nothing per
    request."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.interval = min(0.5, timeout / 8)
        self.running = False

    def watch(self, loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
        if not self.running:
            self.running = True
            loop.call_later(self.interval, self._tick, loop, connections)

    def _tick(self, loop: asyncio.AbstractEventLoop, connections: set[Any]) -> None:
        expired(connections, loop.time(), self.timeout)
        if connections:
            loop.call_later(self.interval, self._tick, loop, connections)
        else:
            self.running = False  # the next connection starts it again


def expired(connections: set[Any], now: float, timeout: float) -> int:
    """One sweep at `now`: note what each guarded connection waits on, and close every one that has
    waited on the same thing for `timeout` seconds or more. Connections of other kinds are passed over."""
    late = []
    for conn in connections:
        waiting_on = getattr(conn, "waiting_on", None)
        if waiting_on is None:
            continue
        token = waiting_on()
        seen = conn.seen
        if token is None:
            conn.seen = None
        elif seen is None or seen[0] is not token:
            conn.seen = (token, now)
        elif now - seen[1] >= timeout:
            late.append(conn)
    for conn in late:
        conn.expire()
    return len(late)


def guarded_protocol(config: Config) -> type[GuardedHttpTools]:
    """The protocol class for one server: its deadline, its cap and its own count of refusals."""
    return type("GuardedHttpTools", (GuardedHttpTools,), {
        "request_timeout": config.request_timeout, "max_connections": config.max_connections,
        "cap_state": {"refused": 0}, "sweep": Sweep(config.request_timeout)})


def uvicorn_config(app: ASGIApp, config: Config, **overrides: Any) -> Any:
    """uvicorn's settings for serving `app` as `config` says (the socket is bound by `listen`)."""
    import uvicorn

    served: ASGIApp = app
    if config.forwarded_allow_ips is not None:
        served = TrustedProxyHeaders(app, config.forwarded_allow_ips)
    settings: dict[str, Any] = {
        "host": config.host, "port": config.port, "access_log": config.access_log,
        "log_level": "info" if config.access_log else "warning", "lifespan": "off", "ws": "websockets-sansio",
        # no permessage-deflate (docs/websocket.md): compressing every push per connection was 2/3 of a fan-out
        "ws_per_message_deflate": False,
        "http": guarded_protocol(config),
        "proxy_headers": False,  # the caller's IP is the socket's, unless TrustedProxyHeaders says otherwise
        "server_header": False,  # Bitget does not answer "server: uvicorn"
    }
    return uvicorn.Config(served, **{**settings, **overrides})

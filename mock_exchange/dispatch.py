"""The Bitget API dispatcher: read the body, route, authenticate, limit, handle, render: one named step each.

`Dispatcher.__call__` reads top to bottom as the steps a request takes. Every Bitget error raised in
any step (or below, in state) is turned into the envelope by `render_error`, in one place.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

from . import envelope
from .asgi import BodyTooLarge, ClientGone, announced_too_large, read_body, send_json
from .auth import SignatureError, json_escape, verify
from .endpoint import Endpoint
from .errors import NOT_FOUND, PARAMS_INVALID, SYSTEM_ERROR, BitgetError
from .journal import BODY_LIMIT
from .request import ApiRequest

if TYPE_CHECKING:
    from starlette.types import Message, Receive, Scope, Send

    from .journal import JournalEntry
    from .services import Services

log = logging.getLogger("mock_exchange")
SUCCESS = "00000"
Headers = list[tuple[bytes, bytes]]


class Dispatcher:
    def __init__(self, services: Services, endpoints: Iterable[Endpoint]) -> None:
        self.svc = services
        self.routes: dict[str, dict[str, Endpoint]] = {}
        for ep in endpoints:
            self.routes.setdefault(ep.path, {})[ep.method] = ep
        self.not_found = BitgetError(NOT_FOUND)
        self.max_body = services.config.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        svc = self.svc
        info: JournalEntry | None = scope.get("mock")
        # ASGI servers send header names in lower case; a repeated header: the last one counts
        headers: dict[bytes, bytes] = dict(scope["headers"])
        extra: Headers = []
        now = 0
        try:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                body = message.get("body", b"")  # the whole body in one message: the common case
                if len(body) > self.max_body:
                    raise BitgetError(PARAMS_INVALID)
            else:
                body = await self.read_rest(receive, message, headers)
            # the time the request is judged at (timestamp window, limits, state): once its body is in
            now = svc.clock.now_ms()
            svc.exchange.catch_up(now)  # resting orders the price walk crossed fill before anyone looks
            ep = self.route(scope)
            req = ApiRequest(
                scope["method"], scope["path"], scope.get("raw_path") or scope["path"].encode("utf-8"),
                scope.get("query_string", b""), body, headers, (scope.get("client") or ("", 0))[0], now,
            )
            if info is not None:  # what was presented, verified or not (inline: every request pays for it)
                info["key"] = headers.get(b"access-key", b"")[:64].decode("latin-1") or None
                if b"paptrading" in headers:
                    info["paptrading"] = headers[b"paptrading"].decode("latin-1")
                info["_body"] = body[:BODY_LIMIT]  # the bytes object itself when it fits: no copy
                info["bodyBytes"] = len(body)
            if ep.private:
                self.authenticate(ep, req, info)
            if svc.limiter is not None:
                extra = svc.limiter.check_endpoint(ep, req, info)
            status, payload, code = 200, envelope.ok(ep.handler(svc, req), now), SUCCESS
        except ClientGone:
            return
        except Exception as exc:
            status, payload, code, extra = self.render_error(exc, scope, now or svc.clock.now_ms(), info, extra)
        if info is not None:
            info["status"] = status
            info["code"] = code
        await send_json(send, status, payload, extra, info)

    # -- the steps ------------------------------------------------------------------------
    async def read_rest(self, receive: Receive, first: Message, headers: dict[bytes, bytes]) -> bytes:
        """A body in several messages (or a client gone before sending one), refused with 40017 as soon
        as it passes the size limit, or at once when its Content-Length says it will. The size guard
        comes before routing: an oversized body is 40017 on any path."""
        try:
            if announced_too_large(headers.get(b"content-length"), self.max_body):
                raise BodyTooLarge
            return await read_body(receive, self.max_body, first)
        except BodyTooLarge:
            raise BitgetError(PARAMS_INVALID) from None

    def route(self, scope: Scope) -> Endpoint:
        """The endpoint for the path and method; an unknown path or a wrong method is 40404."""
        methods = self.routes.get(scope["path"])
        ep = None if methods is None else methods.get(scope["method"])
        if ep is None:
            raise self.not_found
        return ep

    def authenticate(self, ep: Endpoint, req: ApiRequest, info: JournalEntry | None) -> None:
        """Verify a private request (auth.py) and keep its key on the request and in the journal."""
        svc = self.svc
        req.key = verify(req, svc.exchange.accounts, svc.config.timestamp_window_ms, ep.permission, ep.whitelist)
        if info is not None:
            info["uid"] = req.key.uid
            info["apiKey"] = req.key.api_key

    def render_error(self, exc: Exception, scope: Scope, now: int, info: JournalEntry | None,
                     extra: Headers) -> tuple[int, bytes, str, Headers]:
        """Status, envelope, code and headers for a failure: a Bitget error as itself, a bug of ours as 40015."""
        if isinstance(exc, SignatureError):
            shown = json_escape(exc.prehash)
            if info is not None:
                info["prehash"] = shown
            headers = [(b"x-mock-prehash", shown.encode("ascii"))] if self.svc.config.debug_signatures else []
            return exc.status, envelope.error(exc, now), exc.code, headers
        if isinstance(exc, BitgetError):
            return exc.status, envelope.error(exc, now), exc.code, extra + getattr(exc, "headers", [])
        # a bug of ours: still a Bitget envelope, never a bare 500 page
        log.error("unhandled error on %s %s", scope["method"], scope["path"], exc_info=exc)
        err = BitgetError(SYSTEM_ERROR, status=500)
        return 500, envelope.error(err, now), err.code, []

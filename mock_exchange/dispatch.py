"""The Bitget API router: path -> endpoint, then auth, endpoint limit, handler, envelope.

Every Bitget error raised anywhere below is turned into the envelope here, in one place.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

from starlette.types import Receive, Scope, Send

from . import envelope
from .asgi import BodyTooLarge, ClientGone, announced_too_large, read_body, send_json
from .auth import SignatureError, json_escape, verify
from .endpoint import Endpoint
from .errors import BitgetError
from .journal import keep_body
from .request import ApiRequest

if TYPE_CHECKING:
    from .services import Services

log = logging.getLogger("mock_exchange")
NOT_FOUND = BitgetError("40404")


class Dispatcher:
    def __init__(self, services: Services, endpoints: Iterable[Endpoint]) -> None:
        self.svc = services
        self.routes: dict[str, dict[str, Endpoint]] = {}
        for ep in endpoints:
            self.routes.setdefault(ep.path, {})[ep.method] = ep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        svc = self.svc
        now = svc.clock.now_ms()
        info = scope.get("mock")
        extra: list[tuple[bytes, bytes]] = []
        status = 200
        try:
            svc.exchange.catch_up(now)  # resting orders the price walk crossed fill before anyone looks
            # ASGI servers send header names in lower case; a repeated header: the last one counts
            headers: dict[bytes, bytes] = dict(scope["headers"])
            # the body-size guard comes before routing: an oversized body is 40017 on any path
            limit = svc.config.max_body_bytes
            try:
                if announced_too_large(headers.get(b"content-length"), limit):
                    raise BodyTooLarge
                message = await receive()
                if message["type"] == "http.request" and not message.get("more_body", False):
                    body = message.get("body", b"")  # the whole body in one message: the common case
                    if len(body) > limit:
                        raise BodyTooLarge
                else:
                    body = await read_body(receive, limit, message)
            except BodyTooLarge:
                raise BitgetError("40017") from None
            methods = self.routes.get(scope["path"])
            ep = None if methods is None else methods.get(scope["method"])
            if ep is None:
                raise NOT_FOUND
            req = ApiRequest(
                scope["method"], scope["path"], scope.get("raw_path") or scope["path"].encode("utf-8"),
                scope.get("query_string", b""), body, headers, (scope.get("client") or ("", 0))[0], now,
            )
            if info is not None:
                # as presented, verified or not
                info["key"] = headers.get(b"access-key", b"")[:64].decode("latin-1") or None
                keep_body(info, "_body", body)
                if b"paptrading" in headers:
                    info["paptrading"] = headers[b"paptrading"].decode("latin-1")
            if ep.private:
                req.key = verify(req, svc.exchange.accounts, svc.config.timestamp_window_ms,
                                 ep.permission, ep.whitelist)
                if info is not None:
                    info["uid"] = req.key.uid
                    info["apiKey"] = req.key.api_key
            if svc.limiter is not None:
                extra = svc.limiter.check_endpoint(ep, req, info)
            payload = envelope.ok(ep.handler(svc, req), now)
        except SignatureError as exc:
            status, payload = exc.status, envelope.error(exc, now)
            shown = json_escape(exc.prehash)
            if info is not None:
                info["prehash"] = shown
            if svc.config.debug_signatures:
                extra = [(b"x-mock-prehash", shown.encode("ascii"))]
            code = exc.code
        except BitgetError as exc:
            status, payload = exc.status, envelope.error(exc, now)
            extra = extra + getattr(exc, "headers", [])
            code = exc.code
        except ClientGone:
            return
        except Exception:  # a bug of ours: still a Bitget envelope, never a bare 500 page
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            err = BitgetError("40015", status=500)
            status, payload, code = 500, envelope.error(err, now), err.code
        else:
            code = "00000"
        if info is not None:
            info["status"] = status
            info["code"] = code
        await send_json(send, status, payload, extra)

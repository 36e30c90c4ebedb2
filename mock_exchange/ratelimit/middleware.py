"""The global limit as plain-ASGI middleware: N requests per IP per window, before routing and auth.

It sits between the journal and the rest of the API chain, so every non-admin request is counted
(unknown paths, wrong methods and requests refused later included) and a refused one is still
journalled, with code "429" and bucket "global ip:<ip>". The request body is never read on refusal.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Receive, Scope, Send

from .. import envelope
from ..asgi import send_json
from ..errors import RATE_LIMITED, BitgetError
from ..journal import JournalEntry
from .limiter import RETRY_HEADER, GlobalLimiter, retry_after_value

TOO_MANY = BitgetError(RATE_LIMITED)  # rendered only, never raised


class GlobalLimitMiddleware:
    def __init__(self, app: Any, limiter: GlobalLimiter, clock: Any, retry_after: bool = False) -> None:
        self.app = app
        self.limiter = limiter
        self.clock = clock
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        now = self.clock.now_ms()
        client = scope.get("client")
        ip = client[0] if client else ""
        wait = self.limiter.refused_for(ip, now)
        if wait is None:
            await self.app(scope, receive, send)
            return
        info: JournalEntry | None = scope.get("mock")
        if info is not None:
            info["status"] = 429
            info["code"] = "429"
            info["bucket"] = "global ip:" + ip
        headers = [(RETRY_HEADER, retry_after_value(wait))] if self.retry_after else None
        await send_json(send, 429, envelope.error(TOO_MANY, now), headers, info)

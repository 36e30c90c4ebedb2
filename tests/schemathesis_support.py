"""Schemathesis against the mock, with a signing hook: generated requests arrive signed as a real client
signs them, so they reach the handlers instead of all being refused as unsigned (40001/40009)."""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.types import Receive, Scope, Send

from mock_exchange.app import MockExchange

from .helpers import signed_headers

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class SigningHook:
    """ASGI layer in front of the mock: a Bitget request without ACCESS-SIGN gets the four ACCESS-* headers,
    signed with the seeded key over exactly the path, query and body bytes that arrived, at the mock's time."""

    def __init__(self, app: MockExchange) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        headers = [(k, v) for k, v in scope["headers"] if not k.startswith(b"access-")]
        signed = signed_headers(scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1"),
                                body.decode("utf-8", "replace"), ts=self.app.services.clock.now_ms())
        headers += [(k.lower().encode(), v.encode()) for k, v in signed.items() if k.startswith("ACCESS-")]
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": headers}, replay, send)


def load(app: MockExchange) -> Any:
    """The mock's own OpenAPI, loaded through the signing hook; Bitget paths only (the admin API resets
    and reconfigures the mock, which would make the run test itself)."""
    return schemathesis.openapi.from_asgi("/_mock/openapi.json", SigningHook(app)).include(path_regex="^/api/")

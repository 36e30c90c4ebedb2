"""Helpers for the reference client's tests: scripted transports, envelopes, and virtual time.

Virtual time: the client's clock reads the mock's ManualClock and its sleep advances it, so pacing,
backoff and the server's rate limiter all move together and no test ever waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from client import AsyncBitgetClient, BitgetClient
from mock_exchange.app import MockExchange

from .helpers import API_KEY, NOW, PASSPHRASE, SECRET, VirtualTime

CREDENTIALS: dict[str, Any] = {"api_key": API_KEY, "secret_key": SECRET, "passphrase": PASSPHRASE}
Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def ok(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json={"code": "00000", "msg": "success", "requestTime": NOW, "data": data})


def err(code: str, msg: str = "error", status: int = 400, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"code": code, "msg": msg, "requestTime": NOW, "data": None}
    return httpx.Response(status, json=body, headers=headers)


class Script:
    """A MockTransport handler answering requests in order from a list; it records every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def scripted_client(script: Script, vt: VirtualTime, **kw: Any) -> BitgetClient:
    """A sync client on a scripted transport and virtual time (pacing off unless asked)."""
    kw.setdefault("pacing", False)
    return BitgetClient(**CREDENTIALS, base_url="https://api.bitget.com", transport=httpx.MockTransport(script),
                        clock=vt.now, sleep=vt.sleep, **kw)


def asgi_client(app: MockExchange, vt: VirtualTime, **kw: Any) -> AsyncBitgetClient:
    """An async client calling the mock in-process, on the mock's virtual clock."""
    kw = {**CREDENTIALS, "transport": httpx.ASGITransport(app=app), **kw}
    return AsyncBitgetClient(base_url="http://127.0.0.1", clock=vt.now, sleep=vt.async_sleep, **kw)


def codes(app: MockExchange) -> list[str | None]:
    """The Bitget code of every request in the mock's journal, oldest first."""
    return [e["code"] for e in reversed(app.services.journal.newest(100_000))]

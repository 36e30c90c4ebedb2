"""BitgetClient and AsyncBitgetClient: the same flows (core.py) driven over httpx.Client or httpx.AsyncClient.

    client = BitgetClient(api_key=..., secret_key=..., passphrase=..., base_url="http://127.0.0.1:8080")
    client.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), Decimal("20000"))
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .auth import BitgetAuth, wall_clock_ms
from .core import Engine, Flow, RetryPolicy, Sleep, T
from .endpoints import R
from .futures import FuturesEndpoints
from .pacing import Pacer
from .plans import SpotPlanEndpoints
from .signing import Text

DEFAULT_BASE_URL = "https://api.bitget.com"


class _ClientBase(SpotPlanEndpoints[R], FuturesEndpoints[R]):
    """Configuration shared by both clients; every argument after the credentials is keyword-only.

    base_url:        the real exchange by default; point it at the mock with one argument.
    rsa_private_key: PEM of an RSA key (keys created with a public key); then secret_key is unused.
    paptrading:      send Bitget's demo-trading header `paptrading: 1`.
    transport:       an httpx transport (httpx.MockTransport, httpx.ASGITransport...) to run in-process.
    clock:           ms since the epoch (local time); the client adds its measured server offset to sign.
    sleep:           how to wait (time.sleep / asyncio.sleep by default); tests pass a virtual one.
    pacer:           a Pacer to share between clients of one UID or IP; `pacing=False` turns pacing off.
    retry:           the RetryPolicy (4 attempts; exponential backoff with jitter; Retry-After honoured).
    rng:             the source of jitter and generated clientOids (seed it to replay a run).
    timeout:         seconds to wait for the exchange (connect, each read); settable later as `timeout`.
    """

    _http: httpx.Client | httpx.AsyncClient

    def __init__(self, api_key: str | None = None, secret_key: str | None = None, passphrase: str | None = None,
                 *, base_url: str = DEFAULT_BASE_URL, rsa_private_key: Text | None = None, paptrading: bool = False,
                 transport: Any = None, clock: Callable[[], int] | None = None,
                 sleep: Callable[[float], Any] | None = None,
                 pacer: Pacer | None = None, pacing: bool = True, retry: RetryPolicy | None = None,
                 rng: random.Random | None = None, timeout: float = 10.0, locale: str = "en-US") -> None:
        self._engine = Engine(
            base_url, None, clock=clock or wall_clock_ms, pacer=(pacer or Pacer()) if pacing else None,
            retry=retry or RetryPolicy(), rng=rng or random.Random(), headers={"locale": locale},
            paptrading=paptrading,
        )
        if api_key is not None:
            if passphrase is None or (secret_key is None and rsa_private_key is None):
                raise ValueError("api_key needs a passphrase and a secret_key (or an rsa_private_key)")
            self._engine.auth = BitgetAuth(api_key, secret_key or "", passphrase, rsa_private_key=rsa_private_key,
                                           time_source=self._engine.server_now)
        self._setup(transport, sleep, timeout)

    def _setup(self, transport: Any, sleep: Callable[[float], Any] | None, timeout: float) -> None:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._engine.base_url

    @property
    def timeout(self) -> float | None:
        """Seconds to wait for an answer (the read timeout)."""
        return self._http.timeout.read

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._http.timeout = httpx.Timeout(seconds)

    @property
    def auth(self) -> BitgetAuth | None:
        """The signer, synchronised with server time: usable with any other httpx client too."""
        auth = self._engine.auth
        return auth if isinstance(auth, BitgetAuth) else None

    @property
    def time_offset_ms(self) -> int:
        """Server time minus local time, as last measured (0 until the first sync)."""
        return self._engine.offset_ms


class BitgetClient(_ClientBase[Any]):
    """Blocking client over httpx.Client. Use as a context manager, or call close(). One thread per client."""

    _http: httpx.Client

    def _setup(self, transport: Any, sleep: Callable[[float], Any] | None, timeout: float) -> None:
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self._sleep: Callable[[float], Any] = sleep or time.sleep

    def _run(self, flow: Flow[T]) -> T:
        try:
            effect = next(flow)
            while True:
                if isinstance(effect, Sleep):
                    self._sleep(effect.seconds)
                    effect = flow.send(None)
                    continue
                try:
                    response = self._http.send(effect.request, auth=effect.auth)
                except httpx.RequestError as exc:
                    effect = flow.throw(exc)
                else:
                    effect = flow.send(response)
        except StopIteration as stop:
            return stop.value

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BitgetClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncBitgetClient(_ClientBase[Awaitable[Any]]):
    """asyncio client over httpx.AsyncClient: every endpoint method returns an awaitable."""

    _http: httpx.AsyncClient

    def _setup(self, transport: Any, sleep: Callable[[float], Any] | None, timeout: float) -> None:
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._sleep: Callable[[float], Awaitable[Any]] = sleep or asyncio.sleep

    def _run(self, flow: Flow[Any]) -> Awaitable[Any]:
        return self._drive(flow)

    async def _drive(self, flow: Flow[T]) -> T:
        try:
            effect = next(flow)
            while True:
                if isinstance(effect, Sleep):
                    await self._sleep(effect.seconds)
                    effect = flow.send(None)
                    continue
                try:
                    response = await self._http.send(effect.request, auth=effect.auth)
                except httpx.RequestError as exc:
                    effect = flow.throw(exc)
                else:
                    effect = flow.send(response)
        except StopIteration as stop:
            return stop.value

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncBitgetClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

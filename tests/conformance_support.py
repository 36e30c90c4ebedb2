"""Helpers for the conformance tests: virtual time shared by the mock and the reference client, and
deliberately broken adapters that prove each check can fail."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from client import RetryPolicy
from client.errors import BitgetTransportError
from conformance.adapters.base import Adapter, Balance, Credentials, ErrorCategory, OrderRef, Ticker
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import select
from conformance.mock import MockServer
from conformance.runner import Runner, RunResult
from mock_exchange.clock import SystemClock

from .helpers import VirtualTime


class VirtualMock:
    """One mock on virtual time, shared by the runs of a test module (starting one costs ~0.25 s)."""

    def __init__(self) -> None:
        self.time = VirtualTime(min_sleep_ms=1)
        self.server = MockServer(clock=SystemClock(self.time.now_ms))

    def run(self, adapter: type[Adapter], patterns: list[str] | None = None, *, fuzz_examples: int = 0,
            **options: Any) -> RunResult:
        """Run the selected checks with `adapter` (a ReferenceAdapter subclass) on the shared virtual time."""
        runner = Runner(adapter, fuzz_examples=fuzz_examples,
                        adapter_options={"clock": self.time.now_ms, "sleep": self.time.sleep,
                                         "ws_ping_interval": 0.3, **options})  # the WS keep-alive check waits
        return runner.run(select(patterns or []), mock=self.server)


def statuses(result: RunResult) -> dict[str, str]:
    return {v.check.id: v.status.value for v in result.verdicts}


def failed(result: RunResult) -> set[str]:
    return {v.check.id for v in result.verdicts if v.status.value == "fail"}


# -- broken adapters: each breaks one thing a check looks for ----------------------------------------
class WrongSecretAdapter(ReferenceAdapter):
    """Signs every private request with a secret that is not the key's."""

    name = "wrong-secret"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, Credentials(credentials.api_key, "not-the-secret", credentials.passphrase),
                         **options)


class _ReorderingTransport(httpx.BaseTransport):
    """Sends the query keys in the reverse of the order they were signed in."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        query = request.url.query
        if b"&" in query:
            request.url = request.url.copy_with(query=b"&".join(reversed(query.split(b"&"))))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class ReorderedQueryAdapter(ReferenceAdapter):
    """Signs the sorted query, then sends its keys in another order (ccxt issue 29071's bug)."""

    name = "reordered-query"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, transport=_ReorderingTransport(), **options)


class UntypedErrorsAdapter(ReferenceAdapter):
    """Its client's errors cannot be told apart: every exception counts as a crash."""

    name = "untyped"

    def classify_error(self, exc: BaseException) -> ErrorCategory | None:
        return None


class BlindRetryAdapter(ReferenceAdapter):
    """Re-sends a place-order whose answer was lost, with no clientOid to make it idempotent."""

    name = "blind-retry"

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        body = {"symbol": symbol, "side": side, "orderType": "limit", "force": "gtc", "price": str(price),
                "size": str(size), "clientOid": client_oid}
        body = {k: v for k, v in body.items() if v is not None}
        try:
            data = self.client.request("POST", "/api/v2/spot/trade/place-order", body=body)
        except BitgetTransportError:
            data = self.client.request("POST", "/api/v2/spot/trade/place-order", body=body)
        return OrderRef(str(data["orderId"]), data.get("clientOid"))


class FloatAdapter(ReferenceAdapter):
    """Parses balances as binary floats."""

    name = "float"

    def fetch_balance(self) -> dict[str, Balance]:
        return {coin: Balance(float(b.available), float(b.frozen)) for coin, b in super().fetch_balance().items()}


class LocalTimeAdapter(ReferenceAdapter):
    """Reports its own clock as the server's time."""

    name = "local-time"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, **options)
        self._clock = options.get("clock")

    def server_time(self) -> int:
        self.client.server_time()
        return int(self._clock()) if self._clock is not None else 0


class UnpacedAdapter(ReferenceAdapter):
    """The reference client with its pacer turned off: bursts hit the limits (it still retries 429s)."""

    name = "unpaced"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, pacing=False, **options)


class HammeringAdapter(ReferenceAdapter):
    """Unpaced, and retries a 429 at once, again and again (no backoff)."""

    name = "hammering"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, pacing=False, retry=RetryPolicy(max_attempts=6, base_delay=0.0),
                         **options)


class NoLookupAdapter(ReferenceAdapter):
    """A client without an order-by-clientOid lookup: the checks that need one are skipped."""

    name = "no-lookup"
    fetch_order_by_client_oid = Adapter.fetch_order_by_client_oid


class SwallowingAdapter(ReferenceAdapter):
    """Turns a broken answer into empty data instead of an error (and does not retry)."""

    name = "swallowing"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, retry=RetryPolicy(max_attempts=1), **options)

    def fetch_balance(self) -> dict[str, Balance]:
        try:
            return super().fetch_balance()
        except BitgetTransportError:
            return {}

    def fetch_ticker(self, symbol: str) -> Ticker:
        try:
            return super().fetch_ticker(symbol)
        except BitgetTransportError:
            return Ticker(symbol, None)

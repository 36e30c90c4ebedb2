"""Helpers for the conformance tests: virtual time shared by the mock and the reference client, and
deliberately broken adapters that prove each check can fail."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import httpx

from client import BitgetAuth, RetryPolicy
from client.errors import BitgetTransportError
from client.signing import prehash
from conformance.adapters.base import (
    Adapter,
    Balance,
    Credentials,
    ErrorCategory,
    LimitOrder,
    LogCapture,
    OrderRef,
    Ticker,
)
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


class _RewritingTransport(httpx.BaseTransport):
    """Hands each request to `rewrite` before it goes out (a client's bug in how it builds requests)."""

    def __init__(self, rewrite: Callable[[httpx.Request], None]) -> None:
        self.inner = httpx.HTTPTransport()
        self.rewrite = rewrite

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.rewrite(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _drop_content_type(request: httpx.Request) -> None:
    request.headers.pop("Content-Type", None)


def _repeat_timestamp(request: httpx.Request) -> None:
    if "ACCESS-TIMESTAMP" in request.headers:
        request.headers = httpx.Headers([*request.headers.raw, (b"ACCESS-TIMESTAMP",
                                                                request.headers["ACCESS-TIMESTAMP"].encode())])


class NoContentTypeAdapter(ReferenceAdapter):
    """Sends its POSTs without a Content-Type (the exchange refuses them with 40007)."""

    name = "no-content-type"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, transport=_RewritingTransport(_drop_content_type), **options)


class RepeatedHeaderAdapter(ReferenceAdapter):
    """Sends ACCESS-TIMESTAMP twice (set once as a default header and once per request)."""

    name = "repeated-header"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, transport=_RewritingTransport(_repeat_timestamp), **options)


class TolerantHeadersAdapter(ReferenceAdapter):
    """Correct, with headers the exchange ignores: `locale: zh-CN` and no ACCESS-* on public calls."""

    name = "tolerant-headers"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, locale="zh-CN", **options)


class PassphraseInBodyAdapter(ReferenceAdapter):
    """Adds the passphrase to its place-order bodies (signed, so the mock accepts them)."""

    name = "passphrase-in-body"

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        body = {**_order_body(symbol, side, price, size, client_oid), "passphrase": self.credentials.passphrase}
        data = self.client.request("POST", "/api/v2/spot/trade/place-order", body=body)
        return OrderRef(str(data["orderId"]), data.get("clientOid"))


_LEAKY = logging.getLogger("tests.leaky_client")


def _log_headers(request: httpx.Request) -> None:
    _LEAKY.debug("%s %s %s", request.method, request.url, dict(request.headers))


class LeakyLogAdapter(ReferenceAdapter):
    """Logs every request's headers, the passphrase among them, at DEBUG."""

    name = "leaky-log"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, transport=_RewritingTransport(_log_headers), **options)

    def request_log(self) -> list[str]:
        if self._log is None:
            self._log = LogCapture("tests.leaky_client")
        return self._log.lines


def _timed_out(exc: BitgetTransportError) -> bool:
    return isinstance(exc.__cause__, httpx.TimeoutException)


def _order_body(symbol: str, side: str, price: Decimal, size: Decimal, client_oid: str | None) -> dict[str, Any]:
    body = {"symbol": symbol, "side": side, "orderType": "limit", "force": "gtc", "price": str(price),
            "size": str(size), "clientOid": client_oid}
    return {k: v for k, v in body.items() if v is not None}


class TimeoutResendAdapter(ReferenceAdapter):
    """Without a clientOid, takes a timed-out place-order for one that never arrived and sends it again."""

    name = "timeout-resend"

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        if client_oid is not None:
            return super().place_limit_order(symbol, side, price, size, client_oid)
        body = _order_body(symbol, side, price, size, None)
        try:
            data = self.client.request("POST", "/api/v2/spot/trade/place-order", body=body)
        except BitgetTransportError as exc:
            if not _timed_out(exc):
                raise
            data = self.client.request("POST", "/api/v2/spot/trade/place-order", body=body)
        return OrderRef(str(data["orderId"]), data.get("clientOid"))


class ResendWithoutLookupAdapter(ReferenceAdapter):
    """With a clientOid, re-sends a timed-out place-order at once without asking whether it landed."""

    name = "resend-without-lookup"

    def place_limit_order(self, symbol: str, side: str, price: Decimal, size: Decimal,
                          client_oid: str | None = None) -> OrderRef:
        if client_oid is None:
            return super().place_limit_order(symbol, side, price, size, client_oid)
        data = self.client.request("POST", "/api/v2/spot/trade/place-order",
                                   body=_order_body(symbol, side, price, size, client_oid))
        return OrderRef(str(data["orderId"]), data.get("clientOid"))


class BatchResendAdapter(ReferenceAdapter):
    """Sends a batch again after a transport error."""

    name = "batch-resend"

    def place_limit_orders(self, symbol: str, orders: Sequence[LimitOrder]) -> list[OrderRef]:
        try:
            return super().place_limit_orders(symbol, orders)
        except BitgetTransportError:
            return super().place_limit_orders(symbol, orders)


class CancelResendAdapter(ReferenceAdapter):
    """Sends a cancel again after a transport error and passes on whatever the second answer says."""

    name = "cancel-resend"

    def cancel_order(self, symbol: str, order_id: str) -> None:
        try:
            super().cancel_order(symbol, order_id)
        except BitgetTransportError:
            super().cancel_order(symbol, order_id)


class CancelSwallowAdapter(ReferenceAdapter):
    """Reports a cancel done whatever the exchange answered (a broken answer is 'probably fine')."""

    name = "cancel-swallow"

    def cancel_order(self, symbol: str, order_id: str) -> None:
        with contextlib.suppress(BitgetTransportError):
            super().cancel_order(symbol, order_id)


class _EncodedQueryAuth(BitgetAuth):
    """Signs the query as encoded in the URL: the mock accepts it, the real exchange refuses it for a value
    that needs encoding (ccxt#28888)."""

    def sign_request(self, request: httpx.Request) -> bytes:
        message = super().sign_request(request)
        query = request.url.query
        if query:
            timestamp = request.headers["ACCESS-TIMESTAMP"]
            message = prehash(timestamp, request.method, request.url.raw_path.partition(b"?")[0],
                              query, request.content)
            request.headers["ACCESS-SIGN"] = self.signature(message)
        return message


class EncodedSignatureAdapter(ReferenceAdapter):
    """The reference client signing the query as encoded in the URL: accepted here, with a warning."""

    name = "encoded-signature"

    def __init__(self, base_url: str, credentials: Credentials, **options: Any) -> None:
        super().__init__(base_url, credentials, **options)
        auth = self.client.auth
        assert auth is not None
        self.client._engine.auth = _EncodedQueryAuth(credentials.api_key, credentials.secret_key,
                                                     credentials.passphrase, time_source=auth.time_source)

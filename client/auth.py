"""BitgetAuth: an httpx.Auth that signs the exact bytes httpx will send, so any httpx client can use it.

    auth = BitgetAuth("bg_...", "secret", "passphrase")
    httpx.get("https://api.bitget.com/api/v2/spot/account/assets", auth=auth)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

import httpx

from .signing import Text, load_rsa_key, prehash, sign_hmac, sign_rsa, signed_query

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


def wall_clock_ms() -> int:
    """Milliseconds since the epoch from the operating system (the default time source)."""
    return time.time_ns() // 1_000_000


class BitgetAuth(httpx.Auth):
    """Adds ACCESS-KEY / -SIGN / -TIMESTAMP / -PASSPHRASE to a request, signed over what is on the wire.

    The signature covers the request's raw path, its query as encoded in the URL and in that order but
    percent-decoded (`signed_query`: the form Bitget verifies; for plain values it is the same bytes),
    and the raw body bytes. `time_source` returns the timestamp
    in ms: the reference client passes its server-synchronised clock. With `rsa_private_key` (PEM) the
    request is signed with SHA256withRSA instead of HMAC and `secret_key` is not used.
    """

    requires_request_body = True

    def __init__(self, api_key: str, secret_key: str, passphrase: str, *, rsa_private_key: Text | None = None,
                 time_source: Callable[[], int] | None = None) -> None:
        self.api_key = api_key
        self._secret = secret_key
        self.passphrase = passphrase
        self._rsa: RSAPrivateKey | None = load_rsa_key(rsa_private_key) if rsa_private_key is not None else None
        self.time_source = time_source or wall_clock_ms

    def __repr__(self) -> str:  # never show the secret
        return f"BitgetAuth(api_key={self.api_key!r}, {'rsa' if self._rsa else 'hmac'})"

    def signature(self, message: bytes) -> str:
        return sign_rsa(self._rsa, message) if self._rsa is not None else sign_hmac(self._secret, message)

    def sign_request(self, request: httpx.Request) -> bytes:
        """Sign `request` in place; returns the prehash (useful when comparing with X-Mock-Prehash)."""
        timestamp = str(int(self.time_source()))
        path = request.url.raw_path.partition(b"?")[0]
        message = prehash(timestamp, request.method, path, signed_query(request.url.query), request.content)
        request.headers["ACCESS-KEY"] = self.api_key
        request.headers["ACCESS-SIGN"] = self.signature(message)
        request.headers["ACCESS-TIMESTAMP"] = timestamp
        request.headers["ACCESS-PASSPHRASE"] = self.passphrase
        if request.method == "POST" and "content-type" not in request.headers:
            request.headers["Content-Type"] = "application/json"
        return message

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign_request(request)
        yield request

"""Deliberately broken WebSocket clients for the WS checks: each breaks one thing a check looks for."""

from __future__ import annotations

from typing import Any

from client.ws_book import OrderBook
from conformance.adapters.base import Credentials
from conformance.adapters.reference import ReferenceAdapter
from conformance.adapters.reference_socket import ReferenceSocket
from conformance.adapters.socket import Socket, ws_url


class _Socketing(ReferenceAdapter):
    """A reference adapter whose socket is built by `make` (a subclass's hook)."""

    socket_options: dict[str, Any] = {}  # noqa: RUF012  (read-only per class)

    def open_socket(self, private: bool = False) -> Socket:
        made = self.make(ws_url(self.base_url, private), self.credentials if private else None)
        self.sockets.append(made)
        return made

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        return ReferenceSocket(url, credentials, self.clock, self.ws_ping_interval, **self.socket_options)


class WrongLoginSignAdapter(_Socketing):
    """Signs the socket login with a secret that is not the key's."""

    name = "wrong-login-sign"

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        if credentials is not None:
            credentials = Credentials(credentials.api_key, "not-the-secret", credentials.passphrase)
        return super().make(url, credentials)


class MillisecondLoginAdapter(_Socketing):
    """Logs in with a millisecond timestamp (the zh-CN docs' reading)."""

    name = "ms-login"

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        clock = self.clock
        return ReferenceSocket(url, credentials, lambda: clock() * 1000, self.ws_ping_interval)


class SilentAdapter(_Socketing):
    """Never sends a keep-alive ping."""

    name = "silent"

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        return ReferenceSocket(url, credentials, self.clock, 3600.0)


class NoReconnectAdapter(_Socketing):
    """Gives up when the connection drops."""

    name = "no-reconnect"
    socket_options = {"reconnect": False}  # noqa: RUF012


class _TrustingBook(OrderBook):
    def apply(self, action: str, item: dict[str, Any], verify: bool = True) -> None:
        super().apply(action, item, verify=False)


class _TrustingBooks(dict[Any, OrderBook]):
    def setdefault(self, key: Any, default: Any = None) -> OrderBook:
        return super().setdefault(key, _TrustingBook())


class NoChecksumAdapter(_Socketing):
    """Merges book deltas without verifying their checksum."""

    name = "no-checksum"

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        made = super().make(url, credentials)
        made.ws.books = _TrustingBooks()
        return made


class FloodingSocket(ReferenceSocket):
    def subscribe(self, *args: dict[str, str]) -> None:
        for arg in args:  # one message per arg, at once
            self._call(self.ws.subscribe(arg))


class FloodingAdapter(_Socketing):
    """Sends each subscription as its own message, all at once."""

    name = "flooding"

    def make(self, url: str, credentials: Any) -> ReferenceSocket:
        return FloodingSocket(url, credentials, self.clock, self.ws_ping_interval)

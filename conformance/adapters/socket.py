"""The optional WebSocket operation of the adapter protocol: one open connection of the client, driven
synchronously by the WS checks (an async client runs its own event loop behind it).

    class MyAdapter(Adapter):
        def open_socket(self, private=False): return MySocket(ws_url(self.base_url, private), self.credentials)

`Adapter.open_socket(private)` connects (and, for the private endpoint, logs in as the client always
does) and returns a `Socket`. An adapter whose client has no sockets leaves the default, which raises
`Unsupported`: the WS checks are then skipped with that reason. Everything else the client does by itself
(keep-alive, reconnecting, resubscribing, verifying book checksums): the checks watch the mock's side.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

PUBLIC_PATH, PRIVATE_PATH = "/v2/ws/public", "/v2/ws/private"

Level = tuple[str, str]  # (price, size) as the client holds them


def ws_url(base_url: str, private: bool = False) -> str:
    """The socket endpoint on the same host as the REST `base_url` (http -> ws, https -> wss)."""
    scheme, sep, rest = base_url.rstrip("/").partition("://")
    return ("wss" if scheme == "https" else "ws") + sep + rest + (PRIVATE_PATH if private else PUBLIC_PATH)


class Socket(ABC):
    @abstractmethod
    def subscribe(self, *args: dict[str, str]) -> None:
        """Subscribe to the channels (Bitget args: instType, channel, instId or coin), as the client
        would for its caller: batching, pacing and resubscribing after a reconnect are its business."""

    @abstractmethod
    def recv(self, timeout_s: float) -> dict[str, Any] | None:
        """The next push or event the client hands its caller (an error event as a dict with `code`),
        or None when nothing came within `timeout_s`. A client that reconnects does so in here."""

    @abstractmethod
    def book(self, inst_type: str, inst_id: str) -> tuple[list[Level], list[Level]] | None:
        """The client's `books` order book for one instrument, (bids best first, asks best first), or
        None when it holds none."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Close the connection and stop whatever runs it."""

"""THE table of WebSocket connection limits (docs/websocket.md), all on the server's clock.

Every number the socket side enforces is a row here; `Config.ws_limits` (`--ws-limit NAME=VALUE`)
overrides single rows by name, and an unknown name or a value that is not a positive integer is
refused when the server starts (ValueError), like the REST table's overrides.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Mapping

MINUTE = 60_000


@dataclass(frozen=True)
class WsLimits:
    idle_ms: int = 2 * MINUTE  # closed when no text `ping` came for this long (DOC-WS, newer copies)
    messages: int = 10  # inbound messages per connection per `messages_window_ms` (30007 and close past it)
    messages_window_ms: int = 1000
    subscribes: int = 240  # subscribe args per connection per `subscribes_window_ms` (30006 past it)
    subscribes_window_ms: int = 60 * MINUTE
    channels: int = 1000  # channels subscribed at once per connection
    connections: int = 100  # open connections per IP
    attempts: int = 300  # connection attempts per IP per `attempts_window_ms`
    attempts_window_ms: int = 5 * MINUTE
    lifetime_ms: int = 24 * 60 * MINUTE  # every connection is cut this long after it opened
    frame_bytes: int = 1 << 18  # a larger inbound frame closes the connection (1009)
    send_queue: int = 10_000  # pushes waiting for a client that does not read; past it the connection is closed


BITGET_WS_LIMITS = WsLimits()
NAMES = tuple(f.name for f in fields(WsLimits))


def ws_limits(overrides: Mapping[str, object]) -> WsLimits:
    """Bitget's table with `overrides` (name -> positive int, or its decimal text) applied."""
    changes: dict[str, int] = {}
    for name, value in overrides.items():
        if name not in NAMES:
            raise ValueError(f"unknown WebSocket limit {name!r} (known: {', '.join(NAMES)})")
        number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise ValueError(f"WebSocket limit {name} must be a positive integer, got {value!r}")
        changes[name] = number
    return replace(BITGET_WS_LIMITS, **changes)

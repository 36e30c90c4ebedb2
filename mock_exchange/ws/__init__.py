"""Bitget's V2 WebSocket on the mock's own server and clock: endpoints, login, channels, fan-out."""

from __future__ import annotations

from .admin import SocketAdmin
from .endpoint import PRIVATE_PATH, PUBLIC_PATH, SocketEndpoints
from .hub import Hub
from .limits import BITGET_WS_LIMITS, WsLimits

__all__ = ["BITGET_WS_LIMITS", "PRIVATE_PATH", "PUBLIC_PATH", "Hub", "SocketAdmin", "SocketEndpoints", "WsLimits"]

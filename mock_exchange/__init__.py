"""bitget-mock: a Bitget V2 compatible sandbox exchange.

The names below load on first use, so `import mock_exchange.state` (or `.clock`) loads no Starlette.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .clock import ExchangeClock, ManualClock, SystemClock
    from .config import Config
    from .errors import ERRORS, BitgetError

_WHERE = {"create_app": "app", "ExchangeClock": "clock", "ManualClock": "clock", "SystemClock": "clock",
          "Config": "config", "ERRORS": "errors", "BitgetError": "errors"}

__all__ = ["ERRORS", "BitgetError", "Config", "ExchangeClock", "ManualClock", "SystemClock", "create_app"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mock_exchange' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)

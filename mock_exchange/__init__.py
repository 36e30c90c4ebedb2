"""bitget-mock: a Bitget V2 compatible sandbox exchange."""

from .app import create_app
from .clock import ExchangeClock, ManualClock, SystemClock
from .config import Config
from .errors import ERRORS, BitgetError

__all__ = ["ERRORS", "BitgetError", "Config", "ExchangeClock", "ManualClock", "SystemClock", "create_app"]

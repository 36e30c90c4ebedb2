"""bitget-mock: a Bitget V2 compatible sandbox exchange."""

from .app import create_app
from .clock import ExchangeClock, ManualClock, SystemClock
from .config import Config
from .errors import ERRORS, BitgetError

__all__ = ["create_app", "Config", "ExchangeClock", "ManualClock", "SystemClock", "ERRORS", "BitgetError"]

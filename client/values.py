"""Turn Bitget's string numbers into Decimals, leaving ids and timestamps as the strings they are."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
# fields that look numeric but are identifiers or timestamps: keep them as strings
_KEEP_SUFFIXES = ("Id", "id", "Oid", "Time", "time", "ts")


def _keep(key: str) -> bool:
    return key.endswith(_KEEP_SUFFIXES)


def as_decimals(data: Any) -> Any:
    """A copy of `data` with every numeric string turned into a Decimal, except ids and timestamps
    (keys ending in Id, Oid, Time or ts). Lists of strings (candles, book levels) are converted whole."""
    if isinstance(data, dict):
        return {k: v if isinstance(v, str) and _keep(k) else as_decimals(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_decimals(v) for v in data]
    if isinstance(data, str) and _NUMBER.fullmatch(data):
        return Decimal(data)
    return data

"""The Bitget response envelope: exactly `code`, `msg`, `requestTime`, `data`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from .errors import BitgetError


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def ok(data: Any, now_ms: int) -> bytes:
    # orjson at once, not through dumps(): every answer, one frame less
    return orjson.dumps({"code": "00000", "msg": "success", "requestTime": now_ms, "data": data}, default=_default)


def error(err: BitgetError, now_ms: int) -> bytes:
    return dumps({"code": err.code, "msg": err.msg, "requestTime": now_ms, "data": None})

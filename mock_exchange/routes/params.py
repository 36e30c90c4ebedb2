"""Parameter readers several endpoints share: client ids, positive amounts, time windows, page sizes."""

from __future__ import annotations

import re
from decimal import Decimal

from ..errors import CLIENT_OID_INVALID, BitgetError, invalid, missing
from ..request import ApiRequest
from ..state.accounts import parse_amount

_CLIENT_OID = re.compile(r"[0-9A-Za-z+_#-]{1,50}")


def client_oid(req: ApiRequest, name: str = "clientOid") -> str | None:
    """A client id as Bitget allows them: 1-50 of [0-9a-zA-Z-+_#], else 40304."""
    raw = req.params.get(name)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)) or _CLIENT_OID.fullmatch(str(raw)) is None:
        raise BitgetError(CLIENT_OID_INVALID)
    return str(raw)


def positive(req: ApiRequest, name: str) -> Decimal:
    """A required amount above zero (40019 when missing, 40020 when not a positive number)."""
    value = req.params.get(name)
    if value is None or value == "":
        raise missing(name)
    return parse_amount(value, name, allow_zero=False)




def time_range(req: ApiRequest, required: bool = False, end_required: bool = False,
               max_ms: int | None = None) -> tuple[int | None, int | None]:
    """startTime / endTime in ms. A missing required one is 40019; a start after the end, or a window
    longer than `max_ms` (checked when both are given), is 40020 for startTime."""
    start = req.integer("startTime")
    end = req.integer("endTime")
    if start is None and required:
        raise missing("startTime")
    if end is None and (required or end_required):
        raise missing("endTime")
    if start is not None and end is not None and (start > end or (max_ms is not None and end - start > max_ms)):
        raise invalid("startTime")
    return start, end


def required_range(req: ApiRequest, max_ms: int | None = None) -> tuple[int, int]:
    """Both startTime and endTime required (deposit and withdrawal records)."""
    start, end = time_range(req, required=True, max_ms=max_ms)
    return start or 0, end or 0  # never None here: time_range raised 40019 for a missing one


def page_limit(req: ApiRequest, default: int, most: int) -> int:
    """`limit` for account records: 1 to the endpoint's documented maximum, else 40020."""
    return req.integer("limit", default=default, lo=1, hi=most) or default

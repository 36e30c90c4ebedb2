"""THE catalogue of conformance checks, in the order they run, and selection by id pattern."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from . import (
    data,
    errors,
    futures,
    fuzzing,
    headers,
    orders,
    ratelimit,
    retry,
    robust,
    secrets,
    signing,
    timing,
    websocket,
)
from .base import CRITICAL, MAJOR, MINOR, Check, CheckFailed, Severity, Status, Verdict, check

CATALOGUE: tuple[Check, ...] = (
    signing.get_with_query,
    signing.post_with_body,
    signing.get_without_query,
    signing.non_ascii_query,
    signing.non_ascii_body,
    signing.reserved_client_oid,
    signing.reserved_client_oid_query,
    signing.session,
    headers.content_type,
    headers.auth_header_names,
    secrets.on_the_wire,
    secrets.in_the_log,
    timing.server_time,
    timing.skew_ahead,
    timing.skew_behind,
    timing.jump,
    timing.keeps_offset,
    ratelimit.public_burst,
    ratelimit.private_burst,
    ratelimit.forced_429,
    ratelimit.backoff,
    ratelimit.place_429,
    ratelimit.burst_past_limit,
    errors.wrong_secret,
    errors.unknown_key,
    errors.wrong_passphrase,
    errors.read_only,
    errors.insufficient,
    errors.fetch_unknown,
    errors.cancel_unknown,
    errors.refused_price,
    errors.no_auth_retry_storm,
    errors.below_minimum,
    errors.error_with_200,
    orders.round_trip,
    orders.open_orders,
    orders.lost_answer_with_oid,
    orders.lost_answer_without_oid,
    orders.client_oid_round_trip,
    retry.timeout_without_oid,
    retry.timeout_with_oid,
    retry.batch_500_after,
    retry.cancel_500_after,
    retry.cancel_503_before,
    futures.round_trip,
    futures.hedge_trade_side,
    futures.reduce_only,
    futures.positions,
    futures.leverage,
    data.ticker,
    data.order_book,
    data.precise_balance,
    data.order_values,
    robust.malformed_public,
    robust.html_502,
    robust.dropped,
    robust.malformed_private,
    robust.unavailable_private,
    robust.truncated,
    robust.place_500_after,
    websocket.login_signature,
    websocket.login_seconds,
    websocket.keep_alive,
    websocket.resubscribe,
    websocket.checksum_recovery,
    websocket.message_rate,
    fuzzing.signatures,
    fuzzing.typed_errors,
    fuzzing.server_faults,
)


class NoChecksSelected(ValueError):
    """The patterns matched no check id."""


def select(patterns: Iterable[str] = (), catalogue: Iterable[Check] = CATALOGUE) -> list[Check]:
    """Checks whose id matches any of the glob patterns (`SIGN-*`, `ERR-00?`, `ORDER-001`), all when none;
    a pattern starting with `!` excludes. Matching ignores case."""
    pats = [p.strip().upper() for p in patterns if p.strip()]
    include = [p for p in pats if not p.startswith("!")]
    exclude = [p[1:] for p in pats if p.startswith("!")]
    chosen = [c for c in catalogue
              if (not include or any(fnmatchcase(c.id, p) for p in include))
              and not any(fnmatchcase(c.id, p) for p in exclude)]
    if not chosen:
        raise NoChecksSelected(f"no check matches {', '.join(pats)}")
    return chosen


__all__ = [
    "CATALOGUE",
    "CRITICAL",
    "MAJOR",
    "MINOR",
    "Check",
    "CheckFailed",
    "NoChecksSelected",
    "Severity",
    "Status",
    "Verdict",
    "check",
    "select",
]

"""ROBUST: broken answers (malformed JSON, an HTML error page, a dropped connection) end in a clean
transport error or a successful retry, never in a crash deep inside the client."""

from __future__ import annotations

from typing import TYPE_CHECKING
from collections.abc import Callable
from typing import Any

from ..adapters.base import ErrorCategory
from .base import MAJOR, MINOR, check
from .paths import ASSETS, TICKERS

if TYPE_CHECKING:
    from ..context import Context


def _survives(ctx: Context, rule: dict[str, Any], call: Callable[[], Any], what: str) -> None:
    ctx.mock.add_faults({"count": 1, **rule})
    out = ctx.attempt(call)
    ctx.note(f"{what} {out.describe()}")
    ctx.expect(ctx.journal(rule["path"]), f"the client sent no request to {rule['path']}")
    ctx.expect(out.ok or out.category is ErrorCategory.TRANSPORT,
               f"after {rule['kind']} the call {out.describe()}; expected success after a retry or a transport error")


@check("ROBUST-001", "A malformed JSON body is a transport error, not a crash", MAJOR)
def malformed_public(ctx: Context) -> None:
    """The next ticker answer is HTTP 200 with a truncated JSON body."""
    _survives(ctx, {"path": TICKERS, "kind": "malformed"}, lambda: ctx.client.fetch_ticker("BTCUSDT"),
              "fetch_ticker")


@check("ROBUST-002", "An HTML 502 page is a transport error, not a crash", MAJOR)
def html_502(ctx: Context) -> None:
    """The next ticker answer is a 502 whose body is an HTML page (what a proxy in front of the exchange
    sends), not a Bitget envelope."""
    _survives(ctx, {"path": TICKERS, "kind": "status", "status": 502}, lambda: ctx.client.fetch_ticker("BTCUSDT"),
              "fetch_ticker")


@check("ROBUST-003", "A dropped connection is a transport error, not a crash", MAJOR)
def dropped(ctx: Context) -> None:
    """The mock closes the connection of the next ticker request without answering."""
    _survives(ctx, {"path": TICKERS, "kind": "drop"}, lambda: ctx.client.fetch_ticker("BTCUSDT"), "fetch_ticker")


@check("ROBUST-004", "A malformed body on a private call is a transport error", MAJOR)
def malformed_private(ctx: Context) -> None:
    """The next account-assets answer is malformed JSON."""
    _survives(ctx, {"path": ASSETS, "kind": "malformed"}, ctx.client.fetch_balance, "fetch_balance")


@check("ROBUST-005", "A 503 on a private call is a transport error, not a crash", MINOR)
def unavailable_private(ctx: Context) -> None:
    """The next account-assets answer is HTTP 503 (maintenance)."""
    _survives(ctx, {"path": ASSETS, "kind": "status", "status": 503}, ctx.client.fetch_balance, "fetch_balance")

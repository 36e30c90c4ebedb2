"""ROBUST: broken answers (malformed JSON, an HTML error page, a dropped connection) end in a clean
transport error or a successful retry, never in a crash deep inside the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..adapters.base import ErrorCategory
from .base import MAJOR, MINOR, check
from .paths import ASSETS, ORDERBOOK, PLACE_ORDER, TICKERS

if TYPE_CHECKING:
    from ..context import Context


def _survives(ctx: Context, rule: dict[str, Any], call: Callable[[], Any], what: str,
              verify: Callable[[Any], None] | None = None) -> None:
    """After the fault, the call ends in a transport error, or in success that is real: by default a
    later request to the same path was answered properly (the client retried rather than taking the
    broken answer for a good one); `verify` judges the returned value instead."""
    ctx.mock.add_faults({"count": 1, **rule})
    out = ctx.attempt(call)
    ctx.note(f"{what} {out.describe()}")
    ctx.fault_fired(rule["path"])
    ctx.expect(out.ok or out.category is ErrorCategory.TRANSPORT,
               f"after {rule['kind']} the call {out.describe()}; expected success after a retry or a transport error")
    if not out.ok:
        return
    if verify is not None:
        verify(out.value)
        return
    retried = [e for e in ctx.journal(rule["path"]) if not e.get("fault") and e.get("code") == "00000"]
    ctx.expect(retried, f"the call {out.describe()} although its only answer was the injected {rule['kind']} "
                        "fault: the client took a broken answer for a good one")


@check("ROBUST-001", "A malformed JSON body is a transport error, not a crash", MAJOR)
def malformed_public(ctx: Context) -> None:
    """The next ticker answer is HTTP 200 with a truncated JSON body."""
    _survives(ctx, {"path": TICKERS, "kind": "malformed"}, lambda: ctx.client.fetch_ticker("BTCUSDT"),
              "fetch_ticker")


@check("ROBUST-002", "An HTML 502 page is a transport error, not a crash", MAJOR)
def html_502(ctx: Context) -> None:
    """The next ticker answer is a 502 whose body is an HTML page (what a proxy in front of the exchange
    sends), not a Bitget envelope."""
    _survives(ctx, {"path": TICKERS, "kind": "html", "status": 502}, lambda: ctx.client.fetch_ticker("BTCUSDT"),
              "fetch_ticker")


@check("ROBUST-003", "A dropped connection is a transport error, not a crash", MAJOR)
def dropped(ctx: Context) -> None:
    """The mock closes the connection of the next ticker request without answering."""
    _survives(ctx, {"path": TICKERS, "kind": "drop"}, lambda: ctx.client.fetch_ticker("BTCUSDT"), "fetch_ticker")


@check("ROBUST-004", "A malformed body on a private call is a transport error", MAJOR)
def malformed_private(ctx: Context) -> None:
    """The next account-assets answer is malformed JSON."""
    _survives(ctx, {"path": ASSETS, "kind": "malformed"}, ctx.client.fetch_balance, "fetch_balance")


@check("ROBUST-005", "A 503 page on a private call is a transport error, not a crash", MINOR)
def unavailable_private(ctx: Context) -> None:
    """The next account-assets answer is an HTML 503 page (maintenance behind a proxy)."""
    _survives(ctx, {"path": ASSETS, "kind": "html", "status": 503}, ctx.client.fetch_balance, "fetch_balance")


@check("ROBUST-006", "A truncated answer is a transport error, not a crash", MAJOR)
def truncated(ctx: Context) -> None:
    """The next order-book answer is cut in the middle of its JSON (a connection reset mid-body)."""
    _survives(ctx, {"path": ORDERBOOK, "kind": "truncated"}, lambda: ctx.client.fetch_order_book("BTCUSDT"),
              "fetch_order_book")


@check("ROBUST-007", "A lost place-order answer with a 500 page is a transport error", MAJOR)
def place_500_after(ctx: Context) -> None:
    """The order is placed, then the answer is replaced by an HTML 500 page: the client may look the
    order up and return it, or report a transport error, but must not crash or call it a bad request."""
    price, size = ctx.resting_buy("BTCUSDT")

    def same_order(ref: Any) -> None:
        held = [o.get("orderId") for o in ctx.mock.open_orders("BTCUSDT")]
        ctx.expect(held == [getattr(ref, "order_id", None)], f"the client returned {ref!r}, the mock holds {held}")

    _survives(ctx, {"path": PLACE_ORDER, "kind": "html", "status": 500, "phase": "after"},
              lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size, client_oid="conformance-r007"),
              "place_limit_order", same_order)

"""RETRY: what a client does after an ambiguous failure of a write: a timeout while the exchange executes
the order, a 5xx page in place of the answer of a batch or a cancel. Judged on the mock's orders and on
the order of the requests in its journal.

The timeout checks shorten the client's timeout (the adapter's optional `set_timeout`) to
CLIENT_TIMEOUT_S and let the mock execute the order and then hold its answer for DELAY_MS, so the client
gives up while the order exists. The delay is real time (the mock sleeps on its event loop); the check
waits until the held answer has been sent before it judges, so nothing spills into the next check.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mock_exchange.journal import JournalEntry

from ..adapters.base import CANCELLED, ErrorCategory, LimitOrder
from .base import CRITICAL, MAJOR, check
from .paths import BATCH_ORDERS, CANCEL_ORDER, HISTORY_ORDERS, ORDER_INFO, PLACE_ORDER, UNFILLED

if TYPE_CHECKING:
    from ..context import Context, Outcome

CLIENT_TIMEOUT_S = 0.4
DELAY_MS = 1000
TIMEOUT_OID = "conformance-retry-002"
LOOKUPS = (ORDER_INFO, UNFILLED, HISTORY_ORDERS)  # where a client can find out whether its order landed


def _time_out_place(ctx: Context, client_oid: str | None) -> tuple[Outcome, list[dict[str, Any]]]:
    """place_limit_order while the mock executes it and holds the answer past the client's timeout;
    the outcome, and the orders the mock holds once the held answer has gone out."""
    ctx.client.set_timeout(CLIENT_TIMEOUT_S)
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.mock.add_faults({"path": PLACE_ORDER, "kind": "delay", "delay": DELAY_MS, "phase": "after", "count": 1})
    out = ctx.attempt(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size, client_oid=client_oid))
    ctx.await_fault(PLACE_ORDER, DELAY_MS / 1000 + 10)
    held = ctx.mock.open_orders("BTCUSDT")
    ctx.note(f"place_limit_order {out.describe()}; the mock holds {[o.get('orderId') for o in held]}")
    return out, held


def _truthful(ctx: Context, out: Outcome, held: list[dict[str, Any]]) -> None:
    """The call returned the order the mock holds, or reported a transport error (no answer came)."""
    if out.ok:
        ctx.expect(held and out.value.order_id == held[0].get("orderId"),
                   f"the client returned order {out.value.order_id}, the mock holds "
                   f"{[o.get('orderId') for o in held]}")
    else:
        ctx.expect(out.category is ErrorCategory.TRANSPORT,
                   f"the order was placed and its answer timed out, but the client {out.describe()} "
                   "(expected the order, or a transport error)")


@check("RETRY-001", "A place-order that times out while the exchange executes it is never doubled", CRITICAL)
def timeout_without_oid(ctx: Context) -> None:
    """No clientOid given. The mock places the order and answers only after the client's timeout: a client
    that takes a timeout for 'never arrived' and sends the POST again places a second order. At most
    one order may exist; the call returns it or raises a transport error."""
    out, held = _time_out_place(ctx, None)
    posts = ctx.journal(PLACE_ORDER)
    ctx.expect(len(held) <= 1, f"the mock holds {len(held)} orders after {len(posts)} place-order POSTs: "
                               "the client re-sent a POST that had timed out")
    _truthful(ctx, out, held)


def _lookup_between(entries: list[JournalEntry], first: JournalEntry, resent: JournalEntry) -> bool:
    """Whether a lookup arrived after the `first` POST and ended before the `resent` one (entries are in
    the order they ended; the first POST, held by the fault, ends last)."""
    for entry in entries[: entries.index(resent)]:
        if entry["path"] in LOOKUPS and entry["method"] == "GET" and entry["ts"] >= first["ts"]:
            return True
    return False


@check("RETRY-002", "A timed-out place-order with a clientOid is looked up before it is placed again", CRITICAL)
def timeout_with_oid(ctx: Context) -> None:
    """As RETRY-001 with a clientOid. Exactly one order with that clientOid may exist, every second
    place-order POST must come after a lookup (orderInfo, unfilled-orders or history-orders) made after the
    timeout, and the call returns the order or a transport error: re-sending at once earns a
    duplicate-clientOid refusal (43118) for an order that exists."""
    out, held = _time_out_place(ctx, TIMEOUT_OID)
    ctx.expect([o.get("clientOid") for o in held] == [TIMEOUT_OID],
               f"the mock holds clientOids {[o.get('clientOid') for o in held]}, expected one {TIMEOUT_OID}")
    entries = ctx.journal()
    posts = [e for e in entries if e["path"] == PLACE_ORDER]
    first = next(e for e in posts if e.get("fault"))
    for resent in (e for e in posts if e is not first):
        ctx.expect(_lookup_between(entries, first, resent),
                   f"the client sent place-order again (answered {resent.get('code')}) without first asking "
                   "the exchange whether the timed-out order had landed")
    ctx.note(f"{len(posts)} place-order POSTs; lookups: "
             f"{[e['path'].rsplit('/', 1)[-1] for e in entries if e['path'] in LOOKUPS]}")
    _truthful(ctx, out, held)


@check("RETRY-003", "A lost batch-orders answer (500 after the orders are placed) never doubles them", CRITICAL)
def batch_500_after(ctx: Context) -> None:
    """Two limit orders without clientOids in one batch (the adapter's optional `place_limit_orders`); the
    mock places both and answers an HTML 500 page. Re-sending the batch places both again. At most two
    orders may exist; the call returns exactly those or raises a transport error."""
    price, size = ctx.resting_buy("BTCUSDT")
    orders = [LimitOrder("buy", price, size), LimitOrder("buy", price - Decimal(1), size)]
    ctx.mock.add_faults({"path": BATCH_ORDERS, "kind": "html", "status": 500, "phase": "after", "count": 1})
    out = ctx.attempt(lambda: ctx.client.place_limit_orders("BTCUSDT", orders))
    ctx.fault_fired(BATCH_ORDERS)
    held = sorted(str(o.get("orderId")) for o in ctx.mock.open_orders("BTCUSDT"))
    ctx.note(f"place_limit_orders {out.describe()}; the mock holds {held}")
    ctx.expect(len(held) <= 2, f"the mock holds {len(held)} orders from a batch of 2: the client re-sent the batch")
    if out.ok:
        ctx.expect(sorted(r.order_id for r in out.value) == held,
                   f"the client returned {[r.order_id for r in out.value]}, the mock holds {held}")
    else:
        ctx.expect(out.category is ErrorCategory.TRANSPORT,
                   f"the batch was placed and its answer lost, but the client {out.describe()}")


def _resting(ctx: Context) -> str:
    price, size = ctx.resting_buy("ETHUSDT")
    return ctx.client.place_limit_order("ETHUSDT", "buy", price, size).order_id


@check("RETRY-004", "A lost cancel answer (500 after the cancel) is not reported as an unknown order", MAJOR)
def cancel_500_after(ctx: Context) -> None:
    """The mock cancels the order, then answers an HTML 500 page. The client returns (the order is gone) or
    raises a transport error; a client that re-sends the cancel gets 43001 and must not pass it on as
    'order not found' for an order that existed a moment ago."""
    order_id = _resting(ctx)
    ctx.mock.add_faults({"path": CANCEL_ORDER, "kind": "html", "status": 500, "phase": "after", "count": 1})
    out = ctx.attempt(lambda: ctx.client.cancel_order("ETHUSDT", order_id))
    ctx.fault_fired(CANCEL_ORDER)
    ctx.note(f"cancel_order {out.describe()} after {len(ctx.journal(CANCEL_ORDER))} cancel POST(s)")
    ctx.expect(out.ok or out.category is ErrorCategory.TRANSPORT,
               f"the order was cancelled and the answer lost, but the client {out.describe()}")


@check("RETRY-005", "A failed cancel (503 before it runs) is never reported as done", CRITICAL)
def cancel_503_before(ctx: Context) -> None:
    """The mock answers the cancel with an HTML 503 page without cancelling. The client may retry (a cancel
    is safe to repeat) or raise a transport error; if cancel_order returns, the order must be cancelled
    on the exchange: a cancel reported done while the order rests is an order that can still fill."""
    order_id = _resting(ctx)
    ctx.mock.add_faults({"path": CANCEL_ORDER, "kind": "html", "status": 503, "count": 1})
    out = ctx.attempt(lambda: ctx.client.cancel_order("ETHUSDT", order_id))
    ctx.fault_fired(CANCEL_ORDER)
    live = [o.get("orderId") for o in ctx.mock.open_orders("ETHUSDT")]
    ctx.note(f"cancel_order {out.describe()}; the mock's open orders: {live}")
    if out.ok:
        ctx.expect(order_id not in live, f"cancel_order returned, but order {order_id} is still open")
        ctx.expect(ctx.client.fetch_order("ETHUSDT", order_id).status == CANCELLED,
                   f"order {order_id} is not reported cancelled")
    else:
        ctx.expect(out.category is ErrorCategory.TRANSPORT,
                   f"the cancel got a 503 page, and the client {out.describe()} (expected a transport error)")

"""ORDER: placing, reading and cancelling orders round trip, and a lost answer never doubles an order."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..adapters.base import CANCELLED, OPEN, ErrorCategory
from .base import CRITICAL, MAJOR, check
from .paths import PLACE_ORDER

if TYPE_CHECKING:
    from ..context import Context

IDEMPOTENT_OID = "conformance-order-003"


def _drop_answer(ctx: Context) -> None:
    """The next place-order is executed by the mock, then its connection is dropped before the answer."""
    ctx.mock.add_faults({"path": PLACE_ORDER, "kind": "drop", "phase": "after", "count": 1})


@check("ORDER-001", "Place, fetch and cancel round trip", CRITICAL)
def round_trip(ctx: Context) -> None:
    """A resting limit buy: fetch_order reports it open with the same side, price and size; after
    cancel_order it is cancelled and the mock has released the frozen USDT."""
    c = ctx.client
    price, size = ctx.resting_buy("BTCUSDT")
    ref = c.place_limit_order("BTCUSDT", "buy", price, size)
    ctx.expect(ref.order_id, "place_limit_order returned no order id")
    order = c.fetch_order("BTCUSDT", ref.order_id)
    ctx.note(f"fetched {order}")
    ctx.expect(order.order_id == ref.order_id, f"fetch_order returned order {order.order_id}, not {ref.order_id}")
    ctx.expect(order.status == OPEN, f"a resting order reported as {order.status!r}, expected open")
    ctx.expect(str(order.side).lower() == "buy", f"side {order.side!r}, expected buy")
    c.cancel_order("BTCUSDT", ref.order_id)
    after = c.fetch_order("BTCUSDT", ref.order_id)
    ctx.expect(after.status == CANCELLED, f"after cancel the order is reported as {after.status!r}")
    frozen = ctx.mock.balances().get("USDT", {}).get("frozen", "0")
    ctx.expect(Decimal(frozen) == 0, f"the mock still holds {frozen} USDT frozen after the cancel")


@check("ORDER-002", "Open orders list the order until it is cancelled", MAJOR)
def open_orders(ctx: Context) -> None:
    """fetch_open_orders includes a fresh resting order, and no longer does after it is cancelled."""
    c = ctx.client
    price, size = ctx.resting_buy("ETHUSDT")
    ref = c.place_limit_order("ETHUSDT", "buy", price, size)
    listed = [o.order_id for o in c.fetch_open_orders("ETHUSDT")]
    ctx.expect(ref.order_id in listed, f"open orders {listed} lack {ref.order_id}")
    c.cancel_order("ETHUSDT", ref.order_id)
    listed = [o.order_id for o in c.fetch_open_orders("ETHUSDT")]
    ctx.expect(ref.order_id not in listed, f"open orders still list cancelled order {ref.order_id}")


@check("ORDER-003", "A lost place-order answer with a clientOid: one order, reported truthfully", CRITICAL)
def lost_answer_with_oid(ctx: Context) -> None:
    """The mock executes the order but drops the connection before answering. The client must end with
    exactly one order on the exchange and either return it (having looked it up by clientOid) or raise a
    transport error; a duplicate-clientOid error or a second order is a failure."""
    _drop_answer(ctx)
    price, size = ctx.resting_buy("BTCUSDT")
    out = ctx.attempt(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size,
                                                           client_oid=IDEMPOTENT_OID))
    held = ctx.mock.open_orders("BTCUSDT")
    ctx.note(f"place_limit_order {out.describe()}; the mock holds {[o.get('clientOid') for o in held]}")
    ctx.fault_fired(PLACE_ORDER)
    ctx.expect(len(held) == 1, f"the mock holds {len(held)} orders, expected exactly 1")
    if out.ok:
        ctx.expect(out.value.order_id == held[0].get("orderId"),
                   f"the client returned order {out.value.order_id}, the mock holds {held[0].get('orderId')}")
    else:
        ctx.expect(out.category is ErrorCategory.TRANSPORT,
                   f"the order exists, but the client {out.describe()} (expected the order or a transport error)")


@check("ORDER-004", "A lost place-order answer without a clientOid never doubles the order", CRITICAL)
def lost_answer_without_oid(ctx: Context) -> None:
    """As ORDER-003, but the caller gives no clientOid: a client that blindly re-sends the POST places the
    order twice. At most one order may exist, and the call must not crash."""
    _drop_answer(ctx)
    price, size = ctx.resting_buy("BTCUSDT")
    out = ctx.attempt(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size))
    ctx.fault_fired(PLACE_ORDER)
    held = ctx.mock.open_orders("BTCUSDT")
    ctx.note(f"place_limit_order {out.describe()}; the mock holds {len(held)} order(s)")
    ctx.expect(len(held) <= 1, f"the mock holds {len(held)} orders: the client re-sent a non-idempotent POST")
    ctx.expect(out.ok or out.category is not None, f"the client crashed: {out.describe()}")


@check("ORDER-005", "The clientOid given comes back unchanged", MAJOR)
def client_oid_round_trip(ctx: Context) -> None:
    """place_limit_order with a clientOid: the exchange holds that clientOid and fetch_order reports it."""
    c = ctx.client
    price, size = ctx.resting_buy("SOLUSDT")
    ref = c.place_limit_order("SOLUSDT", "buy", price, size, client_oid="conformance-005")
    held = [o.get("clientOid") for o in ctx.mock.open_orders("SOLUSDT")]
    ctx.expect(held == ["conformance-005"], f"the mock holds clientOids {held}")
    order = c.fetch_order("SOLUSDT", ref.order_id)
    ctx.expect(order.client_oid == "conformance-005", f"fetch_order reports clientOid {order.client_oid!r}")

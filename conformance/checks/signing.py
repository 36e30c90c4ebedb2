"""SIGN: the mock verifies every signature over the bytes the client sent, so these pass only when the
client signed exactly what went on the wire (path, query in its sent order and encoding, body)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_exchange.journal import JournalEntry

from .base import CRITICAL, MAJOR, check
from .paths import ASSETS, DRAGON_SYMBOL, ORDER_INFO, PLACE_ORDER, UNFILLED

if TYPE_CHECKING:
    from ..context import Context

# every character Bitget allows in a clientOid that means something in a URL or a form: + # - _
RESERVED_OID = "cf+a#b_c-1+2#3"


def _seen_ok(ctx: Context, path: str, what: str) -> JournalEntry:
    """The last successful request to `path`, after making sure nothing was refused for its signature."""
    ctx.expect_no_auth_failures()
    seen = [e for e in ctx.journal(path) if e.get("code") == "00000"]
    ctx.expect(seen, f"the mock saw no successful {what}")
    last = seen[-1]
    ctx.note(f"{last['method']} {last['path']} query as sent: {last['query']!r}")
    return last


@check("SIGN-001", "A signed GET with a query string verifies", CRITICAL)
def get_with_query(ctx: Context) -> None:
    """fetch_open_orders(BTCUSDT) is a private GET with the symbol in its query; the mock accepts it only
    when the signature covers that query exactly as sent, in the order sent."""
    ctx.client.fetch_open_orders("BTCUSDT")
    seen = _seen_ok(ctx, UNFILLED, "GET unfilled-orders")
    ctx.expect("symbol=BTCUSDT" in str(seen["query"]), f"the query {seen['query']!r} does not carry the symbol")


@check("SIGN-002", "A signed POST with a JSON body verifies", CRITICAL)
def post_with_body(ctx: Context) -> None:
    """place_limit_order sends a JSON body; the signature must cover the body's raw bytes as sent."""
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.client.place_limit_order("BTCUSDT", "buy", price, size)
    _seen_ok(ctx, PLACE_ORDER, "POST place-order")


@check("SIGN-003", "A signed GET without a query verifies (no '?' in the prehash)", CRITICAL)
def get_without_query(ctx: Context) -> None:
    """fetch_balance; when the query is empty the prehash has no '?'."""
    ctx.client.fetch_balance()
    _seen_ok(ctx, ASSETS, "GET account/assets")


@check("SIGN-004", "A non-ASCII symbol in a signed query verifies", MAJOR)
def non_ascii_query(ctx: Context) -> None:
    """fetch_open_orders(龙币USDT): the symbol is percent-encoded UTF-8 in the URL; the signature must be
    over that query as sent (or its decoded form), never over a differently encoded string."""
    ctx.client.fetch_open_orders(DRAGON_SYMBOL)
    _seen_ok(ctx, UNFILLED, f"GET unfilled-orders for {DRAGON_SYMBOL}")


@check("SIGN-005", "A non-ASCII symbol in a signed body verifies", MAJOR)
def non_ascii_body(ctx: Context) -> None:
    """place_limit_order on 龙币USDT: raw UTF-8 or \\u escapes are both fine, if the signature covers the
    same bytes that are sent."""
    price, size = ctx.resting_buy(DRAGON_SYMBOL)
    ref = ctx.client.place_limit_order(DRAGON_SYMBOL, "buy", price, size)
    _seen_ok(ctx, PLACE_ORDER, f"POST place-order for {DRAGON_SYMBOL}")
    orders = [o for o in ctx.mock.open_orders(DRAGON_SYMBOL) if o.get("orderId") == ref.order_id]
    ctx.expect(orders, f"the mock holds no open order {ref.order_id} on {DRAGON_SYMBOL}")


@check("SIGN-006", "A clientOid with + and # reaches the exchange unchanged", MAJOR)
def reserved_client_oid(ctx: Context) -> None:
    """Places an order with clientOid `cf+a#b_c-1+2#3` (every character allowed, several reserved in
    URLs); the mock must hold that exact clientOid, and the client must report it back unchanged."""
    price, size = ctx.resting_buy("BTCUSDT")
    ref = ctx.client.place_limit_order("BTCUSDT", "buy", price, size, client_oid=RESERVED_OID)
    _seen_ok(ctx, PLACE_ORDER, "POST place-order")
    held = [o.get("clientOid") for o in ctx.mock.open_orders("BTCUSDT") if o.get("orderId") == ref.order_id]
    ctx.expect(held == [RESERVED_OID], f"the mock holds clientOid {held} for order {ref.order_id}, "
                                       f"sent {RESERVED_OID!r}")
    order = ctx.client.fetch_order("BTCUSDT", ref.order_id)
    ctx.expect(order.client_oid == RESERVED_OID,
               f"the client reports clientOid {order.client_oid!r}, expected {RESERVED_OID!r}")


@check("SIGN-007", "A clientOid with + and # in a signed query verifies and finds the order", MAJOR)
def reserved_client_oid_query(ctx: Context) -> None:
    """fetch_order_by_client_oid puts `cf+a#b_c-1+2#3` in a GET query: '+' and '#' must be percent-encoded
    (a raw '+' reads as a space, a raw '#' ends the URL) and the signature must match what is sent."""
    price, size = ctx.resting_buy("BTCUSDT")
    ref = ctx.client.place_limit_order("BTCUSDT", "buy", price, size, client_oid=RESERVED_OID)
    order = ctx.client.fetch_order_by_client_oid("BTCUSDT", RESERVED_OID)
    _seen_ok(ctx, ORDER_INFO, "GET orderInfo")
    ctx.expect(order.order_id == ref.order_id, f"found order {order.order_id}, placed {ref.order_id}")


@check("SIGN-008", "A whole trading session has no refused signature", CRITICAL)
def session(ctx: Context) -> None:
    """Balance, open orders, place, fetch, cancel, open orders again: every private request must pass
    the mock's authentication (no 40009, 40006, 40012, 40005), whatever number of query keys it sends."""
    c = ctx.client
    c.fetch_balance()
    c.fetch_open_orders("ETHUSDT")
    price, size = ctx.resting_buy("ETHUSDT")
    ref = c.place_limit_order("ETHUSDT", "buy", price, size)
    c.fetch_order("ETHUSDT", ref.order_id)
    c.cancel_order("ETHUSDT", ref.order_id)
    c.fetch_open_orders("ETHUSDT")
    ctx.expect_no_auth_failures()
    private = ctx.private_requests()
    ctx.expect(len(private) >= 6, f"only {len(private)} signed requests reached the mock")
    most = max(private, key=lambda e: str(e.get("query")).count("&"))
    ctx.note(f"{len(private)} signed requests; the most query keys: {most['path']}?{most['query']}")

"""DATA: Bitget sends numbers as decimal strings; the client must hand them over without losing a digit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .base import MAJOR, MINOR, check
from .paths import ORDERBOOK, TICKERS

if TYPE_CHECKING:
    from ..context import Context

# 22 significant digits: a float keeps about 16, so a client that parses numbers as floats loses some
PRECISE_BALANCE = "98765432109876.54321012"


def exact(value: Any) -> Decimal | None:
    """The number the client returned, as the decimal it shows (str() of a float is its shortest repr)."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _served_at(ctx: Context, path: str) -> int:
    served = [e for e in ctx.journal(path) if e.get("code") == "00000"]
    ctx.expect(served, f"the mock served no {path}")
    return int(served[-1]["ts"])


@check("DATA-001", "Ticker prices are the exchange's exact decimals", MAJOR)
def ticker(ctx: Context) -> None:
    """With the mock's clock frozen, fetch_ticker's last, bid and ask must equal the decimal strings the
    mock sent (compared as decimals: `0.4891` must not become `0.489` or `0.48909999`)."""
    ctx.mock.clock.freeze()
    got = ctx.client.fetch_ticker("龙币USDT")
    sent = ctx.mock.ticker("龙币USDT", _served_at(ctx, TICKERS))
    for name, field in (("last", "lastPr"), ("bid", "bidPr"), ("ask", "askPr")):
        value = getattr(got, name)
        if name != "last" and value is None:
            ctx.note(f"the client gives no {name}")
            continue
        ctx.expect(exact(value) == Decimal(sent[field]),
                   f"{name}: the client returned {value!r}, the mock sent {sent[field]!r}")


@check("DATA-002", "Order book levels are exact and in order", MAJOR)
def order_book(ctx: Context) -> None:
    """fetch_order_book: bids best (highest) first, asks best (lowest) first, best bid below best ask,
    each price and size an exact decimal of what the mock sent."""
    ctx.mock.clock.freeze()
    book = ctx.client.fetch_order_book("BTCUSDT")
    ts = _served_at(ctx, ORDERBOOK)
    sent = ctx.mock.book("BTCUSDT", ts)
    ctx.expect(book.bids and book.asks, "an empty side in the order book")
    bids = [exact(p) for p, _ in book.bids]
    asks = [exact(p) for p, _ in book.asks]
    bid_prices = [p for p in bids if p is not None]
    ask_prices = [p for p in asks if p is not None]
    ctx.expect(len(bid_prices) == len(bids) and len(ask_prices) == len(asks), "a price in the book is not a number")
    ctx.expect(bid_prices == sorted(bid_prices, reverse=True), "bids are not best (highest) first")
    ctx.expect(ask_prices == sorted(ask_prices), "asks are not best (lowest) first")
    ctx.expect(bid_prices[0] < ask_prices[0], f"best bid {bid_prices[0]} is not below best ask {ask_prices[0]}")
    for side, got, levels in (("bid", book.bids, sent["bids"]), ("ask", book.asks, sent["asks"])):
        for (price, size), (sent_price, sent_size) in zip(got[:5], levels[:5], strict=False):
            ctx.expect(exact(price) == Decimal(sent_price) and exact(size) == Decimal(sent_size),
                       f"{side} level ({price!r}, {size!r}) differs from the mock's ({sent_price}, {sent_size})")


@check("DATA-003", "A balance with 22 significant digits is reported exactly", MINOR)
def precise_balance(ctx: Context) -> None:
    """USDT set to 98765432109876.54321012: a client that parses numbers as binary floats returns
    98765432109876.55 or so. Decimal-safe clients return every digit."""
    ctx.mock.set_balances({"USDT": PRECISE_BALANCE})
    balances = ctx.client.fetch_balance()
    ctx.expect("USDT" in balances, f"no USDT among the balances {sorted(balances)}")
    got = balances["USDT"].available
    ctx.expect(exact(got) == Decimal(PRECISE_BALANCE),
               f"available USDT is {got!r} ({type(got).__name__}), the mock sent {PRECISE_BALANCE}")


@check("DATA-004", "An order's price and size come back exactly as placed", MINOR)
def order_values(ctx: Context) -> None:
    """fetch_order reports the price and size given to place_limit_order, as exact decimals."""
    price, size = ctx.resting_buy("SOLUSDT")
    ref = ctx.client.place_limit_order("SOLUSDT", "buy", price, size)
    order = ctx.client.fetch_order("SOLUSDT", ref.order_id)
    ctx.expect(exact(order.price) == price, f"price {order.price!r}, placed {price}")
    ctx.expect(exact(order.size) == size, f"size {order.size!r}, placed {size}")

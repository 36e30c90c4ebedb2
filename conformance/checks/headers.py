"""HDR: the headers a client sends, judged from the headers the mock saw (names arrive lower-cased).

Only what the exchange depends on is judged: Content-Type on every POST, and the four ACCESS-* headers on
every signed request, each once and spelled as Bitget spells them. A public call without ACCESS-*
headers is fine, so is one that carries them; `locale` and any header the exchange ignores are tolerated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_exchange.journal import JournalEntry

from .base import CRITICAL, MAJOR, check

if TYPE_CHECKING:
    from ..context import Context

AUTH_HEADERS = ("access-key", "access-sign", "access-timestamp", "access-passphrase")


def session(ctx: Context) -> None:
    """Public and private calls, reads and writes, each attempted (a refused call is judged by the headers)."""
    c = ctx.client
    ctx.attempt(lambda: c.fetch_ticker("BTCUSDT"))
    ctx.attempt(c.fetch_balance)
    ctx.attempt(lambda: c.fetch_open_orders("BTCUSDT"))
    price, size = ctx.resting_buy("BTCUSDT")
    placed = ctx.attempt(lambda: c.place_limit_order("BTCUSDT", "buy", price, size))
    if placed.ok:
        ctx.attempt(lambda: c.cancel_order("BTCUSDT", placed.value.order_id))


def names(entry: JournalEntry) -> list[str]:
    return [name.lower() for name, _ in entry.get("headers", [])]


def where(entry: JournalEntry) -> str:
    return f"{entry['method']} {entry['path']}"


@check("HDR-001", "Every POST carries Content-Type: application/json", CRITICAL)
def content_type(ctx: Context) -> None:
    """A session that places and cancels an order: every POST the mock saw must carry a Content-Type
    naming application/json (a charset parameter is fine). Bitget refuses a POST without it (40007),
    so a client that leaves it out cannot trade at all."""
    session(ctx)
    posts = [e for e in ctx.journal() if e["method"] == "POST"]
    ctx.expect(posts, "the client sent no POST")
    for entry in posts:
        values = [v for k, v in entry.get("headers", []) if k.lower() == "content-type"]
        ctx.note(f"{where(entry)} Content-Type {values}")
        ctx.expect(len(values) == 1 and "application/json" in values[0].lower(),
                   f"{where(entry)} carried Content-Type {values or 'none'}; Bitget refuses a POST without "
                   "application/json (40007)")


@check("HDR-002", "Signed requests carry each ACCESS-* header once, spelled as Bitget spells it", MAJOR)
def auth_header_names(ctx: Context) -> None:
    """Every request carrying any ACCESS- header (every private one) must carry ACCESS-KEY, ACCESS-SIGN,
    ACCESS-TIMESTAMP and ACCESS-PASSPHRASE exactly once each. A repeated header is joined or dropped
    by proxies on the way to the exchange (the mock happens to accept a repeated identical value), and a
    name with `_` instead of `-` is dropped by nginx's default `underscores_in_headers off`."""
    session(ctx)
    signed = [e for e in ctx.journal() if any(n.startswith(("access-", "access_")) for n in names(e))]
    ctx.expect(signed, "the client sent no signed request")
    for entry in signed:
        seen = names(entry)
        odd = sorted({n for n in seen if n.startswith(("access-", "access_")) and n not in AUTH_HEADERS})
        ctx.expect(not odd, f"{where(entry)} carried {odd}: Bitget reads only {', '.join(AUTH_HEADERS)}")
        counts = {n: seen.count(n) for n in AUTH_HEADERS}
        ctx.expect(all(v == 1 for v in counts.values()),
                   f"{where(entry)} carried the auth headers {counts} times (each exactly once)")
    ctx.note(f"{len(signed)} signed requests, each with the four ACCESS-* headers once")

"""TIME: the mock refuses timestamps more than 30 s from its clock (40008); these move its clock and
watch whether the client keeps time with the server rather than with its own machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..adapters.base import Adapter, ErrorCategory
from .base import CRITICAL, MAJOR, MINOR, check
from .paths import ASSETS

if TYPE_CHECKING:
    from ..context import Context

SKEW_MS = 45_000  # beyond Bitget's 30 s window, so a client signing with its own clock is refused
TOLERANCE_MS = 5_000


def _recovers(ctx: Context, client: Adapter) -> None:
    """A private call succeeds at once, or right after one timestamp error."""
    first = ctx.attempt(client.fetch_balance, client)
    ctx.note(f"first fetch_balance {first.describe()}")
    if first.ok:
        return
    ctx.expect(first.category is ErrorCategory.TIMESTAMP,
               f"with the server clock {SKEW_MS // 1000} s away the client {first.describe()}; expected success "
               "or a timestamp error it recovers from")
    second = ctx.attempt(client.fetch_balance, client)
    ctx.note(f"second fetch_balance {second.describe()}")
    ctx.expect(second.ok, f"after a timestamp error the next call still {second.describe()}: the client does "
                          "not re-sync with server time")


@check("TIME-001", "server_time reports the exchange's clock, not the local one", CRITICAL)
def server_time(ctx: Context) -> None:
    """The mock's clock runs 45 s ahead; server_time() must be within 5 s of the mock's time."""
    ctx.mock.clock.shift(SKEW_MS)
    got = ctx.client.server_time()
    now = ctx.mock.clock.now_ms()
    ctx.note(f"client said {got}, mock clock {now}")
    ctx.expect(abs(int(got) - now) <= TOLERANCE_MS,
               f"server_time() = {got}, {int(got) - now} ms from the mock's clock {now}")


@check("TIME-002", "Server clock 45 s ahead from the start: the client syncs or recovers after 40008", MAJOR)
def skew_ahead(ctx: Context) -> None:
    """A machine whose clock is 45 s behind the exchange: the first private call succeeds, or the next
    one does after a 40008 (the client measured the offset from the server time endpoint)."""
    ctx.mock.clock.shift(SKEW_MS)
    _recovers(ctx, ctx.client)


@check("TIME-003", "Server clock 45 s behind from the start: the client syncs or recovers after 40008", MINOR)
def skew_behind(ctx: Context) -> None:
    """The same with the machine's clock 45 s ahead of the exchange."""
    ctx.mock.clock.shift(-SKEW_MS)
    _recovers(ctx, ctx.client)


@check("TIME-004", "Server clock jumps 45 s mid-session: the client recovers", MINOR)
def jump(ctx: Context) -> None:
    """One successful private call, then the server clock jumps 45 s ahead (an NTP step on either side):
    the client recovers at once or after one 40008."""
    ctx.client.fetch_balance()
    ctx.mock.clock.shift(SKEW_MS)
    _recovers(ctx, ctx.client)


@check("TIME-005", "After re-syncing, the client keeps the offset (at most one 40008)", MINOR)
def keeps_offset(ctx: Context) -> None:
    """With the server 45 s ahead, four private calls in a row: once synced, the client must not be
    refused again, so the mock sees at most one 40008."""
    ctx.mock.clock.shift(SKEW_MS)
    client = ctx.client
    for _ in range(4):
        ctx.attempt(client.fetch_balance, client)
    codes = ctx.codes(ASSETS)
    ctx.note(f"codes seen: {codes}")
    ctx.expect(codes.count("40008") <= 1, f"{codes.count('40008')} timestamp refusals in 4 calls: {codes}")
    ctx.expect(codes and codes[-1] == "00000", f"the last call was still refused: {codes}")

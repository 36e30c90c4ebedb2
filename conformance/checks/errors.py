"""ERR: the exchange's refusals reach the caller as the right kind of error, typed, never as a crash."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..adapters.base import Credentials, ErrorCategory
from .base import CRITICAL, MAJOR, MINOR, check
from .paths import ASSETS, PLACE_ORDER

if TYPE_CHECKING:
    from ..context import Context

NO_SUCH_ORDER = "1000000000000000001"


@check("ERR-001", "A wrong secret (40009) is an authentication error", CRITICAL)
def wrong_secret(ctx: Context) -> None:
    """The trading key with a different secret: the mock answers 40009 and the client must raise its
    authentication error."""
    good = ctx.mock.credentials
    client = ctx.adapter(Credentials(good.api_key, "0" * 64, good.passphrase))
    ctx.expect_error(client.fetch_balance, ErrorCategory.AUTH, client)
    ctx.expect("40009" in ctx.codes(ASSETS), f"the mock answered {ctx.codes(ASSETS)}, not 40009")


@check("ERR-002", "An unknown API key (40006) is an authentication error", CRITICAL)
def unknown_key(ctx: Context) -> None:
    """A key the exchange does not know."""
    good = ctx.mock.credentials
    client = ctx.adapter(Credentials("bg_" + "f" * 32, good.secret_key, good.passphrase))
    ctx.expect_error(client.fetch_balance, ErrorCategory.AUTH, client)
    ctx.expect("40006" in ctx.codes(ASSETS), f"the mock answered {ctx.codes(ASSETS)}, not 40006")


@check("ERR-003", "A wrong passphrase (40012) is an authentication error", MAJOR)
def wrong_passphrase(ctx: Context) -> None:
    """The trading key with a different passphrase."""
    good = ctx.mock.credentials
    client = ctx.adapter(Credentials(good.api_key, good.secret_key, "Wrong0passphrase"))
    ctx.expect_error(client.fetch_balance, ErrorCategory.AUTH, client)
    ctx.expect("40012" in ctx.codes(ASSETS), f"the mock answered {ctx.codes(ASSETS)}, not 40012")


@check("ERR-004", "Trading with a read-only key (40014) is a permission error", MAJOR)
def read_only(ctx: Context) -> None:
    """A read-only key places an order: 40014, which is not an authentication failure (the key is valid)."""
    client = ctx.adapter(ctx.mock.read_only)
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.expect_error(lambda: client.place_limit_order("BTCUSDT", "buy", price, size), ErrorCategory.PERMISSION,
                     client)


@check("ERR-005", "Insufficient balance (43012) is an insufficient-funds error", MAJOR)
def insufficient(ctx: Context) -> None:
    """With 5 USDT left, a limit buy worth about 12 USDT."""
    ctx.mock.set_balances({"USDT": "5"})
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.expect_error(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size),
                     ErrorCategory.INSUFFICIENT_FUNDS)


@check("ERR-006", "Fetching an unknown order (43001) is an order-not-found error", MAJOR)
def fetch_unknown(ctx: Context) -> None:
    """fetch_order with an id the exchange never issued."""
    ctx.expect_error(lambda: ctx.client.fetch_order("BTCUSDT", NO_SUCH_ORDER), ErrorCategory.ORDER_NOT_FOUND)


@check("ERR-007", "Cancelling an unknown order (43001) is an order-not-found error", MINOR)
def cancel_unknown(ctx: Context) -> None:
    """cancel_order with an id the exchange never issued."""
    ctx.expect_error(lambda: ctx.client.cancel_order("BTCUSDT", NO_SUCH_ORDER), ErrorCategory.ORDER_NOT_FOUND)


@check("ERR-008", "A price the exchange refuses (43009) is a bad-request error", MINOR)
def refused_price(ctx: Context) -> None:
    """A limit buy at twice the last price is outside Bitget's price band: a bad-request error, which
    a caller must not mistake for a transient failure worth retrying."""
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.expect_error(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price * 4, size),
                     ErrorCategory.BAD_REQUEST)


@check("ERR-009", "A refused signature is not retried in a loop", MAJOR)
def no_auth_retry_storm(ctx: Context) -> None:
    """After a 40009 the client gives up (at most one more attempt): retrying a bad signature only burns
    the rate limit and, on the real exchange, can get the IP banned."""
    good = ctx.mock.credentials
    client = ctx.adapter(Credentials(good.api_key, "0" * 64, good.passphrase))
    ctx.attempt(client.fetch_balance, client)
    refused = ctx.codes(ASSETS).count("40009")
    ctx.note(f"{refused} request(s) refused with 40009")
    ctx.expect(1 <= refused <= 2, f"{refused} requests with a bad signature for one call")


@check("ERR-010", "An order below the minimum value (45110) is a bad-request error", MINOR)
def below_minimum(ctx: Context) -> None:
    """A limit buy worth far less than minTradeUSDT (1 USDT)."""
    price, _ = ctx.resting_buy("BTCUSDT")
    ctx.expect_error(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, Decimal("0.000001")),
                     ErrorCategory.BAD_REQUEST)


@check("ERR-011", "An error envelope sent with HTTP 200 is still an error", MAJOR)
def error_with_200(ctx: Context) -> None:
    """Bitget sends some business errors with HTTP 200: the client must read the envelope's code, not
    only the status. The next place-order is answered HTTP 200 with code 43012 (nothing is placed)."""
    ctx.mock.add_faults({"path": PLACE_ORDER, "kind": "status", "status": 200, "code": "43012", "count": 1})
    price, size = ctx.resting_buy("BTCUSDT")
    ctx.expect_error(lambda: ctx.client.place_limit_order("BTCUSDT", "buy", price, size),
                     ErrorCategory.INSUFFICIENT_FUNDS)
    ctx.fault_fired(PLACE_ORDER)

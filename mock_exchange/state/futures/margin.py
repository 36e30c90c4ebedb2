"""The futures margin arithmetic, exact in Decimal: PnL, margins, fees, maintenance, liquidation prices.

Linear contracts (USDT- and USDC-margined): a position of `size` base coin at `price` is worth
size x price of the margin coin. Sources for each formula are in docs/futures.md; the figures the
spec checked against Bitget's doc examples are in the unit tests.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

ZERO = Decimal(0)
# Money amounts (margins, fees, PnL) are kept on a grid of 1e-12: sums of them stay exact within
# Decimal's 28 digits, so every coin is conserved to the last digit (divisions are not exact).
AMOUNT = Decimal("1e-12")
ONE = Decimal(1)
LONG, SHORT = "long", "short"
# A price Bitget reports for a position that cannot be liquidated (a short's price is far above any
# mark; a long's is 0): the doc's examples show a far-away price rather than an empty one.
UNREACHABLE = ZERO


def amount(value: Decimal) -> Decimal:
    """A money amount on the 1e-12 grid."""
    return value.quantize(AMOUNT, ROUND_HALF_EVEN)


def share(total: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """`total` x part / whole on the grid: the share of a margin that goes with part of a size (all of it
    for the whole size, so nothing is left over by rounding)."""
    return total if part >= whole else amount(total * part / whole)


def direction(hold_side: str) -> int:
    """+1 for a long, -1 for a short: the sign a price rise has on the position's PnL."""
    return 1 if hold_side == LONG else -1


def unrealised_pnl(hold_side: str, entry: Decimal, mark: Decimal, size: Decimal) -> Decimal:
    """long: (mark - entry) x size; short: (entry - mark) x size."""
    return (mark - entry) * size * direction(hold_side)


def realised_pnl(hold_side: str, entry: Decimal, price: Decimal, size: Decimal) -> Decimal:
    """The gross PnL of closing `size` at `price` (before fees; docs/futures.md)."""
    return amount((price - entry) * size * direction(hold_side))


def initial_margin(price: Decimal, size: Decimal, leverage: int) -> Decimal:
    """Margin that backs `size` at `price`: notional / leverage."""
    return amount(price * size / leverage)


def fee(price: Decimal, size: Decimal, rate: Decimal) -> Decimal:
    """The trading fee of a fill, charged in the margin coin on notional (a positive amount)."""
    return amount(price * size * rate)


def average_entry(entry: Decimal, size: Decimal, price: Decimal, qty: Decimal) -> Decimal:
    """The position's average open price after adding `qty` at `price` (size-weighted)."""
    total = size + qty
    return (entry * size + price * qty) / total if total else ZERO


def maintenance_margin(mark: Decimal, size: Decimal, keep_rate: Decimal) -> Decimal:
    return mark * size * keep_rate


def isolated_liquidation_price(hold_side: str, entry: Decimal, margin: Decimal, size: Decimal,
                               keep_rate: Decimal, taker_rate: Decimal) -> Decimal:
    """The mark price at which an isolated position is liquidated (the formula ccxt uses; it gives
    the doc's example to 0.0002 %):

        long:  (entry - margin/size) / ((1 - mmr) x (1 - fee))
        short: (entry + margin/size) x (1 - fee) / (1 + mmr)

    A long whose margin covers its whole value cannot be liquidated: 0."""
    if size <= 0:
        return UNREACHABLE
    per_unit = margin / size
    if hold_side == LONG:
        price = (entry - per_unit) / ((ONE - keep_rate) * (ONE - taker_rate))
        return price if price > 0 else UNREACHABLE
    return (entry + per_unit) * (ONE - taker_rate) / (ONE + keep_rate)


def crossed_liquidation_price(hold_side: str, entry: Decimal, size: Decimal, cushion: Decimal,
                              keep_rate: Decimal) -> Decimal:
    """The mark price at which a crossed position alone exhausts the account: where

        cushion + unrealised_pnl(mark) = keep_rate x mark x size

    with `cushion` the account's crossed equity apart from this position's PnL (cash not held by
    isolated positions or orders, plus the other crossed positions' PnL), so

        long:  mark = (entry x size - cushion) / (size x (1 - mmr))
        short: mark = (entry x size + cushion) / (size x (1 + mmr))

    A long that cannot be liquidated gets 0."""
    if size <= 0:
        return UNREACHABLE
    if hold_side == LONG:
        price = (entry * size - cushion) / (size * (ONE - keep_rate))
        return price if price > 0 else UNREACHABLE
    return (entry * size + cushion) / (size * (ONE + keep_rate))


def crossed(hold_side: str, mark: Decimal, liquidation: Decimal) -> bool:
    """Has the mark reached the liquidation price (a long's from above, a short's from below)?"""
    if hold_side == LONG:
        return liquidation > 0 and mark <= liquidation
    return mark >= liquidation


def funding_payment(hold_side: str, mark: Decimal, size: Decimal, rate: Decimal) -> Decimal:
    """What the position PAYS at a settlement (negative: it receives): size x mark x rate, longs
    paying shorts when the rate is positive."""
    return mark * size * rate * direction(hold_side)


def margin_ratio(maintenance: Decimal, margin_balance: Decimal) -> Decimal:
    """Maintenance margin / margin balance; 1 or more means liquidation. No balance: 1."""
    if margin_balance <= 0:
        return ONE
    return maintenance / margin_balance

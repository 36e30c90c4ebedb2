"""The futures margin arithmetic, exact in Decimal: PnL, margins, fees, maintenance, liquidation prices.

Linear contracts (USDT- and USDC-margined): a position of `size` base coin at `price` is worth
size x price of the margin coin. Inverse contracts (COIN-FUTURES, margined in the base coin): the same
size is a fixed USD value V = size x entry, worth V / price of the margin coin at `price`, so margins,
fees and PnL are in the base coin (`inverse=True`). Sources for each formula are in docs/futures.md;
the figures the spec checked against Bitget's doc examples are in the unit tests.
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


def unrealised_pnl(hold_side: str, entry: Decimal, mark: Decimal, size: Decimal, inverse: bool = False) -> Decimal:
    """long: (mark - entry) x size; short: (entry - mark) x size. Inverse: V x (1/entry - 1/mark) for a
    long, V x (1/mark - 1/entry) for a short, V = size x entry, that is size x (mark - entry) / mark."""
    if inverse:
        return amount(size * (mark - entry) / mark) * direction(hold_side)
    return (mark - entry) * size * direction(hold_side)


def realised_pnl(hold_side: str, entry: Decimal, price: Decimal, size: Decimal, inverse: bool = False) -> Decimal:
    """The gross PnL of closing `size` at `price` (before fees; docs/futures.md)."""
    if inverse:
        return amount(size * (price - entry) / price) * direction(hold_side)
    return amount((price - entry) * size * direction(hold_side))


def value_at(price: Decimal, size: Decimal, inverse: bool = False, entry: Decimal = ZERO) -> Decimal:
    """What the position (or a trade of `size` at `entry`) is worth in the margin coin at `price`: linear
    size x price; inverse V / price with V = size x entry (the trade's own price when `entry` is 0)."""
    if inverse:
        return size * (entry or price) / price
    return size * price


def initial_margin(price: Decimal, size: Decimal, leverage: int, inverse: bool = False) -> Decimal:
    """Margin that backs `size` at `price`: notional / leverage (inverse: size / leverage of the coin,
    the USD value size x price converted back at the same price)."""
    return amount((size if inverse else price * size) / leverage)


def fee(price: Decimal, size: Decimal, rate: Decimal, inverse: bool = False) -> Decimal:
    """The trading fee of a fill, charged in the margin coin on notional (a positive amount); inverse:
    on the fill's USD value converted at its price, size x rate of the base coin."""
    return amount((size if inverse else price * size) * rate)


def average_entry(entry: Decimal, size: Decimal, price: Decimal, qty: Decimal) -> Decimal:
    """The position's average open price after adding `qty` at `price` (size-weighted)."""
    total = size + qty
    return (entry * size + price * qty) / total if total else ZERO


def maintenance_margin(mark: Decimal, size: Decimal, keep_rate: Decimal, inverse: bool = False,
                       entry: Decimal = ZERO) -> Decimal:
    """keep_rate x the position's value at mark, in the margin coin."""
    return value_at(mark, size, inverse, entry) * keep_rate


def break_even_price(hold_side: str, entry: Decimal, size: Decimal, fees: Decimal, inverse: bool = False) -> Decimal:
    """The price at which closing the position pays back `fees` (approximation: the opening fees only).
    Linear: entry +- fees / size; inverse: entry / (1 -+ fees / size), where size x (price - entry) / price
    equals the fees."""
    if size <= 0:
        return entry
    per_unit = fees / size * direction(hold_side)
    if inverse:
        return entry / (ONE - per_unit) if per_unit < ONE else entry
    return entry + per_unit


def isolated_liquidation_price(hold_side: str, entry: Decimal, margin: Decimal, size: Decimal,
                               keep_rate: Decimal, taker_rate: Decimal, inverse: bool = False) -> Decimal:
    """The mark price at which an isolated position is liquidated (the formula ccxt uses; it gives
    the doc's example to 0.0002 %):

        long:  (entry - margin/size) / ((1 - mmr) x (1 - fee))
        short: (entry + margin/size) x (1 - fee) / (1 + mmr)

    Inverse (margin in the base coin, V = size x entry, dir +1 long / -1 short): Bitget's rule that the
    margin less the taker fee to close falls to the maintenance margin, with the inverse PnL
    dir x V x (1/entry - 1/mark), the fee size x fee and the maintenance mmr x V / mark:

        mark = V x (dir + mmr) / (margin + dir x size - size x fee)

    A position that cannot be liquidated (a long whose margin covers its whole value) gets 0."""
    if size <= 0:
        return UNREACHABLE
    if inverse:
        dir_ = direction(hold_side)
        below = margin + dir_ * size - size * taker_rate
        price = size * entry * (dir_ + keep_rate) / below if below else ZERO
        return price if price > 0 else UNREACHABLE
    per_unit = margin / size
    if hold_side == LONG:
        price = (entry - per_unit) / ((ONE - keep_rate) * (ONE - taker_rate))
        return price if price > 0 else UNREACHABLE
    return (entry + per_unit) * (ONE - taker_rate) / (ONE + keep_rate)


def crossed_liquidation_price(hold_side: str, entry: Decimal, size: Decimal, cushion: Decimal,
                              keep_rate: Decimal, inverse: bool = False) -> Decimal:
    """The mark price at which a crossed position alone exhausts the account: where

        cushion + unrealised_pnl(mark) = keep_rate x mark x size

    with `cushion` the account's crossed equity apart from this position's PnL (cash not held by
    isolated positions or orders, plus the other crossed positions' PnL), so

        long:  mark = (entry x size - cushion) / (size x (1 - mmr))
        short: mark = (entry x size + cushion) / (size x (1 + mmr))

    Inverse (all in the base coin, V = size x entry): cushion + dir x V x (1/entry - 1/mark) = mmr x V / mark,

        mark = V x (dir + mmr) / (cushion + dir x size)

    A position that cannot be liquidated gets 0."""
    if size <= 0:
        return UNREACHABLE
    if inverse:
        dir_ = direction(hold_side)
        below = cushion + dir_ * size
        price = size * entry * (dir_ + keep_rate) / below if below else ZERO
        return price if price > 0 else UNREACHABLE
    if hold_side == LONG:
        price = (entry * size - cushion) / (size * (ONE - keep_rate))
        return price if price > 0 else UNREACHABLE
    return (entry * size + cushion) / (size * (ONE + keep_rate))


def crossed(hold_side: str, mark: Decimal, liquidation: Decimal) -> bool:
    """Has the mark reached the liquidation price (a long's from above, a short's from below)?"""
    if liquidation <= 0:
        return False  # UNREACHABLE
    if hold_side == LONG:
        return mark <= liquidation
    return mark >= liquidation


def funding_payment(hold_side: str, mark: Decimal, size: Decimal, rate: Decimal, inverse: bool = False,
                    entry: Decimal = ZERO) -> Decimal:
    """What the position PAYS at a settlement (negative: it receives): its value at mark x rate (linear
    size x mark x rate; inverse V / mark x rate of the base coin), longs paying shorts when the rate is
    positive."""
    return value_at(mark, size, inverse, entry) * rate * direction(hold_side)


def margin_ratio(maintenance: Decimal, margin_balance: Decimal) -> Decimal:
    """Maintenance margin / margin balance; 1 or more means liquidation. No balance: 1."""
    if margin_balance <= 0:
        return ONE
    return maintenance / margin_balance

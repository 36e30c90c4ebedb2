"""The futures margin arithmetic: Bitget's doc examples reproduced, and its rules as properties."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mock_exchange.state.futures import margin as mg

D = Decimal
prices = st.decimals(min_value=D("1"), max_value=D("200000"), places=1)
sizes = st.decimals(min_value=D("0.0001"), max_value=D("50"), places=4)
leverages = st.integers(min_value=1, max_value=125)
rates = st.decimals(min_value=D("0.001"), max_value=D("0.05"), places=4)
sides = st.sampled_from([mg.LONG, mg.SHORT])


def test_doc_examples() -> None:
    # get-single-position example: short 0.005 at 88505.2333..., mark 92171 -> unrealizedPL -18.3288...
    assert round(mg.unrealised_pnl(mg.SHORT, D("88505.23333333333"), D("92171"), D("0.005")), 4) == D("-18.3288")
    # crossed marginSize is total x mark / leverage: 0.005 x 92171 / 14 = 32.9182142857...
    assert round(mg.initial_margin(D("92171"), D("0.005"), 14), 10) == D("32.9182142857")
    # the isolated example: entry 25000, margin 9.6695050093, size 0.01 -> the doc's 24144.1124 within 0.001 %
    liq = mg.isolated_liquidation_price(mg.LONG, D("25000"), D("9.6695050093"), D("0.01"), D("0.004"), D("0.0006"))
    assert abs(liq - D("24144.1124161806977798")) / liq < D("0.00001")


@settings(max_examples=60, deadline=None)
@given(sides, prices, prices, sizes)
def test_pnl_is_antisymmetric_and_zero_at_entry(side: str, entry: Decimal, mark: Decimal, size: Decimal) -> None:
    other = mg.SHORT if side == mg.LONG else mg.LONG
    assert mg.unrealised_pnl(side, entry, mark, size) == -mg.unrealised_pnl(other, entry, mark, size)
    assert mg.unrealised_pnl(side, entry, entry, size) == 0
    assert mg.realised_pnl(side, entry, mark, size) == mg.unrealised_pnl(side, entry, mark, size)


@settings(max_examples=60, deadline=None)
@given(sides, prices, sizes, leverages, rates)
def test_isolated_liquidation_price_is_where_the_margin_runs_out(side: str, entry: Decimal, size: Decimal,
                                                                  lev: int, mmr: Decimal) -> None:
    """At the liquidation price the margin left (after the loss and the taker fee to close) is about the
    maintenance margin: the position is liquidated before it is bankrupt, and on the losing side of entry."""
    taker = D("0.0006")
    assume(D(1) / lev > mmr + 2 * taker)  # the tiers keep leverage there: 1/leverage above the maintenance rate
    margin = mg.initial_margin(entry, size, lev)
    liq = mg.isolated_liquidation_price(side, entry, margin, size, mmr, taker)
    if liq == 0:
        assert side == mg.LONG  # only a long can be out of reach (margin covers its whole value)
        return
    assert (liq < entry) if side == mg.LONG else (liq > entry)
    left = margin + mg.unrealised_pnl(side, entry, liq, size) - mg.fee(liq, size, taker)
    maintenance = mg.maintenance_margin(liq, size, mmr)
    assert abs(left - maintenance) <= mg.fee(liq, size, taker) * 2 + D("1e-12")
    assert left >= -D("1e-9")  # never bankrupt at the liquidation price


@settings(max_examples=60, deadline=None)
@given(sides, prices, sizes, st.decimals(min_value=D("0"), max_value=D("100000"), places=2), rates)
def test_crossed_liquidation_price_solves_its_equation(side: str, entry: Decimal, size: Decimal, cushion: Decimal,
                                                       mmr: Decimal) -> None:
    liq = mg.crossed_liquidation_price(side, entry, size, cushion, mmr)
    if liq == 0:
        assert side == mg.LONG
        return
    equity = cushion + mg.unrealised_pnl(side, entry, liq, size)
    assert abs(equity - mg.maintenance_margin(liq, size, mmr)) < D("1e-9")
    assert mg.crossed(side, liq, liq)


@settings(max_examples=60, deadline=None)
@given(sides, prices, sizes, st.decimals(min_value=D("-0.003"), max_value=D("0.003"), places=6))
def test_funding_longs_pay_shorts_when_positive(side: str, mark: Decimal, size: Decimal, rate: Decimal) -> None:
    paid = mg.funding_payment(side, mark, size, rate)
    other = mg.SHORT if side == mg.LONG else mg.LONG
    assert paid == -mg.funding_payment(other, mark, size, rate)
    assert (paid > 0) == ((rate > 0) == (side == mg.LONG)) or rate == 0


@settings(max_examples=40, deadline=None)
@given(prices, sizes, prices, sizes)
def test_average_entry_lies_between_the_prices(p1: Decimal, q1: Decimal, p2: Decimal, q2: Decimal) -> None:
    avg = mg.average_entry(p1, q1, p2, q2)
    assert min(p1, p2) <= avg <= max(p1, p2)
    assert avg * (q1 + q2) == p1 * q1 + p2 * q2 or abs(avg * (q1 + q2) - (p1 * q1 + p2 * q2)) < D("1e-20")


# -- inverse (COIN-FUTURES) ---------------------------------------------------------------------------

def test_inverse_examples() -> None:
    """Textbook inverse payoffs at 1x (BingX's coin-margined examples; Bitget's formula V x (1/entry - 1/mark)):
    10 BTC long at 100, margin 10 BTC: +100 % gives +50 %, -50 % gives -100 %; a short the mirror."""
    assert mg.unrealised_pnl(mg.LONG, D(100), D(200), D(10), True) == D(5)
    assert mg.unrealised_pnl(mg.LONG, D(100), D(50), D(10), True) == D(-10)
    assert mg.unrealised_pnl(mg.SHORT, D(100), D(200), D(10), True) == D(-5)
    assert mg.unrealised_pnl(mg.SHORT, D(100), D(50), D(10), True) == D(10)
    assert mg.initial_margin(D(100), D(10), 1, True) == D(10) and mg.fee(D(100), D(10), D("0.0006"), True) == D("0.006")
    # a 1x inverse short margined with its whole size loses its margin only far above entry
    far = mg.isolated_liquidation_price(mg.SHORT, D(100), D(10), D(10), D("0.004"), D("0.0006"), True)
    assert far > D(100) * 1000


@settings(max_examples=60, deadline=None)
@given(sides, prices, prices, sizes)
def test_inverse_pnl_is_antisymmetric_convex_and_zero_at_entry(side: str, entry: Decimal, mark: Decimal,
                                                               size: Decimal) -> None:
    other = mg.SHORT if side == mg.LONG else mg.LONG
    pnl = mg.unrealised_pnl(side, entry, mark, size, True)
    assert pnl == -mg.unrealised_pnl(other, entry, mark, size, True)
    assert mg.unrealised_pnl(side, entry, entry, size, True) == 0
    assert pnl == mg.realised_pnl(side, entry, mark, size, True)
    # V x (1/entry - 1/mark), V = size x entry, on the amount grid
    assert abs(pnl - mg.direction(side) * size * entry * (1 / entry - 1 / mark)) <= D("1e-12")
    assert mg.unrealised_pnl(mg.LONG, entry, mark, size, True) < size  # a long can never win its whole size


@settings(max_examples=60, deadline=None)
@given(sides, prices, sizes, leverages, rates)
def test_inverse_isolated_liquidation_price_is_where_the_margin_runs_out(side: str, entry: Decimal, size: Decimal,
                                                                         lev: int, mmr: Decimal) -> None:
    taker = D("0.0006")
    assume(D(1) / lev > mmr + 2 * taker)
    margin = mg.initial_margin(entry, size, lev, True)
    liq = mg.isolated_liquidation_price(side, entry, margin, size, mmr, taker, True)
    assert liq > 0  # an inverse position can always be liquidated (its loss in the coin is unbounded)
    assert (liq < entry) if side == mg.LONG else (liq > entry)
    left = margin + mg.unrealised_pnl(side, entry, liq, size, True) - mg.fee(liq, size, taker, True)
    assert abs(left - mg.maintenance_margin(liq, size, mmr, True, entry)) < D("1e-9")
    assert mg.crossed(side, liq, liq)


@settings(max_examples=60, deadline=None)
@given(sides, prices, sizes, st.decimals(min_value=D("0"), max_value=D("20"), places=4), rates)
def test_inverse_crossed_liquidation_price_solves_its_equation(side: str, entry: Decimal, size: Decimal,
                                                               cushion: Decimal, mmr: Decimal) -> None:
    liq = mg.crossed_liquidation_price(side, entry, size, cushion, mmr, True)
    if liq == 0:
        assert side == mg.SHORT and cushion >= size  # a short backed by its whole size in the coin
        assert not mg.crossed(side, entry * 1000, liq)
        return
    equity = cushion + mg.unrealised_pnl(side, entry, liq, size, True)
    assert abs(equity - mg.maintenance_margin(liq, size, mmr, True, entry)) < D("1e-9")


@settings(max_examples=40, deadline=None)
@given(sides, prices, prices, sizes, st.decimals(min_value=D("-0.003"), max_value=D("0.003"), places=6))
def test_inverse_funding_is_the_value_at_mark_times_the_rate(side: str, entry: Decimal, mark: Decimal, size: Decimal,
                                                             rate: Decimal) -> None:
    paid = mg.funding_payment(side, mark, size, rate, True, entry)
    assert paid == mg.direction(side) * size * entry / mark * rate
    assert mg.break_even_price(side, entry, size, size * D("0.0006"), True) * mg.direction(side) > entry * mg.direction(
        side)

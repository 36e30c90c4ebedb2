"""The futures market's state: prices near the walk, books on the grid, funding bounded and deterministic."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.errors import BitgetError
from mock_exchange.state.catalog import CONTRACTS, PRODUCT_TYPES, Contract
from mock_exchange.state.futures_market import BASIS_BOUND, FuturesMarket, merge_levels
from mock_exchange.state.futures_series import GRANULARITIES, KLINE_TYPES, FuturesSeries
from mock_exchange.state.market import Market

from .helpers import NOW

contracts = st.sampled_from(CONTRACTS)
instants = st.integers(NOW - 10**10, NOW + 10**10)
seeds = st.integers(0, 2**32)


def _market(seed: int = 7) -> FuturesMarket:
    return FuturesMarket(seed, Market(seed))


@given(seed=seeds, c=contracts, now=instants)
def test_mark_and_index_stay_within_the_basis_of_last(seed: int, c: Contract, now: int) -> None:
    m = _market(seed)
    last = m.last_price(c, now)
    bound = Decimal(repr(BASIS_BOUND)) * last * Decimal("1.0001") + c.tick
    assert abs(m.mark_price(c, now) - last) <= bound
    assert abs(m.index_price(c, now) - last) <= bound
    assert m.mark_price(c, now) % c.tick == 0 and last % c.tick == 0


@given(seed=seeds, c=contracts, now=instants)
@settings(max_examples=30)
def test_book_is_sorted_on_the_grid_and_touches_last(seed: int, c: Contract, now: int) -> None:
    m = _market(seed)
    book = m.book(c, now)
    asks, bids = [lv.price for lv in book.asks], [lv.price for lv in book.bids]
    assert asks == sorted(set(asks)) and bids == sorted(set(bids), reverse=True)
    assert bids[0] < asks[0] and m.last_price(c, now) in (bids[0], asks[0])
    for lv in book.asks + book.bids:
        assert lv.price % c.tick == 0 and lv.price > 0
        assert lv.size >= c.lot and lv.size % c.lot == 0


@given(seed=seeds, c=contracts, now=instants)
def test_funding_rate_is_bounded_deterministic_and_settled_as_shown(seed: int, c: Contract, now: int) -> None:
    a, b = _market(seed), _market(seed)
    rate = a.funding_rate(c, now)
    assert c.min_funding_rate <= rate <= c.max_funding_rate
    assert rate == b.funding_rate(c, now) and rate.as_tuple().exponent == -6
    nxt = a.next_funding_ms(c, now)
    assert now < nxt <= now + a.interval_ms(c) and nxt % (8 * 3_600_000) == 0
    # the rate a settlement applies is the one shown the instant before it
    assert a.settled_rate(c, nxt) == a.funding_rate(c, nxt - 1)
    history = a.funding_history(c, now, 0, 3)
    assert [r.funding_time for r in history] == [nxt - k * a.interval_ms(c) for k in (1, 2, 3)]
    assert all(r.rate == b.settled_rate(c, r.funding_time) for r in history)


def test_settlements_fall_at_0_8_16_utc_in_the_window() -> None:
    m = _market()
    c = CONTRACTS[0]
    day = (NOW // 86_400_000) * 86_400_000
    assert m.settlements(c, day - 1, day + 86_400_000) == [day + h * 3_600_000 for h in (0, 8, 16, 24)]
    assert m.settlements(c, day, day + 8 * 3_600_000 - 1) == []


def test_funding_rates_vary_across_intervals() -> None:
    m = _market()
    rates = {r.rate for r in m.funding_history(m.contract("USDT-FUTURES", "BTCUSDT"), NOW, 0, 90)}
    assert len(rates) > 5 and min(rates) < Decimal("0.0001") < max(rates)


@given(seed=seeds, c=contracts, now=instants, kind=st.sampled_from(KLINE_TYPES),
       granularity=st.sampled_from(sorted(GRANULARITIES)))
@settings(max_examples=40)
def test_newest_candle_closes_at_the_current_price(seed: int, c: Contract, now: int, kind: str,
                                                    granularity: str) -> None:
    m = _market(seed)
    rows = FuturesSeries(m).candles(c, granularity, kind, now, None, None, 3)
    current = {"MARKET": m.last_price, "MARK": m.mark_price, "INDEX": m.index_price}[kind](c, now)
    assert len(rows) == 3 and rows[-1].close == current and rows[-1].ts <= now
    assert [r.ts for r in rows] == sorted({r.ts for r in rows})
    for r in rows:
        assert r.low <= min(r.open, r.close) and r.high >= max(r.open, r.close)
        assert (r.base_volume > 0) == (kind == "MARKET")


@given(c=contracts, now=instants)
@settings(max_examples=30)
def test_public_trades_end_at_last_and_page_back(c: Contract, now: int) -> None:
    m = _market()
    series = FuturesSeries(m)
    recent = series.trades(c, now, 5)
    assert recent[0].price == m.last_price(c, now) and recent[0].ts <= now
    older = series.trade_history(c, now, recent[-1].trade_id, None, None, 3)
    assert [t.trade_id for t in older] == sorted((t.trade_id for t in older), reverse=True)
    assert older[0].trade_id < recent[-1].trade_id and older[0].ts == recent[-1].ts - 1000


@given(c=contracts, now=instants)
def test_open_interest_is_positive_on_the_lot(c: Contract, now: int) -> None:
    oi = _market().open_interest(c, now)
    assert oi > 0 and oi % c.lot == 0


@given(c=contracts, scale=st.integers(0, 3), now=instants)
@settings(max_examples=30)
def test_merged_levels_keep_the_total_size_on_the_coarser_grid(c: Contract, scale: int, now: int) -> None:
    book = _market().book(c, now)
    step = c.tick * 10**scale
    for levels, asks in ((book.asks, True), (book.bids, False)):
        merged = merge_levels(levels, step, asks)
        assert sum(lv.size for lv in merged) == sum(lv.size for lv in levels)
        assert all(lv.price % step == 0 for lv in merged)
        prices = [lv.price for lv in merged]
        assert prices == (sorted(set(prices)) if asks else sorted(set(prices), reverse=True))


def test_contract_lookup_any_case_demo_mirrored_and_unknown_refused() -> None:
    m = _market()
    assert m.contract("SUSDT-FUTURES", "btcusdt") is m.contract("USDT-FUTURES", "BTCUSDT")
    assert {c.product_type for pt in PRODUCT_TYPES for c in m.contracts(pt)} == set(PRODUCT_TYPES)
    for pt, symbol in (("USDT-FUTURES", "BTCUSD"), ("COIN-FUTURES", "NOPE")):
        try:
            m.contract(pt, symbol)
        except BitgetError as exc:
            assert exc.code == "40034"
        else:
            raise AssertionError(f"{symbol} in {pt} accepted")


def test_leverage_tiers_are_contiguous_and_lower_leverage_deeper() -> None:
    for c in CONTRACTS:
        assert c.tiers[0].start_unit == 0 and c.max_lever == c.tiers[0].leverage >= c.min_lever
        for a, b in zip(c.tiers, c.tiers[1:], strict=False):
            assert a.end_unit == b.start_unit and a.leverage > b.leverage and a.keep_margin_rate < b.keep_margin_rate
        assert c.tier_for(Decimal(0)).level == 1 and c.tier_for(c.tiers[-1].end_unit * 2) == c.tiers[-1]
        assert c.tier_for(c.tiers[1].start_unit).level == 2

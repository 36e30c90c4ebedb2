"""Matching against the synthetic market, on the state layer with a ManualClock: takers walk the
book, ioc/fok/post_only behave, resting makers fill when the walk crosses or touches them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mock_exchange.clock import ManualClock
from mock_exchange.errors import BitgetError
from mock_exchange.state.catalog import SpotSymbol
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.market import Book
from mock_exchange.state.matching import MAX_SAMPLES, touch_volume
from mock_exchange.state.orders import CANCELLED, FILLED, LIVE, PARTIAL
from mock_exchange.state.pricewalk import STEP_MS, step_of
from mock_exchange.state.trading import Limits, OrderSpec, Page

from .helpers import NOW, UID, seed_accounts


def _exchange(**limits: int) -> tuple[Exchange, ManualClock]:
    clock = ManualClock(NOW)
    return Exchange(clock, 42, seed_accounts(), Limits(**limits)), clock


def _buy(price: Decimal, size: Decimal, force: str = "gtc") -> OrderSpec:
    return OrderSpec("BTCUSDT", "buy", "limit", size, force, price)


def _sell(price: Decimal, size: Decimal, force: str = "gtc") -> OrderSpec:
    return OrderSpec("BTCUSDT", "sell", "limit", size, force, price)


def _book(ex: Exchange, clock: ManualClock) -> Book:
    return ex.market.book(ex.market.symbol("BTCUSDT"), clock.now_ms())


def test_marketable_limit_buy_walks_several_levels_as_taker() -> None:
    ex, clock = _exchange()
    asks = _book(ex, clock).asks
    size = asks[0].size + asks[1].size + asks[2].size + asks[3].size / 2
    size = size.quantize(Decimal("0.000001"))
    order = ex.trading.place(UID, _buy(asks[3].price, size), clock.now_ms())
    assert order.status == FILLED and order.base_volume == size
    assert [f.price for f in order.fills] == [a.price for a in asks[:4]]
    assert all(f.scope == "taker" for f in order.fills)
    cost = sum((f.price * f.size for f in order.fills), Decimal(0))
    assert order.quote_volume == cost and order.frozen == 0
    spot = ex.accounts.account(UID).wallet("spot")
    assert spot["USDT"].available == Decimal("100000") - cost and spot["USDT"].frozen == 0
    assert spot["BTC"].available == Decimal(2) + size - size * Decimal("0.001")


def test_ioc_fills_what_it_can_and_cancels_the_rest() -> None:
    ex, clock = _exchange()
    asks = _book(ex, clock).asks
    size = asks[0].size + asks[1].size + asks[2].size
    order = ex.trading.place(UID, _buy(asks[1].price, size, "ioc"), clock.now_ms())
    assert order.status == CANCELLED and order.base_volume == asks[0].size + asks[1].size
    assert ex.accounts.account(UID).balance("USDT").frozen == 0
    assert order in ex.trading.history(UID, Page(), clock.now_ms())


def test_fok_fills_all_or_nothing() -> None:
    ex, clock = _exchange()
    asks = _book(ex, clock).asks
    too_big = ex.trading.place(UID, _buy(asks[1].price, asks[0].size + asks[1].size + asks[2].size, "fok"),
                               clock.now_ms())
    assert too_big.status == CANCELLED and too_big.base_volume == 0 and not too_big.fills
    assert ex.accounts.account(UID).balance("USDT").available == Decimal("100000")
    fits = ex.trading.place(UID, _buy(asks[1].price, asks[0].size + asks[1].size, "fok"), clock.now_ms())
    assert fits.status == FILLED


def test_post_only_that_would_take_is_refused_without_a_trace() -> None:
    ex, clock = _exchange()
    book = _book(ex, clock)
    last_id = ex.ids.last
    with pytest.raises(BitgetError) as refused:
        ex.trading.place(UID, _buy(book.asks[0].price, Decimal("0.001"), "post_only"), clock.now_ms())
    assert refused.value.code == "43002"
    assert ex.ids.last == last_id and ex.accounts.account(UID).balance("USDT").frozen == 0
    resting = ex.trading.place(UID, _buy(book.bids[0].price, Decimal("0.001"), "post_only"), clock.now_ms())
    assert resting.status == LIVE


def test_market_sell_pays_fee_in_quote() -> None:
    ex, clock = _exchange()
    order = ex.trading.place(UID, OrderSpec("BTCUSDT", "sell", "market", Decimal("0.01")), clock.now_ms())
    assert order.status == FILLED and order.base_volume == Decimal("0.01")
    proceeds = order.quote_volume
    spot = ex.accounts.account(UID).wallet("spot")
    assert spot["USDT"].available == Decimal("100000") + proceeds - proceeds * Decimal("0.001")
    assert spot["BTC"].available == Decimal("1.99") and spot["BTC"].frozen == 0
    assert ex.ledger.fees["USDT"] == proceeds * Decimal("0.001")


def _first_dip(ex: Exchange, clock: ManualClock) -> int:
    """The first future walk step whose price is below the step before it."""
    sym = ex.market.symbol("BTCUSDT")
    step = step_of(clock.now_ms()) + 1
    while ex.market.price(sym, step) >= ex.market.price(sym, step - 1):
        step += 1
    return step


def test_resting_buy_touched_by_the_walk_fills_partly_then_fully() -> None:
    ex, clock = _exchange()
    sym = ex.market.symbol("BTCUSDT")
    dip = _first_dip(ex, clock)
    clock.set((dip - 1) * STEP_MS)
    ex.catch_up(clock.now_ms())
    price = ex.market.price(sym, dip)
    order = ex.trading.place(UID, _buy(price, Decimal("1")), clock.now_ms())
    assert order.status == LIVE and not order.fills
    clock.advance(STEP_MS)
    ex.catch_up(clock.now_ms())
    volume = touch_volume(ex.market, sym, dip)
    assert order.status == PARTIAL and order.base_volume == volume
    assert order.fills[0].scope == "maker" and order.fills[0].price == price
    assert order.fee == volume * sym.maker_fee
    frozen = ex.accounts.account(UID).balance("USDT").frozen
    assert frozen == order.frozen == price * (Decimal(1) - volume)
    for _ in range(7 * 24 * 3600):  # until the walk goes through the price
        if ex.market.price(sym, step_of(clock.now_ms())) < price:
            break
        clock.advance(STEP_MS)
    ex.catch_up(clock.now_ms())
    assert order.status == FILLED and order.remaining == 0 and order.frozen == 0
    assert ex.accounts.account(UID).balance("USDT").frozen == 0


def test_resting_sell_fills_when_the_walk_rises_through_it() -> None:
    ex, clock = _exchange()
    sym = ex.market.symbol("BTCUSDT")
    price = (_book(ex, clock).asks[0].price * Decimal("1.002")).quantize(sym.tick)
    order = ex.trading.place(UID, _sell(price, Decimal("0.5")), clock.now_ms())
    assert ex.accounts.account(UID).balance("BTC").frozen == Decimal("0.5")
    start = step_of(clock.now_ms())
    step = start + 1
    while ex.market.price(sym, step) <= price:
        step += 1
    clock.set((step - 1) * STEP_MS)
    ex.catch_up(clock.now_ms())
    assert order.status == LIVE  # the walk has not reached it yet
    clock.set(step * STEP_MS)
    ex.catch_up(clock.now_ms())
    assert order.status == FILLED and order.fills[-1].scope == "maker"
    assert ex.accounts.account(UID).balance("BTC").frozen == 0


def test_catch_up_is_cheap_when_nothing_rests_and_bounded_when_orders_do(monkeypatch: pytest.MonkeyPatch) -> None:
    ex, clock = _exchange()
    calls = {"n": 0}
    real_mid = ex.market.mid

    def counting_mid(sym: SpotSymbol, step: int) -> float:
        calls["n"] += 1
        return real_mid(sym, step)

    monkeypatch.setattr(ex.market, "mid", counting_mid)
    clock.advance(30 * 24 * 3600 * 1000)
    ex.catch_up(clock.now_ms())
    assert calls["n"] == 0
    far = (_book(ex, clock).bids[0].price * Decimal("0.96")).quantize(Decimal("0.01"))
    for i in range(300):
        ex.trading.place(UID, _buy(far - i, Decimal("0.001")), clock.now_ms())
    calls["n"] = 0
    clock.advance(3600 * 1000)
    ex.catch_up(clock.now_ms())
    assert 0 < calls["n"] <= MAX_SAMPLES + 2


def test_paging_newest_first_by_id_with_time_filters() -> None:
    ex, clock = _exchange()
    price = (_book(ex, clock).bids[0].price * Decimal("0.9")).quantize(Decimal("0.01"))
    placed = []
    for _ in range(7):
        placed.append(ex.trading.place(UID, _buy(price, Decimal("0.001")), clock.now_ms()))
        clock.advance(1000)
    first = ex.trading.open_orders(UID, Page(limit=3))
    assert [o.oid for o in first] == [o.oid for o in placed[::-1][:3]]
    second = ex.trading.open_orders(UID, Page(limit=3, before=first[-1].oid))
    assert [o.oid for o in second] == [o.oid for o in placed[::-1][3:6]]
    window = ex.trading.open_orders(UID, Page(start=placed[2].ctime, end=placed[4].ctime))
    assert [o.oid for o in window] == [placed[4].oid, placed[3].oid, placed[2].oid]
    only = ex.trading.open_orders(UID, Page(order_id=placed[1].oid))
    assert only == [placed[1]]
    assert ex.trading.open_orders(UID, Page(symbol="ETHUSDT")) == []


def test_closed_orders_and_fills_are_capped_and_expire() -> None:
    ex, clock = _exchange(max_closed_orders=5, retention_ms=3_600_000)
    for i in range(20):
        ex.trading.place(UID, OrderSpec("BTCUSDT", "buy", "market", Decimal("10"), client_oid=f"c{i}"),
                         clock.now_ms())
    history = ex.trading.history(UID, Page(), clock.now_ms())
    assert len(history) == 5 and [o.client_oid for o in history] == [f"c{i}" for i in range(19, 14, -1)]
    assert len(ex.trading.fills(UID, Page(), clock.now_ms())) <= 5
    again = ex.trading.place(UID, OrderSpec("BTCUSDT", "buy", "market", Decimal("10"), client_oid="c0"),
                             clock.now_ms())
    assert again.status == FILLED  # a forgotten order's clientOid is free again
    clock.advance(3_600_001)
    assert ex.trading.history(UID, Page(), clock.now_ms()) == []
    assert ex.trading.fills(UID, Page(), clock.now_ms()) == []

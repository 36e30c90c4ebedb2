"""The trigger engine (state/triggers.py) fires every condition at the first sampled step that meets it,
once, in time order, exactly as a brute-force replay of the walk says, with changes made while it fires."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mock_exchange.clock import ManualClock
from mock_exchange.state.catalog import SYMBOLS_BY_NAME
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.matching import MAX_SAMPLES, sampled
from mock_exchange.state.pricewalk import STEP_MS
from mock_exchange.state.triggers import LAST, MARK, SPOT, Fired, Triggers, Watch

D = Decimal
BTC = Watch(SPOT, "BTCUSDT", LAST)
ETH = Watch(SPOT, "ETHUSDT", LAST)
MARK_BTC = Watch("USDT-FUTURES", "BTCUSDT", MARK)
WATCHES = (BTC, ETH, MARK_BTC)


def table_prices(table: dict[Watch, dict[int, Decimal]]) -> Callable[[Watch, int], Decimal]:
    def price_at(watch: Watch, step: int) -> Decimal:
        return table[watch][step]
    return price_at


def path_of(prices: list[int], first: int = 1) -> dict[int, Decimal]:
    return {first + i: D(p) for i, p in enumerate(prices)}


def test_rising_and_falling_fire_at_the_first_step_that_meets_them_and_only_once() -> None:
    t = Triggers()
    t.add(BTC, 1, D(105), True, "up")
    t.add(BTC, 2, D(95), False, "down")
    t.add(BTC, 3, D(200), True, "never")
    price_at = table_prices({BTC: path_of([100, 104, 106, 99, 94, 107])})
    fired = list(t.due(1, 6, price_at))
    assert [(f.trigger.tid, f.step, f.price) for f in fired] == [(1, 3, D(106)), (2, 5, D(94))]
    assert [f.trigger.handle for f in fired] == ["up", "down"]
    assert list(t.due(1, 6, price_at)) == []  # fired ones are gone
    assert len(t) == 1 and 3 in t and 1 not in t


def test_equal_price_meets_the_condition_both_ways() -> None:
    t = Triggers()
    t.add(BTC, 1, D(100), True, None)
    t.add(BTC, 2, D(100), False, None)
    assert {f.trigger.tid for f in t.due(1, 1, table_prices({BTC: path_of([100])}))} == {1, 2}


def test_within_one_step_a_rise_crosses_the_lower_trigger_first() -> None:
    t = Triggers()
    for tid, price in ((1, 103), (2, 101), (3, 102)):
        t.add(BTC, tid, D(price), True, None)
    for tid, price in ((4, 90), (5, 92)):
        t.add(ETH, tid, D(price), False, None)
    price_at = table_prices({BTC: path_of([110]), ETH: path_of([80])})
    assert [f.trigger.tid for f in t.due(1, 1, price_at)] == [2, 3, 1, 5, 4]


def test_removed_and_repriced_triggers_never_fire_on_the_old_condition() -> None:
    t = Triggers()
    t.add(BTC, 1, D(101), True, None)
    t.add(BTC, 2, D(101), True, None)
    t.add(BTC, 3, D(101), True, None)
    assert t.remove(1) is not None and t.remove(1) is None
    t.reprice(2, D(90), False)
    price_at = table_prices({BTC: path_of([102, 89])})
    assert [(f.trigger.tid, f.step) for f in t.due(1, 2, price_at)] == [(3, 1), (2, 2)]
    with pytest.raises(KeyError):
        t.reprice(2, D(1), True)
    with pytest.raises(ValueError):
        t.add(BTC, 9, D(1), True, None)
        t.add(BTC, 9, D(1), True, None)


def test_changes_made_while_firing_count_from_the_step_fired_on() -> None:
    t = Triggers()
    t.add(BTC, 1, D(105), True, "opens")
    t.add(BTC, 2, D(110), True, "partner")
    price_at = table_prices({BTC: path_of([100, 106, 104, 111]), ETH: path_of([50, 50, 49, 40])})
    seen = []
    for fired in t.due(1, 4, price_at):
        seen.append((fired.trigger.tid, fired.step))
        if fired.trigger.tid == 1:
            t.remove(2)  # an OCO partner cancelled
            t.add(BTC, 3, D(104), False, "stop")  # a stop placed on the fill: met at step 3
            t.add(ETH, 4, D(45), False, "elsewhere")  # a watch with no path read yet
            t.add(BTC, 5, D(106), True, "same step")  # already met at the step fired on
    assert seen == [(1, 2), (5, 2), (3, 3), (4, 4)]


def test_clock_back_and_no_gap_fire_nothing_and_long_gaps_are_sampled() -> None:
    t = Triggers(now_ms=10 * STEP_MS)
    t.add(BTC, 1, D(100), True, None)
    calls = []

    def price_at(watch: Watch, step: int) -> Decimal:
        calls.append(step)
        return D(50)

    assert list(t.advance(10 * STEP_MS + 999, price_at)) == [] and calls == []
    assert list(t.advance(3 * STEP_MS, price_at)) == [] and t.last_step == 3
    assert list(t.advance(100_000 * STEP_MS, price_at)) == []
    assert len(calls) == MAX_SAMPLES and calls[0] == 4 and calls[-1] == 100_000


def test_an_advance_reads_each_watched_path_once_and_nothing_else() -> None:
    t = Triggers()
    for tid in range(1000):
        t.add(BTC, tid, D(200 + tid), True, None)
        t.add(ETH, 10_000 + tid, D(10 - tid), False, None)
    calls: list[Watch] = []

    def price_at(watch: Watch, step: int) -> Decimal:
        calls.append(watch)
        return D(100)

    assert list(t.due(1, 5, price_at)) == []
    assert sorted(calls) == sorted([BTC] * 5 + [ETH] * 5)


# -- against a brute-force replay -----------------------------------------------------------------

@dataclass
class Spec:
    tid: int
    watch: Watch
    price: int
    rising: bool


Action = tuple[str, int, Spec]  # ("remove" | "add" | "reprice", target tid, spec for add/reprice)

specs = st.builds(Spec, st.integers(0, 40), st.sampled_from(WATCHES), st.integers(90, 110), st.booleans())
actions = st.tuples(st.sampled_from(("remove", "add", "reprice")), st.integers(0, 40), specs)


def brute_force(initial: list[Spec], steps: list[int], table: dict[Watch, dict[int, Decimal]],
                reactions: dict[int, list[Action]]) -> tuple[list[tuple[int, int]], set[int]]:
    """Step by step over every pending trigger: at each step, the first watch (in order) with a met
    trigger fires its rising one of lowest (price, id) or falling one of highest price, smaller id
    between the two; a fire's reactions apply at once."""
    pending = {s.tid: s for s in initial}
    added: set[int] = set()
    out: list[tuple[int, int]] = []
    for step in steps:
        while True:
            met = [s for s in pending.values() if (table[s.watch][step] >= s.price if s.rising
                                                   else table[s.watch][step] <= s.price)]
            if not met:
                break
            watch = min(s.watch for s in met)
            ups = sorted((s.price, s.tid) for s in met if s.watch == watch and s.rising)
            downs = sorted((-s.price, s.tid) for s in met if s.watch == watch and not s.rising)
            pick = downs[0][1] if downs and (not ups or downs[0][1] < ups[0][1]) else ups[0][1]
            del pending[pick]
            out.append((pick, step))
            for kind, target, spec in reactions.get(pick, []):
                apply(kind, target, spec, pending, added)
    return out, set(pending)


def apply(kind: str, target: int, spec: Spec, pending: dict[int, Spec], added: set[int]) -> None:
    """A fire's reaction. An add never brings back a trigger it added before: a trigger whose fire re-adds
    itself, already met, would otherwise cascade for ever (in the engine and in this replay alike)."""
    if kind == "remove":
        pending.pop(target, None)
    elif kind == "add" and spec.tid + 100 not in pending and spec.tid + 100 not in added:
        added.add(spec.tid + 100)
        pending[spec.tid + 100] = Spec(spec.tid + 100, spec.watch, spec.price, spec.rising)
    elif kind == "reprice" and target in pending:
        pending[target] = Spec(target, pending[target].watch, spec.price, spec.rising)


def engine_apply(t: Triggers, kind: str, target: int, spec: Spec, added: set[int]) -> None:
    if kind == "remove":
        t.remove(target)
    elif kind == "add" and spec.tid + 100 not in t and spec.tid + 100 not in added:
        added.add(spec.tid + 100)
        t.add(spec.watch, spec.tid + 100, D(spec.price), spec.rising, None)
    elif kind == "reprice" and target in t:
        t.reprice(target, D(spec.price), spec.rising)


@example(initial=[Spec(5, BTC, 90, True)], first=0, length=2, seed_prices=[100, 100, 100],
         reactions={5: [("add", 0, Spec(5, BTC, 90, True))], 105: [("add", 0, Spec(5, BTC, 90, True))]})
@given(initial=st.lists(specs, max_size=30, unique_by=lambda s: s.tid),
       first=st.integers(0, 5), length=st.sampled_from([1, 2, 5, 30, 500]),
       seed_prices=st.lists(st.integers(85, 115), min_size=3, max_size=60),
       reactions=st.dictionaries(st.integers(0, 40) | st.integers(100, 140), st.lists(actions, min_size=1, max_size=3),
                                 max_size=30))
def test_the_engine_fires_what_a_brute_force_replay_fires_in_the_same_order(
        initial: list[Spec], first: int, length: int, seed_prices: list[int],
        reactions: dict[int, list[Action]]) -> None:
    last = first + length - 1
    steps = list(sampled(first, last))
    table = {w: {s: D(seed_prices[(s * (k + 3) + k) % len(seed_prices)]) for s in steps}
             for k, w in enumerate(WATCHES)}
    t = Triggers()
    for s in initial:
        t.add(s.watch, s.tid, D(s.price), s.rising, s)
    got: list[Fired] = []
    added: set[int] = set()
    for fired in t.due(first, last, table_prices(table)):
        got.append(fired)
        for kind, target, spec in reactions.get(fired.trigger.tid, []):
            engine_apply(t, kind, target, spec, added)
    expected, left = brute_force(initial, steps, table, reactions)
    assert [(f.trigger.tid, f.step) for f in got] == expected
    assert all(f.price == table[f.trigger.watch][f.step] and f.trigger.met_by(f.price) for f in got)
    assert {tr.tid for w in t.watches() for tr in t.pending(w)} == left and len(t) == len(left)


def test_the_exchange_hands_triggers_the_walks_prices() -> None:
    ex = Exchange(ManualClock(1_795_465_233_000), 7, [])
    step = 1_795_465_233
    c = ex.futures_market.contract("USDT-FUTURES", "BTCUSDT")
    assert ex.trigger_price(BTC, step) == ex.market.price(SYMBOLS_BY_NAME["BTCUSDT"], step)
    assert ex.trigger_price(MARK_BTC, step + 5) == ex.futures_market.mark_at(c, step + 5)
    assert ex.trigger_price(Watch("USDT-FUTURES", "BTCUSDT", LAST), step) == ex.futures_market.price_at(c, step)


@given(symbol=st.sampled_from(["BTCUSDT", "ETHUSDT", "SOLUSDT"]), offset=st.integers(0, 10**7),
       low_gap=st.floats(0.0001, 0.05), high_gap=st.floats(0.0001, 0.05), probe=st.integers(0, 10**6))
def test_the_spot_calm_bound_holds_on_the_walk(symbol: str, offset: int, low_gap: float, high_gap: float,
                                               probe: int) -> None:
    """Within `trigger_calm` steps of a read (either way) the spot price stays strictly between the bounds."""
    ex = Exchange(ManualClock(1_795_465_233_000), 5, [])
    sym = SYMBOLS_BY_NAME[symbol]
    step = 1_795_465_233 + offset
    price = ex.market.price(sym, step)
    low, high = float(price) * (1 - low_gap), float(price) * (1 + high_gap)
    steps = ex.trigger_calm(Watch(SPOT, symbol, LAST), float(price), low, high)
    assert steps >= 0
    for k in {0, steps, -steps, probe % (steps + 1), -(probe % (steps + 1))}:
        assert low < ex.market.price(sym, step + k) < high
    assert ex.trigger_calm(MARK_BTC, float(price), low, high) == 0  # futures prices: not bounded, always read


def test_an_engine_told_the_price_stays_clear_reads_nothing_until_the_window_ends() -> None:
    t = Triggers()
    t.add(BTC, 1, D(200), True, None)
    reads: list[int] = []

    def price_at(watch: Watch, step: int) -> Decimal:
        reads.append(step)
        return D(100)

    assert list(t.due(10, 10, price_at, lambda w, p, lo, hi: 5)) == [] and reads == [10]
    for step in range(11, 16):  # within 5 steps of the read at 10: not read again
        assert list(t.due(step, step, price_at, lambda w, p, lo, hi: 5)) == []
    assert reads == [10]
    assert list(t.due(16, 16, price_at, lambda w, p, lo, hi: 5)) == [] and reads == [10, 16]
    t.add(BTC, 2, D(100), True, None)  # a nearer trigger: the window no longer holds
    assert [f.trigger.tid for f in t.due(17, 17, price_at, lambda w, p, lo, hi: 5)] == [2] and reads[-1] == 17

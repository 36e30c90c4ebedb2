"""The clock's cost with pending plan orders: 100 000 plans across 100 accounts vs none.

    python bench/triggers_scale.py                  # µs per one-step advance: empty vs loaded; cost per fire
    python bench/triggers_scale.py --plans 20000 --steps 5000
    python bench/triggers_scale.py --instructions 0 1000 10000   # valgrind counts: what noise cannot move
    python bench/triggers_scale.py --engine-instructions          # per fire, 1000 met of 1k / 10k / 100k
    python bench/triggers_scale.py --trailing-instructions 0 1000 10000   # one advance with n active trailing orders

Drives the state layer (Exchange.advance, what every request runs once per walk step) on a manual clock,
so the figure is the mock's own CPU per clock step. The plans are market buys whose triggers sit far from
the market on both sides (half wait for a rise to twice the price, half for a fall to half of it), spread
over BTCUSDT, ETHUSDT and SOLUSDT. Firing: k plans triggered at the next step among n pending, the
whole advance (k orders placed through Trading.place) and the trigger engine alone (Triggers.due).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from instructions import collected

from mock_exchange.clock import ManualClock
from mock_exchange.state.exchange import Exchange
from mock_exchange.state.plans import PlanSpec
from mock_exchange.state.pricewalk import STEP_MS
from mock_exchange.state.seed import AccountSeed
from mock_exchange.state.triggers import LAST, SPOT, Watch

START_MS = 1_795_465_233_000
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
ACCOUNTS = 100


def build(plans: int) -> tuple[Exchange, ManualClock]:
    clock = ManualClock(START_MS)
    uids = [str(2_000_000_000 + i) for i in range(ACCOUNTS)]
    ex = Exchange(clock, 42, [AccountSeed(uid, {"USDT": "10000000"}) for uid in uids])
    ex.catch_up(START_MS)
    for i in range(plans):
        sym = ex.market.symbol(SYMBOLS[i % len(SYMBOLS)])
        last = ex.market.last_price(sym, START_MS)
        factor = Decimal(2) if i % 2 else Decimal("0.5")
        trigger = (last * factor + sym.tick * (i % 997)).quantize(sym.tick)
        ex.plans.place(uids[i % ACCOUNTS], PlanSpec(sym.symbol, "buy", trigger, "fill_price", "market",
                                                    Decimal(20), "total"), START_MS)
    return ex, clock


def one_round(ex: Exchange, clock: ManualClock, steps: int) -> float:
    """µs per Exchange.advance of one walk step, over `steps` advances."""
    t0 = time.perf_counter()
    for _ in range(steps):
        clock.advance(STEP_MS)
        ex.advance(clock.now_ms())
    return (time.perf_counter() - t0) / steps * 1e6


def per_step_us(ex: Exchange, clock: ManualClock, steps: int) -> float:
    """Median over 5 rounds of the µs one Exchange.advance of one walk step costs."""
    return statistics.median(one_round(ex, clock, steps) for _ in range(5))


def paired(a: tuple[Exchange, ManualClock], b: tuple[Exchange, ManualClock], steps: int,
           rounds: int = 11) -> tuple[float, float, float]:
    """Rounds of a and b taken in turns (this VM changes speed in steps): the medians of each, and the
    median of the per-pair ratios b / a."""
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(one_round(*a, steps))
        ys.append(one_round(*b, steps))
    return statistics.median(xs), statistics.median(ys), statistics.median(y / x for x, y in zip(xs, ys, strict=True))


def arm_next_step(ex: Exchange, clock: ManualClock, k: int) -> None:
    """k plans the next step certainly meets: triggered at that step's price (rising or falling from now)."""
    step = clock.now_ms() // STEP_MS
    sym = ex.market.symbol("BTCUSDT")
    trigger = ex.market.price(sym, step + 1)
    uid = next(iter(ex.accounts.accounts))
    for _ in range(k):
        ex.plans.place(uid, PlanSpec("BTCUSDT", "buy", trigger, "fill_price", "market", Decimal(20), "total"),
                       clock.now_ms())


def fire_us(ex: Exchange, clock: ManualClock, k: int, rounds: int = 5) -> float:
    """Median µs of one advance that fires k plans, less a quiet advance's cost, per plan fired."""
    quiet = per_step_us(ex, clock, 200)
    out = []
    for _ in range(rounds):
        arm_next_step(ex, clock, k)
        before = len(ex.triggers)
        clock.advance(STEP_MS)
        t0 = time.perf_counter()
        ex.advance(clock.now_ms())
        out.append(((time.perf_counter() - t0) * 1e6 - quiet) / k)
        assert before - len(ex.triggers) == k, "every armed plan fired"
    return statistics.median(out)


def engine_fire_us(n: int, k: int) -> float:
    """The engine alone: µs per fired trigger of one `due` step that meets k among n pending."""
    from mock_exchange.state.triggers import Triggers

    watch = Watch(SPOT, "BTCUSDT", LAST)
    out = []
    for r in range(5):
        t = Triggers()
        for i in range(n - k):
            t.add(watch, i, Decimal(200000 + i % 9973), True, None)
        for i in range(k):
            t.add(watch, n + i, Decimal(60000 + i % 7), True, None)
        t0 = time.perf_counter()
        fired = sum(1 for _ in t.due(1, 1, lambda w, s: Decimal(61000)))
        out.append((time.perf_counter() - t0) * 1e6 / k)
        assert fired == k, r
    return statistics.median(out)


def child(plans: int, steps: int) -> None:
    """Inside valgrind: build, warm up, then count `steps` one-step advances (instrumentation on around them)."""
    ex, clock = build(plans)
    one_round(ex, clock, 50)

    def control(switch: str) -> None:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)

    control("on")
    one_round(ex, clock, steps)
    control("off")


def engine_child(n: int, k: int) -> None:
    """Inside valgrind: n pending triggers, k of them met at one step; only `due` is counted."""
    from mock_exchange.state.triggers import Triggers

    watch = Watch(SPOT, "BTCUSDT", LAST)
    t = Triggers()
    for i in range(n - k):
        t.add(watch, i, Decimal(200000 + i % 9973), True, None)
    for i in range(k):
        t.add(watch, n + i, Decimal(60000 + i % 7), True, None)

    def control(switch: str) -> None:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)

    control("on")
    fired = sum(1 for _ in t.due(1, 1, lambda w, s: Decimal(61000)))
    control("off")
    assert fired == k


TRAIL_SIZE = Decimal("0.01")


def trailing_child(n: int, moves: bool) -> None:
    """Inside valgrind: n activated futures trailing orders (track_plan sells on BTCUSDT, 5 % callback); one
    one-step advance is counted. `moves`: every order's extreme lies just below that step's price, so the
    advance moves all n extremes (each re-arms its two conditions) and fires none; else the extremes lie
    just above it and nothing changes."""
    from mock_exchange.state.futures.plan_model import TRACK_PLAN
    from mock_exchange.state.futures.plan_model import PlanSpec as FuturesPlanSpec

    clock = ManualClock(START_MS)
    uid = "2000000000"
    ex = Exchange(clock, 42, [AccountSeed(uid, {"USDT": "10000000"})])
    ex.wallet.transfer(uid, "spot", "usdt_futures", "USDT", Decimal(1_000_000), None, None, START_MS)
    ex.catch_up(START_MS)
    fm, plans = ex.futures_market, ex.futures.plans
    c = fm.contract("USDT-FUTURES", "BTCUSDT")
    far = (fm.last_price(c, START_MS) * 3).quantize(c.tick)  # an activation price never met
    placed = [plans.place_plan(uid, FuturesPlanSpec("BTCUSDT", "USDT-FUTURES", "USDT", "crossed", "sell", "market",
                                                    TRAIL_SIZE, far, "fill_price", trade_side="open",
                                                    plan_type=TRACK_PLAN, callback_ratio=Decimal(5)), START_MS)
              for _ in range(n)]
    clock.advance(STEP_MS)  # warm-up advance: the same code paths, before the counted one
    ex.advance(clock.now_ms())
    target = clock.now_ms() // STEP_MS + 1
    price = fm.price_at(c, target)
    for i, plan in enumerate(placed):  # activate: extreme set, its two conditions armed
        plans._unwatch(plan)
        plan.extreme = price - c.tick * (1 + i % 50) if moves else price + c.tick * (1 + i % 50)
        plans._arm(plan)

    def control(switch: str) -> None:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)

    clock.advance(STEP_MS)
    control("on")
    ex.advance(clock.now_ms())
    control("off")
    assert all(p.status == "live" for p in placed), "none fired"
    assert all((p.extreme == price) == moves for p in placed), "the extremes moved exactly when meant to"


def trailing_instructions(n: int, moves: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        return collected([sys.executable, __file__, "--trail-child", str(n), "moves" if moves else "quiet"],
                         Path(tmp) / "trail.log")


def engine_instructions(n: int, k: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        return collected([sys.executable, __file__, "--engine-child", str(n), str(k)], Path(tmp) / "engine.log")


def instructions(plans: int) -> float:
    """Instructions per one-step advance with `plans` pending: (count of 1500 - count of 500) / 1000."""
    with tempfile.TemporaryDirectory() as tmp:
        low, high = (collected([sys.executable, __file__, "--child", str(plans), str(steps)],
                               Path(tmp) / f"{plans}.{steps}.log") for steps in (500, 1500))
    return (high - low) / 1000


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--engine-child":
        engine_child(int(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--trail-child":
        trailing_child(int(sys.argv[2]), sys.argv[3] == "moves")
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plans", type=int, default=100_000)
    ap.add_argument("--steps", type=int, default=2000, help="advances per timing round")
    ap.add_argument("--instructions", type=int, nargs="*", metavar="N",
                    help="instead: valgrind instruction counts per one-step advance with N pending (e.g. 0 1000 10000)")
    ap.add_argument("--engine-instructions", action="store_true",
                    help="instead: valgrind instructions per trigger fired by the engine alone, 1000 met of n")
    ap.add_argument("--trailing-instructions", type=int, nargs="*", metavar="N",
                    help="instead: valgrind instructions of one advance with N active trailing orders, the extremes "
                         "moved (none fired) or not")
    args = ap.parse_args()
    if args.trailing_instructions is not None:
        for n in args.trailing_instructions or (0, 1000, 10_000):
            quiet, moved = trailing_instructions(n, False), trailing_instructions(n, True)
            print(f"one-step advance, {n:6d} active trailing orders: {quiet:11,d} instructions with no new extreme, "
                  f"{moved:11,d} when all {n} extremes move ({(moved - quiet) / max(n, 1):,.0f} per order moved)")
        return
    if args.engine_instructions:
        for n in (1_000, 10_000, 100_000):
            print(f"trigger engine alone, 1000 met of {n:6d}: {engine_instructions(n, 1000) / 1000:9,.0f} "
                  "instructions per trigger fired")
        return
    if args.instructions is not None:
        for n in args.instructions or (0, 1000, 10_000):
            print(f"one-step advance, {n:6d} pending (none met): {instructions(n):10,.0f} instructions")
        return
    empty, empty_clock = build(0)
    t0 = time.perf_counter()
    loaded, loaded_clock = build(args.plans)
    built_s = time.perf_counter() - t0
    print(f"built {args.plans} pending plan orders over {ACCOUNTS} accounts in {built_s:.1f} s")
    small = build(1000)
    e, lo, ratio = paired((empty, empty_clock), (loaded, loaded_clock), args.steps)
    _, sm, small_ratio = paired((empty, empty_clock), small, args.steps)
    assert len(loaded.triggers) == args.plans, "nothing fired while crossing none"
    print(f"one-step advance, no plan pending:            {e:7.2f} µs")
    print(f"one-step advance, {args.plans:6d} pending (none met): {lo:7.2f} µs   "
          f"({ratio:.2f}x the empty one, median of paired rounds)")
    print(f"one-step advance, {1000:6d} pending (none met): {sm:7.2f} µs   ({small_ratio:.2f}x)")
    for k in (10, 100, 1000):
        print(f"advance firing {k:4d} of {len(loaded.triggers)} pending: {fire_us(loaded, loaded_clock, k):7.1f} µs "
              f"per plan fired (each places its market order)")
    print(f"advance firing 100 of {len(small[0].triggers)} pending:      {fire_us(*small, 100):7.1f} µs per plan fired")
    for n in (1_000, args.plans):
        for k in (10, 1000):
            print(f"trigger engine alone, {k:4d} met of {n:6d}: {engine_fire_us(n, k):6.2f} µs per trigger fired")


if __name__ == "__main__":
    main()

"""Pending trigger conditions (plan orders, TP/SL) of every account and market, fired as the clock moves.

The engine knows prices and times, not orders. A caller (spot plan orders, futures plan and TP/SL
orders) registers one `Trigger` per condition and gets each back, exactly once, when the price walk
first meets it:

    triggers.add(Watch("spot", "BTCUSDT", "last"), tid=plan.oid, price=Decimal("65000"), rising=True, handle=plan)
    triggers.reprice(tid, price, rising)   # a modified plan order (same id, new condition)
    triggers.remove(tid)                   # a cancelled one: it never fires
    for fired in triggers.due(first_step, last_step, price_at):   # the clock moved
        ...  # act on fired.trigger.handle at fired.step (the trigger is already removed)

- `Watch(market, symbol, price)` names the price a condition watches: `market` is "spot" or a futures
  productType ("USDT-FUTURES", ...), `price` is LAST or MARK. `price_at(watch, step)` gives that price
  at a walk step (Decimal); the engine never computes a price itself and holds no callable (it is
  pickled with the state).
- `rising=True` fires when price >= trigger price, `rising=False` when price <= trigger price.
- `due(first, last, price_at)` walks the steps first..last (every step of a short gap, MAX_SAMPLES
  spread evenly over a long one, as the resting orders' fills do) and yields a `Fired` for each
  trigger at the first step whose price meets it, in time order across every watch. Within one step:
  rising triggers lowest price first, falling ones highest first (the order a continuous move crosses
  them), and between the two the smaller id.
- `due` is lazy and the caller acts between items: a trigger removed or repriced while it runs never
  fires on its old condition, and one added (or repriced) while it runs is watched from the step being
  fired on, so a fired order's TP/SL, or a cancelled OCO partner, is handled in the same advance.
- Cost: per watch, rising triggers in one sorted list (lowest price first) and falling in another
  (highest first). An advance reads each watched price path once and compares its extremes with two
  heads, so one that crosses nothing costs O(watches x steps sampled), whatever the number pending;
  firing k costs O(k log n) plus a scan of the path per fire.
- `calm(watch, price, low, high)`, optional: how many walk steps either side of a step where the watched
  price was `price` (a float) it certainly stays strictly between `low` and `high` (0 when the caller
  cannot bound it). With it, the engine does not read a watch again while the clock stays within that
  many steps of its last read and no nearer trigger was added: the usual advance (one step, nothing near)
  costs O(1) and reads no price (reading the walk is most of an advance's cost). The spot walk moves at
  most ~0.026 % a step (pricewalk.MAX_STEP_MOVE).

The step a trigger is added in is never looked at again: `due` starts after the last step the clock
reached (the caller keeps `last_step`, like the resting orders' catch-up), so a condition already met
when placed waits for the next step of the walk that meets it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from sortedcontainers import SortedList

from .matching import sampled
from .pricewalk import step_of

LAST, MARK = "last", "mark"
SPOT = "spot"


class Watch(NamedTuple):
    """The price a trigger watches: `market` "spot" or a futures productType, `symbol`, LAST or MARK."""

    market: str
    symbol: str
    price: str


@dataclass(slots=True, eq=False)
class Trigger:
    """One pending condition: fires when the watched price reaches `price` from below (`rising`) or
    from above. `handle` is the caller's object (the plan order), given back when it fires."""

    tid: int
    watch: Watch
    price: Decimal
    rising: bool
    handle: Any

    def met_by(self, price: Decimal) -> bool:
        return price >= self.price if self.rising else price <= self.price


class Fired(NamedTuple):
    trigger: Trigger
    step: int  # the walk step whose price met the condition (its time: step * STEP_MS)
    price: Decimal  # the watched price at that step


@dataclass(slots=True)
class _Side:
    """The triggers of one watch: rising ones by (price, id), falling ones by (-price, id)."""

    rising: SortedList = field(default_factory=SortedList)
    falling: SortedList = field(default_factory=SortedList)
    heads: tuple[float, float] | None = None  # (lowest rising, highest falling) as floats; None: stale

    def __len__(self) -> int:
        return len(self.rising) + len(self.falling)

    def float_heads(self) -> tuple[float, float]:
        """The prices nearest the market on each side, as floats (for the cheap out-of-reach test)."""
        if self.heads is None:
            self.heads = (float(self.rising[0][0]) if self.rising else math.inf,
                          float(-self.falling[0][0]) if self.falling else -math.inf)
        return self.heads


PriceAt = Callable[[Watch, int], Decimal]
Calm = Callable[[Watch, float, float, float], int]


class _Run:
    """The state of one `due` walk: the steps, each watch's path (read once, when first needed), the
    next step index each watch may fire at, and the heap of (index, watch) in time order."""

    def __init__(self, steps: Sequence[int], price_at: PriceAt) -> None:
        self.steps = steps
        self.price_at = price_at
        self.paths: dict[Watch, list[Decimal]] = {}
        self.next: dict[Watch, int] = {}
        self.heap: list[tuple[int, Watch]] = []
        self.index = 0  # the step index being fired on
        self.dirty: set[Watch] = set()  # watches given a trigger while the caller acts

    def path(self, watch: Watch) -> list[Decimal]:
        found = self.paths.get(watch)
        if found is None:
            found = self.paths[watch] = [self.price_at(watch, s) for s in self.steps]
        return found


class Triggers:
    def __init__(self, now_ms: int = 0) -> None:
        self.last_step = step_of(now_ms)
        self._sides: dict[Watch, _Side] = {}
        self._by_id: dict[int, Trigger] = {}
        self._run: _Run | None = None
        # per watch, the steps (first, last) over which its price is known to stay clear of its triggers,
        # and the intersection over all watches (None: some watch has none): see `calm` in `due`
        self._calm: dict[Watch, tuple[int, int]] = {}
        self._window: tuple[int, int] | None = None

    # -- pending conditions -------------------------------------------------------------------
    def add(self, watch: Watch, tid: int, price: Decimal, rising: bool, handle: Any) -> Trigger:
        """Watch a new condition; `tid` must be unique among pending triggers (the caller's order id)."""
        if tid in self._by_id:
            raise ValueError(f"trigger {tid} is already pending")
        trigger = Trigger(tid, watch, price, rising, handle)
        self._insert(trigger)
        return trigger

    def remove(self, tid: int) -> Trigger | None:
        """Forget a pending condition (cancelled); None when it is not pending (fired or unknown)."""
        trigger = self._by_id.pop(tid, None)
        if trigger is not None:
            side = self._sides[trigger.watch]
            side.heads = None
            if trigger.rising:
                side.rising.remove((trigger.price, tid))
            else:
                side.falling.remove((-trigger.price, tid))
            if not side:
                del self._sides[trigger.watch]
        return trigger

    def reprice(self, tid: int, price: Decimal, rising: bool) -> Trigger:
        """Give a pending trigger a new condition (a modified plan order); KeyError when not pending."""
        trigger = self._by_id[tid]
        self.remove(tid)
        trigger.price, trigger.rising = price, rising
        self._insert(trigger)
        return trigger

    def get(self, tid: int) -> Trigger | None:
        return self._by_id.get(tid)

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, tid: object) -> bool:
        return tid in self._by_id

    def pending(self, watch: Watch) -> list[Trigger]:
        """The pending triggers of one watch, rising then falling, each in firing order."""
        side = self._sides.get(watch)
        if side is None:
            return []
        return [self._by_id[t] for _, t in side.rising] + [self._by_id[t] for _, t in side.falling]

    def watches(self) -> list[Watch]:
        return list(self._sides)

    def _insert(self, trigger: Trigger) -> None:
        self._by_id[trigger.tid] = trigger
        side = self._sides.get(trigger.watch)
        if side is None:
            side = self._sides[trigger.watch] = _Side()
        side.heads = None
        self._calm.pop(trigger.watch, None)  # a nearer trigger may have come: look again
        self._window = None
        if trigger.rising:
            side.rising.add((trigger.price, trigger.tid))
        else:
            side.falling.add((-trigger.price, trigger.tid))
        if self._run is not None:
            self._run.dirty.add(trigger.watch)

    # -- the clock ----------------------------------------------------------------------------
    def advance(self, now_ms: int, price_at: PriceAt, calm: Calm | None = None) -> Iterator[Fired]:
        """`due` over the steps since the last call up to now_ms's step (none when the clock went back)."""
        step = step_of(now_ms)
        last, self.last_step = self.last_step, step
        return self.due(last + 1, step, price_at, calm)

    def due(self, first: int, last: int, price_at: PriceAt, calm: Calm | None = None) -> Iterator[Fired]:
        """The triggers the walk meets over steps first..last, lazily, in time order (module docstring)."""
        if last < first or not self._sides:
            return iter(())
        window = self._window
        if window is not None and window[0] <= first and last <= window[1]:
            return iter(())  # every watch is known to stay clear: the usual advance, O(1)
        todo = []
        for watch in self._sides:
            known = self._calm.get(watch)
            if known is None or first < known[0] or last > known[1]:
                todo.append(watch)
        if not todo:
            self._window = (max(k[0] for k in self._calm.values()), min(k[1] for k in self._calm.values()))
            return iter(())
        return self._walk(sampled(first, last), todo, price_at, calm)

    def _note_calm(self, watch: Watch, step: int, price: Decimal, calm: Calm | None) -> None:
        """After reading `price` at `step`: the steps around it over which the watch cannot meet a trigger."""
        steps = 0 if calm is None else calm(watch, float(price), *reversed(self._sides[watch].float_heads()))
        if steps > 0:
            self._calm[watch] = (step - steps, step + steps)
        else:
            self._calm.pop(watch, None)
        self._window = None

    def _walk(self, steps: Sequence[int], todo: list[Watch], price_at: PriceAt,
              calm: Calm | None) -> Iterator[Fired]:
        run = _Run(steps, price_at)
        for watch in todo:
            side = self._sides[watch]
            path = run.path(watch)
            self._note_calm(watch, steps[-1], path[-1], calm)
            if self._may_meet(side, min(path), max(path)):
                self._schedule(run, watch, 0)
        if not run.heap:
            return
        self._run = run
        try:
            while run.heap:
                index, watch = heapq.heappop(run.heap)
                if run.next.get(watch) != index:
                    continue  # superseded by a later scan
                del run.next[watch]
                run.index = index
                trigger = self._head(watch, run.path(watch)[index])
                if trigger is None:  # its head was removed since: look further on
                    self._schedule(run, watch, index)
                    continue
                self.remove(trigger.tid)
                yield Fired(trigger, steps[index], run.path(watch)[index])
                self._schedule(run, watch, index)
                while run.dirty:
                    self._schedule(run, run.dirty.pop(), run.index)
        finally:
            self._run = None

    @staticmethod
    def _may_meet(side: _Side, low: Decimal, high: Decimal) -> bool:
        return bool((side.rising and side.rising[0][0] <= high) or (side.falling and -side.falling[0][0] >= low))

    def _head(self, watch: Watch, price: Decimal) -> Trigger | None:
        """The trigger that fires first at `price`, or None when none is met."""
        side = self._sides.get(watch)
        if side is None:
            return None
        up = side.rising[0] if side.rising and side.rising[0][0] <= price else None
        down = side.falling[0] if side.falling and -side.falling[0][0] >= price else None
        if down is not None and (up is None or down[1] < up[1]):
            return self._by_id[down[1]]
        return None if up is None else self._by_id[up[1]]

    def _schedule(self, run: _Run, watch: Watch, start: int) -> None:
        """Put the watch's next firing index at or after `start` on the heap (none: forget it)."""
        side = self._sides.get(watch)
        run.next.pop(watch, None)
        if side is None:
            return
        path = run.path(watch)
        up = side.rising[0][0] if side.rising else None
        down = -side.falling[0][0] if side.falling else None
        for i in range(start, len(path)):
            p = path[i]
            if (up is not None and p >= up) or (down is not None and p <= down):
                run.next[watch] = i
                heapq.heappush(run.heap, (i, watch))
                return

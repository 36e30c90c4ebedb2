"""A seeded, deterministic price walk: price(symbol, t) depends only on the seed and t.

The walk is layered value noise: at each of several time scales a pseudo-random value is drawn
per period (from a stateless integer hash of seed, symbol, scale and period) and the values are
smoothly interpolated. Summed, the layers wander like a random walk, but any instant can be
computed in O(1) without replaying history, so the clock may jump freely in either direction.
"""

from __future__ import annotations

import math

STEP_MS = 1000  # the walk moves once per second of the mock's clock

# (period in steps, amplitude in log-price)
_LAYERS: tuple[tuple[int, float], ...] = (
    (7, 0.0004),
    (60, 0.0012),
    (600, 0.004),
    (3600, 0.01),
    (86_400, 0.03),
)

_MASK = (1 << 64) - 1

# The most log_offset can move in one step: each layer's term amp * (a + (b - a) * smooth(r / period)) has
# |b - a| <= 2 and smooth' <= 1.5, so a slope of at most 3 * amp / period, and the terms are continuous
# across their periods. (A slope bound holds over any number of steps: at most MAX_STEP_MOVE * steps.)
MAX_STEP_MOVE = sum(3.0 * amp / period for period, amp in _LAYERS)


def mix64(x: int) -> int:
    """splitmix64's finaliser: a fast, well-spread integer hash."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def unit(seed: int, *parts: int) -> float:
    """A deterministic float in [0, 1) for the given seed and integer parts."""
    h = mix64(seed & _MASK)
    for p in parts:
        h = mix64(h ^ (p & _MASK))
    return (h >> 11) / float(1 << 53)


def _smooth(f: float) -> float:
    return f * f * (3.0 - 2.0 * f)


def log_offset(seed: int, series: int, step: int) -> float:
    total = 0.0
    for layer, (period, amp) in enumerate(_LAYERS):
        k, r = divmod(step, period)
        a = unit(seed, series, layer, k) * 2.0 - 1.0
        b = unit(seed, series, layer, k + 1) * 2.0 - 1.0
        total += amp * (a + (b - a) * _smooth(r / period))
    return total


def price_at_step(seed: int, series: int, base: float, step: int) -> float:
    return base * math.exp(log_offset(seed, series, step))


def prices_down(seed: int, series: int, base: float, top: int, bottom: int) -> list[float]:
    """price_at_step for steps top, top-1, ..., bottom, bit for bit, sharing each period's draws
    (consecutive steps mostly fall in the same periods), so a long run costs a fraction of the calls."""
    draws: dict[tuple[int, int], float] = {}

    def draw(layer: int, k: int) -> float:
        value = draws.get((layer, k))
        if value is None:
            value = draws[(layer, k)] = unit(seed, series, layer, k) * 2.0 - 1.0
        return value

    out = []
    for step in range(top, bottom - 1, -1):
        total = 0.0
        for layer, (period, amp) in enumerate(_LAYERS):
            k, r = divmod(step, period)
            a, b = draw(layer, k), draw(layer, k + 1)
            total += amp * (a + (b - a) * _smooth(r / period))
        out.append(base * math.exp(total))
    return out


def step_of(ms: int) -> int:
    return ms // STEP_MS

"""The client's request rate on each rate-limited endpoint of a check, against the limit, as an inline SVG.

At each request's arrival (the mock's clock) the chart counts the client's requests to that endpoint in
the window before it (the moving window the mock's limiter uses, Bitget's 1 s), so the line is the rate
the limiter judged; the limit is a dashed line and the requests answered 429 are red dots.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from mock_exchange.journal import JournalEntry
from mock_exchange.ratelimit.limits import Limit
from mock_exchange.routes import ENDPOINTS

from .checks.base import Verdict

LIMITS: dict[tuple[str, str], Limit] = {(ep.method, ep.path): ep.limit for ep in ENDPOINTS}
W, H, LEFT, RIGHT, TOP, BOTTOM = 720, 190, 46, 14, 14, 34


@dataclass(frozen=True)
class Point:
    at_ms: int  # since the first request to the endpoint in the check
    in_window: int  # requests in the window ending at this one, itself included
    refused: bool  # answered 429


@dataclass(frozen=True)
class Timeline:
    check_id: str
    method: str
    path: str
    limit: Limit
    points: tuple[Point, ...]

    @property
    def refusals(self) -> int:
        return sum(p.refused for p in self.points)

    @property
    def peak(self) -> int:
        return max((p.in_window for p in self.points), default=0)

    @property
    def caption(self) -> str:
        basis = self.limit.basis.upper()
        return (f"{self.check_id}: {self.method} {self.path}: {len(self.points)} requests, peak {self.peak} in "
                f"{self.limit.window_ms} ms against a limit of {self.limit.count} per {basis}, "
                f"{self.refusals} answered 429")


def timelines(verdict: Verdict) -> list[Timeline]:
    """A timeline per rate-limited endpoint the check's client called at least twice, for RATE checks and
    for any check where the mock answered 429."""
    requests = verdict.evidence.requests
    if verdict.check.category != "RATE" and not any(e.get("status") == 429 for e in requests):
        return []
    out = []
    for (method, path), entries in _by_endpoint(requests).items():
        limit = LIMITS.get((method, path))
        if limit is None or len(entries) < 2:
            continue
        out.append(Timeline(verdict.check.id, method, path, limit, tuple(_points(entries, limit.window_ms))))
    return out


def _by_endpoint(requests: Iterable[JournalEntry]) -> dict[tuple[str, str], list[JournalEntry]]:
    groups: dict[tuple[str, str], list[JournalEntry]] = {}
    for e in requests:
        if e.get("method") != "WS" and isinstance(e.get("ts"), int):
            groups.setdefault((str(e["method"]), str(e["path"])), []).append(e)
    return groups


def _points(entries: list[JournalEntry], window_ms: int) -> list[Point]:
    times = [int(e["ts"]) for e in entries]
    t0, points, first = times[0], [], 0
    for i, t in enumerate(times):
        while times[first] <= t - window_ms:
            first += 1
        points.append(Point(t - t0, i - first + 1, entries[i].get("status") == 429))
    return points


def _ticks(top: float, count: int = 5) -> list[float]:
    raw = top / count
    step = next(s * 10 ** e for e in range(-1, 8) for s in (1, 2, 5) if s * 10 ** e >= raw)
    return [i * step for i in range(int(top // step) + 1)]


def svg(t: Timeline) -> str:
    """The chart as an inline <svg>: no script, no external reference."""
    span = max(t.points[-1].at_ms if t.points else 0, t.limit.window_ms)
    top = max(t.limit.count * 1.25, t.peak + 1)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def x(ms: float) -> float:
        return LEFT + pw * ms / span

    def y(n: float) -> float:
        return TOP + ph * (1 - n / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{W}" height="{H}" '
             f'viewBox="0 0 {W} {H}" role="img" aria-label="{html.escape(t.caption)}">',
             f"<title>{html.escape(t.caption)}</title>",
             f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="#fbfbfd" stroke="#d5d9e0"/>']
    for n in _ticks(top):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{y(n):.1f}" y2="{y(n):.1f}" stroke="#eceef2"/>'
                     f'<text x="{LEFT - 6}" y="{y(n) + 4:.1f}" text-anchor="end" class="tick">{n:g}</text>')
    for ms in _ticks(span, 8):
        parts.append(f'<text x="{x(ms):.1f}" y="{TOP + ph + 15}" text-anchor="middle" class="tick">{ms:g}</text>')
    parts.append(f'<text x="{LEFT + pw / 2}" y="{H - 3}" text-anchor="middle" class="axis">ms since the first '
                 f'request (mock clock)</text>')
    parts.append(f'<text x="12" y="{TOP + ph / 2}" text-anchor="middle" class="axis" '
                 f'transform="rotate(-90 12 {TOP + ph / 2})">requests / {t.limit.window_ms} ms</text>')
    ly = y(t.limit.count)
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{ly:.1f}" y2="{ly:.1f}" stroke="#b3261e" '
                 f'stroke-dasharray="6 4" class="limit"/><text x="{LEFT + pw - 4}" y="{ly - 5:.1f}" '
                 f'text-anchor="end" class="limit-label">limit {t.limit.count}</text>')
    steps, prev = [], None
    for p in t.points:
        if prev is not None:
            steps.append(f"{x(p.at_ms):.1f},{y(prev):.1f}")
        steps.append(f"{x(p.at_ms):.1f},{y(p.in_window):.1f}")
        prev = p.in_window
    parts.append(f'<polyline points="{" ".join(steps)}" fill="none" stroke="#3366cc" stroke-width="1.5"/>')
    for p in t.points:
        cls, r, fill = ("refused", 4, "#b3261e") if p.refused else ("accepted", 2.2, "#3366cc")
        parts.append(f'<circle class="{cls}" cx="{x(p.at_ms):.1f}" cy="{y(p.in_window):.1f}" r="{r}" fill="{fill}">'
                     f"<title>+{p.at_ms} ms: {p.in_window} in the window{' (429)' if p.refused else ''}</title>"
                     "</circle>")
    parts.append("</svg>")
    return "".join(parts)

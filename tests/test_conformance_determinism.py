"""Same adapter, seed and options: the same verdict for every check, run after run, with both cores busy.

Real time here (not the virtual clock of the other conformance tests): what is proven is that the timing
checks judge on the mock's clock with their stated tolerances, not on the host's scheduling luck. The
timing checks run 20 times; the pacing bursts and the whole catalogue (slower) fewer times, beside a CPU
hog on every core. `ci/verdict_stability.py` runs the full 20-run campaign.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from client import RetryPolicy
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import select
from conformance.mock import MockServer
from conformance.runner import Runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ci"))
from verdict_stability import cpu_hog

TIMING = ["TIME-001", "TIME-005", "RATE-004"]  # judged on the mock's clock (tolerance, causal gap): 20 runs
PACING = ["RATE-001", "RATE-002", "RATE-006"]  # about a second each: the client paces at the limit
# The reference client with a shorter backoff (the first retry after 100-200 ms, still above RATE-004's
# bound) so that 20 runs fit in the suite's time; the CLI's defaults are what ci/verdict_stability.py runs.
OPTIONS = {"retry": RetryPolicy(base_delay=0.2)}


@pytest.fixture(scope="module")
def busy_mock() -> Iterator[MockServer]:
    """A wall-time mock with every core kept busy by a CPU hog meanwhile."""
    with cpu_hog(os.cpu_count() or 1), MockServer() as mock:
        yield mock


def _verdicts(runs: int, patterns: list[str], mock: MockServer, fuzz_examples: int = 0) -> list[dict[str, str]]:
    runner = Runner(ReferenceAdapter, fuzz_examples=fuzz_examples, adapter_options=OPTIONS)
    return [{v.check.id: v.status.value for v in runner.run(select(patterns), mock=mock).verdicts}
            for _ in range(runs)]


def test_timing_checks_give_one_verdict_in_20_runs_with_the_cores_busy(busy_mock: MockServer) -> None:
    runs = _verdicts(20, TIMING, busy_mock)
    assert all(r == runs[0] for r in runs), [r for r in runs if r != runs[0]][:1]
    assert set(runs[0].values()) == {"pass"}, runs[0]


def test_pacing_bursts_and_the_whole_catalogue_repeat_their_verdicts(busy_mock: MockServer) -> None:
    bursts = _verdicts(2, PACING, busy_mock)
    assert all(r == bursts[0] for r in bursts) and set(bursts[0].values()) == {"pass"}, bursts
    whole = _verdicts(2, [*(f"!{p}" for p in PACING)], busy_mock, fuzz_examples=3)
    assert whole[0] == whole[1], {c: (whole[0][c], whole[1][c]) for c in whole[0] if whole[0][c] != whole[1][c]}
    assert set(whole[0].values()) == {"pass"}, {c: s for c, s in whole[0].items() if s != "pass"}

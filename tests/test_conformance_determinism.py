"""Same adapter, seed and options: the same verdict for every check, run after run, with both cores busy.

Real time here (not the virtual clock of the other conformance tests): what is proven is that the timing
checks judge on the mock's clock with their stated tolerances, not on the host's scheduling luck. The
timing checks run 20 times; the pacing bursts and the whole catalogue (slower) twice, beside a CPU hog on
every core. `ci/verdict_stability.py` runs the full 20-run campaign.

Every check resets its mock and builds a fresh adapter, so a check's verdict cannot depend on which mock
runs it or what ran before: the runs are spread over four mocks, one thread each, which adds contention
(four clients and four servers share the interpreter beside the hog) and takes a quarter of the time.
The FUZZ checks run on one thread (hypothesis is not thread-safe) and the pacing bursts one run at a time
(each is a second of paced requests whose verdict is the point of the repetition).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from queue import Empty, SimpleQueue

import pytest

from client import RetryPolicy
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import Check, select
from conformance.mock import MockServer
from conformance.runner import Runner

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ci"))
from verdict_stability import cpu_hog

pytestmark = pytest.mark.long

TIMING = ["TIME-001", "TIME-005", "RATE-004"]  # judged on the mock's clock (tolerance, causal gap): 20 runs
PACING = ["RATE-001", "RATE-002", "RATE-006"]  # about a second each: the client paces at the limit
# The reference client with a shorter backoff (the first retry after 100-200 ms, still above RATE-004's
# bound) so that 20 runs fit in the suite's time; the CLI's defaults are what ci/verdict_stability.py runs.
OPTIONS = {"retry": RetryPolicy(base_delay=0.2)}
MOCKS = 4


@pytest.fixture(scope="module")
def busy_mocks() -> Iterator[list[MockServer]]:
    """Four wall-time mocks with every core kept busy by a CPU hog meanwhile."""
    with cpu_hog(os.cpu_count() or 1), ExitStack() as stack:
        yield [stack.enter_context(MockServer()) for _ in range(MOCKS)]


def _verdicts(runs: int, patterns: list[str], mocks: Sequence[MockServer], fuzz_examples: int = 0,
              spread: bool = True) -> list[dict[str, str]]:
    """check id -> verdict, for each of `runs` runs of the selected checks. With `spread`, the (run, check)
    pairs are shared out over the mocks, one thread per mock; otherwise one run after the other on the first."""
    runner = Runner(ReferenceAdapter, fuzz_examples=fuzz_examples, adapter_options=OPTIONS)
    checks = select(patterns)
    out: list[dict[str, str]] = [{} for _ in range(runs)]
    if not spread:
        for n in range(runs):
            out[n] = {v.check.id: v.status.value for v in runner.run(checks, mock=mocks[0]).verdicts}
        return out
    jobs: SimpleQueue[tuple[int, Check]] = SimpleQueue()
    for n in range(runs):
        for check in checks:
            if check.category != "FUZZ":
                jobs.put((n, check))

    def work(mock: MockServer) -> None:
        while True:
            try:
                n, check = jobs.get_nowait()
            except Empty:
                return
            for v in runner.run([check], mock=mock).verdicts:
                out[n][v.check.id] = v.status.value

    with ThreadPoolExecutor(len(mocks)) as pool:
        for done in [pool.submit(work, mock) for mock in mocks]:
            done.result()
    fuzz = [c for c in checks if c.category == "FUZZ"]
    for n in range(runs if fuzz else 0):  # hypothesis: one thread
        out[n].update({v.check.id: v.status.value for v in runner.run(fuzz, mock=mocks[0]).verdicts})
    return out


def test_timing_checks_give_one_verdict_in_20_runs_with_the_cores_busy(busy_mocks: list[MockServer]) -> None:
    runs = _verdicts(20, TIMING, busy_mocks)
    assert all(r == runs[0] for r in runs), [r for r in runs if r != runs[0]][:1]
    assert set(runs[0]) == set(TIMING) and set(runs[0].values()) == {"pass"}, runs[0]


def test_pacing_bursts_and_the_whole_catalogue_repeat_their_verdicts(busy_mocks: list[MockServer]) -> None:
    bursts = _verdicts(2, PACING, busy_mocks, spread=False)
    assert all(r == bursts[0] for r in bursts) and set(bursts[0].values()) == {"pass"}, bursts
    whole = _verdicts(2, [*(f"!{p}" for p in PACING)], busy_mocks, fuzz_examples=3)
    assert len(whole[0]) == len(select([*(f"!{p}" for p in PACING)])), sorted(whole[0])  # FUZZ included
    assert whole[0] == whole[1], {c: (whole[0][c], whole[1][c]) for c in whole[0] if whole[0][c] != whole[1][c]}
    assert set(whole[0].values()) == {"pass"}, {c: s for c, s in whole[0].items() if s != "pass"}

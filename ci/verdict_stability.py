"""Run the conformance catalogue N times for one adapter, optionally beside a CPU hog on every core, and
report any check whose verdict changed between runs (exit 1 when one did).

    python ci/verdict_stability.py --adapter reference --runs 20 --hog
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from conformance.adapters import load_adapter
from conformance.checks import select
from conformance.runner import Runner

HOG = "while True: pass"


@contextmanager
def cpu_hog(processes: int) -> Iterator[None]:
    """`processes` busy loops in child processes for as long as the block runs."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(processes)]  # noqa: S603
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def campaign(adapter: str, runs: int, patterns: Sequence[str], fuzz_examples: int,
             seed: int) -> dict[str, Counter[str]]:
    """check id -> how many runs gave each verdict."""
    runner = Runner(load_adapter(adapter), seed=seed, fuzz_examples=fuzz_examples)
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for n in range(runs):
        result = runner.run(select(patterns))
        for v in result.verdicts:
            tally[v.check.id][v.status.value] += 1
        failed = sorted(v.check.id for v in result.verdicts if v.status.value != "pass")
        print(f"run {n + 1}/{runs}: {result.seconds:.1f} s, not passed: {', '.join(failed) or '-'}", flush=True)
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", default="reference")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--checks", default="", help="comma-separated id globs (default: all)")
    parser.add_argument("--fuzz-examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--hog", action="store_true", help="keep every core busy with a CPU hog meanwhile")
    args = parser.parse_args(argv)
    patterns = [p for p in args.checks.split(",") if p]
    with cpu_hog((os.cpu_count() or 1) if args.hog else 0):
        tally = campaign(args.adapter, args.runs, patterns, args.fuzz_examples, args.seed)
    unstable = {cid: dict(c) for cid, c in tally.items() if len(c) > 1}
    for cid, counts in tally.items():
        print(f"{cid:<11} {', '.join(f'{k} x{n}' for k, n in sorted(counts.items()))}")
    print(f"{args.adapter}: {len(tally)} checks, {args.runs} runs, hog={'on' if args.hog else 'off'}: "
          + (f"UNSTABLE {unstable}" if unstable else "every verdict identical in every run"))
    return int(bool(unstable))


if __name__ == "__main__":
    raise SystemExit(main())

"""What the harness itself costs: a call through a process adapter against the same client called directly,
the evidence kept per check, and the reports.

    python bench/conformance_bench.py [--calls 300] [--rounds 5]

  process     fetch_balance through protocol 1 (tests/process_adapter.py: the reference client behind a pipe)
              and through ReferenceAdapter directly, on one in-process mock without rate limits; the ratio
              of the medians per round is the pipe's share (JSON both ways and one more process hop)
  evidence    collecting a check's evidence (journal read over HTTP, masking, prehash search) for 30
              requests, one of them a 40009 whose signature no variant reproduces (the worst case)
  reports     HTML and JSON of a 49-check run with 30 requests kept per check
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conformance.adapters.base import Credentials  # noqa: E402
from conformance.adapters.process import process_adapter  # noqa: E402
from conformance.adapters.reference import ReferenceAdapter  # noqa: E402
from conformance.checks import CATALOGUE  # noqa: E402
from conformance.checks.base import Status, Verdict  # noqa: E402
from conformance.evidence import collect  # noqa: E402
from conformance.mock import KEYS, MockServer  # noqa: E402
from conformance.report_html import html_report  # noqa: E402
from conformance.report_json import json_report  # noqa: E402
from conformance.runner import RunResult  # noqa: E402


def per_call_us(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def best_ms(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1e3)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with MockServer(rate_limits="off") as mock:
        mock.reset()
        direct = ReferenceAdapter(mock.url, mock.credentials, pacing=False)
        piped = process_adapter([sys.executable, str(ROOT / "tests" / "process_adapter.py")])(
            mock.url, mock.credentials, pacing=False)
        ratios, d_us, p_us = [], [], []
        for _ in range(args.rounds):
            d = per_call_us(direct.fetch_balance, args.calls)
            p = per_call_us(piped.fetch_balance, args.calls)
            d_us.append(d)
            p_us.append(p)
            ratios.append(p / d)
        direct.close()
        piped.close()
        print(f"process    direct {statistics.median(d_us):8.0f} us/call   piped {statistics.median(p_us):8.0f} us/call"
              f"   piped/direct {statistics.median(ratios):.2f} (median of {args.rounds} paired rounds)")

        mock.reset()
        good = mock.credentials
        wrong = ReferenceAdapter(mock.url, Credentials(good.api_key, "0" * 64, good.passphrase), pacing=False)
        right = ReferenceAdapter(mock.url, mock.credentials, pacing=False)
        for _ in range(29):
            right.fetch_ticker("BTCUSDT")
        try:
            wrong.fetch_balance()
        except Exception:  # the 40009 is the point
            pass
        keys = {c.api_key: c.secret_key for c, _ in KEYS}
        given = [s for c, _ in KEYS for s in (c.secret_key, c.passphrase)]
        evidence_ms = best_ms(lambda: collect(mock.journal(), keys, given))
        evidence = collect(mock.journal(), keys, given)
        print(f"evidence   {evidence_ms:8.2f} ms per check ({len(evidence.requests)} requests, "
              f"{len(evidence.signatures)} refused signature searched)")
        verdicts = [Verdict(c, Status.FAIL if i % 5 == 0 else Status.PASS, "message", ["note"], 0.1, evidence)
                    for i, c in enumerate(CATALOGUE)]
        result = RunResult("bench", verdicts, 1.0, {"seed": "42"}, ["bitget-conformance", "run", "--adapter", "x"])
        page = html_report(result)
        print(f"reports    html {best_ms(lambda: html_report(result)):8.1f} ms ({len(page) // 1024} KiB)   "
              f"json {best_ms(lambda: json_report(result)):8.1f} ms ({len(json_report(result)) // 1024} KiB) "
              f"for {len(verdicts)} checks")
        right.close()
        wrong.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Instructions per request, counted by valgrind: a figure other load on the machine cannot move.

    python bench/instructions.py                     # every scenario of bench/inprocess.py
    python bench/instructions.py place-order assets  # some of them

Each scenario is driven through the whole ASGI app in-process (as `bench/inprocess.py` does, on a
manual clock so that every run does the same work) under `valgrind --tool=callgrind` twice, with
500 and 2,500 requests after a warm-up; the difference divided by 2,000 is the cost of one request,
start-up and warm-up cancelled out. Instrumentation is switched on only around the measured requests
(`callgrind_control -i on|off`). valgrind is installed from Debian's packages if missing.

Wall-clock figures on a shared VM move by +-40 % from one run to the next; these do not, so they are
what to compare when changing the hot path (the wrk ratios of `bench/run.py` remain the targets).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
COUNTS = (500, 2500)


def ensure_valgrind() -> None:
    if shutil.which("valgrind") and shutil.which("callgrind_control"):
        return
    print("valgrind not found: installing it with apt-get", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "valgrind"], check=True, stdout=subprocess.DEVNULL)


START_MS = 1_700_000_000_000


def prepared(scenario: str) -> tuple[Any, dict[str, Any], bytes]:
    """In the child: the scenario's app on a manual clock at START_MS, its request's scope and body."""
    sys.path.insert(0, str(BENCH))
    import harness as h
    import inprocess as ip

    from mock_exchange.config import Config

    def manual(**kw: object) -> Config:
        return Config(manual_clock=True, clock_start_ms=START_MS, **kw)  # type: ignore[arg-type]

    ip.Config = manual  # type: ignore[misc, assignment]
    apps = ip.build_apps(10**12)  # a window wide enough for any clock
    app_name, method, target, signed, body = ip.SCENARIOS[scenario]
    path, _, query = target.partition("?")
    headers = h.signed_headers(method, path, query, body, START_MS) if signed else {}
    return apps[app_name], ip.make_scope(method, target, headers, body), body.encode()


def measured(scenario: str, app: Any, scope: dict[str, Any], body: bytes, n: int) -> None:
    """In the child: warm up, then `n` requests with callgrind's counting on. They must all get the
    scenario's answer (429 for the 429 scenarios, else 200): a count of refusals is no figure."""
    import inprocess as ip

    def control(switch: str) -> None:
        subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)

    async def run() -> dict[int, int]:
        await ip.drive(app, scope, body, 300)  # warm caches
        control("on")
        _, statuses = await ip.drive(app, scope, body, n)
        control("off")
        return statuses

    statuses = asyncio.run(run())
    expected = 429 if scenario.startswith("429") else 200
    if set(statuses) != {expected}:
        raise SystemExit(f"{scenario}: answers {statuses}, not all {expected}")


def child(scenario: str, n: int) -> None:
    """Run inside valgrind: count `n` requests of the scenario."""
    app, scope, body = prepared(scenario)
    measured(scenario, app, scope, body, n)


def collected(argv: list[str], log: Path) -> int:
    """Instructions callgrind counted running `argv` (a child that switches counting on and off itself)."""
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={log.parent / 'out.%p'}",
         f"--log-file={log}", *argv],
        check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(BENCH.parent)})
    found = re.search(r"Collected : (\d+)", log.read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"no count in {log}")
    return int(found.group(1))


def count(scenario: str, n: int, tmp: Path) -> int:
    return collected([sys.executable, __file__, "--child", scenario, str(n)], tmp / f"{scenario}.{n}.log")


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return 0
    sys.path.insert(0, str(BENCH))
    import inprocess as ip

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenarios", nargs="*", help=f"some of: {', '.join(ip.SCENARIOS)} (default: all)")
    args = ap.parse_args()
    unknown = [s for s in args.scenarios if s not in ip.SCENARIOS]
    if unknown:
        ap.error(f"unknown scenario(s) {unknown}: choose from {list(ip.SCENARIOS)}")
    ensure_valgrind()
    with tempfile.TemporaryDirectory(prefix="instr-") as tmp:
        for name in args.scenarios or list(ip.SCENARIOS):
            low, high = (count(name, n, Path(tmp)) for n in COUNTS)
            print(f"{name:14s} {(high - low) / (COUNTS[1] - COUNTS[0]):>10,.0f} instructions/request", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

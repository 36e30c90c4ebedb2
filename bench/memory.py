"""The server's memory levels off: VmRSS of one `mock-exchange serve` under millions of requests.

    python bench/memory.py [--requests 2000000] [--orders 150000] [--cap 20000]

Phase 1 cycles public and signed GETs (time, tickers, assets) in wrk runs of --chunk seconds and
reads /proc/<pid>/status VmRSS after each, reporting it at 0.5M, 1M and 2M requests. Phase 2 places
--orders ioc orders (each closed at once, so each is stored) on a server started with
--max-closed-orders --cap: RSS must stop growing once the account holds --cap closed orders.
Bounded by --max-seconds per phase; 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import harness as h

GETS = [("GET", "/api/v2/public/time", False), ("GET", "/api/v2/spot/market/tickers?symbol=BTCUSDT", False),
        ("GET", "/api/v2/spot/account/assets", True)]
ORDER = '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'


def script(tmp: Path, name: str, method: str, target: str, signed: bool, body: str = "") -> Path:
    path, _, query = target.partition("?")
    headers = h.signed_headers(method, path, query, body, int(time.time() * 1000)) if signed else {}
    out = tmp / f"{name}.lua"
    out.write_text(h.lua_script(method, headers, body), encoding="utf-8")
    return out


def soak(wrk: str, core: list[str], srv: h.Server, runs: list[tuple[str, Path]], total: int, chunk: float,
         marks: list[int], max_seconds: float) -> list[tuple[int, int]]:
    """Run the scripts in turn until `total` requests; (requests so far, RSS KiB) after each run."""
    done, samples, i = 0, [(0, srv.rss_kb())], 0
    deadline = time.monotonic() + max_seconds
    while done < total and time.monotonic() < deadline:
        target, lua = runs[i % len(runs)]
        res = h.run_wrk(wrk, core, srv.port, target, lua, chunk, 50)
        if set(res.statuses) != {200} or any(res.socket_errors.values()):
            raise SystemExit(f"unexpected answers on {target}: {res.statuses} {res.socket_errors}")
        done += res.requests
        samples.append((done, srv.rss_kb()))
        i += 1
        if any(samples[-2][0] < m <= done for m in marks):
            print(f"   {done:>10,d} requests  VmRSS {samples[-1][1] / 1024:7.1f} MiB", file=sys.stderr)
    return samples


def at(samples: list[tuple[int, int]], mark: int) -> str:
    for n, rss in samples:
        if n >= mark:
            return f"{rss / 1024:.1f} MiB (at {n:,})"
    return "not reached"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=2_000_000, help="GETs in phase 1 (default 2M)")
    ap.add_argument("--orders", type=int, default=150_000, help="ioc orders in phase 2 (0: skip)")
    ap.add_argument("--cap", type=int, default=20_000, help="--max-closed-orders of the phase-2 server")
    ap.add_argument("--chunk", type=float, default=5.0, help="seconds per wrk run")
    ap.add_argument("--max-seconds", type=float, default=400.0, help="bound of each phase")
    args = ap.parse_args()
    wrk = h.ensure_wrk()
    server_core, wrk_core = h.cores()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)
        accounts = tmp / "accounts.toml"
        accounts.write_text(h.accounts_toml(), encoding="utf-8")
        common = ["--no-access-log", "--accounts", str(accounts), "--rate-limits", "off",
                  "--timestamp-window-ms", str(int(3 * args.max_seconds * 1000) + 600_000)]
        marks = [n for n in (500_000, 1_000_000, 2_000_000) if n <= args.requests] or [args.requests]
        srv = h.mock_server("mock", *common).start(server_core)
        try:
            srv.wait_ready("/_mock/health")
            runs = [(target, script(tmp, f"g{i}", m, target, s)) for i, (m, target, s) in enumerate(GETS)]
            print(f"phase 1: {args.requests:,} GETs (time, tickers, signed assets in turn)", file=sys.stderr)
            samples = soak(wrk, wrk_core, srv, runs, args.requests, args.chunk, marks, args.max_seconds)
        finally:
            srv.stop()
        print(f"GETs: VmRSS at start {samples[0][1] / 1024:.1f} MiB; "
              + "; ".join(f"{m / 1e6:g}M: {at(samples, m)}" for m in marks)
              + f"; max {max(r for _, r in samples) / 1024:.1f} MiB over {samples[-1][0]:,} requests")
        if args.orders:
            srv = h.mock_server("mock", *common, "--max-closed-orders", str(args.cap)).start(server_core)
            try:
                srv.wait_ready("/_mock/health")
                lua = script(tmp, "order", "POST", "/api/v2/spot/trade/place-order", True, ORDER)
                print(f"phase 2: {args.orders:,} ioc place-orders, cap {args.cap:,} closed orders", file=sys.stderr)
                marks2 = sorted({args.cap, 2 * args.cap, args.orders // 2, args.orders})
                samples = soak(wrk, wrk_core, srv, [("/api/v2/spot/trade/place-order", lua)], args.orders,
                               args.chunk, marks2, args.max_seconds)
            finally:
                srv.stop()
            print(f"place-orders (cap {args.cap:,}): VmRSS at start {samples[0][1] / 1024:.1f} MiB; "
                  + "; ".join(f"{m:,}: {at(samples, m)}" for m in marks2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

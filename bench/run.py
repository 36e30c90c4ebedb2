"""Throughput of the mock against a bare Starlette baseline, side by side in one run: `python bench/run.py`.

Every server is one uvicorn worker pinned to one core (uvicorn's defaults for loop and http, the same for
all), wrk is pinned to the other core. Scenarios run in interleaved rounds (each round starts fresh
server processes and runs every scenario once, in a shuffled order) so drift of the machine hits
baseline and mock alike; each figure is the median round. A run that saw socket errors or an answer it did not expect is
INVALID, never a figure. Besides req/s the table shows the server's CPU per request (from /proc) and how
busy the server's core was (a fair run saturates it).

Every scenario run is paired with a run of the bare baseline just before it, and the ratio to the
baseline (the verdict's figure) is the median of these paired ratios. On a shared VM other load slows
runs down in steps that last several seconds (this one's core alternates between two speeds, ~50 and
~75 CPU µs for the same bare request): a baseline measured seconds apart is nearly always measured at
the same speed, where the median of all baseline runs against the median of all scenario runs compares
one speed with the other whenever the runs split unevenly. The ratio of the medians is shown too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import harness as h

IN_MEMORY = "signed POST place-order (ioc)"
DURABLE = "signed POST place-order (ioc, --state)"
PLACE_ORDER_BODY = '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'
# a market buy plan for 20 USDT, triggered far above the market: it waits (nothing reserved)
PLAN_ORDER_BODY = ('{"symbol":"BTCUSDT","side":"buy","orderType":"market","planType":"total","size":"20",'
                   '"triggerPrice":"900000","triggerType":"fill_price"}')
# an ioc futures buy far below the market: it reserves margin, cannot fill, and is cancelled
FUTURES_ORDER_BODY = ('{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"crossed",'
                      '"side":"buy","tradeSide":"open","orderType":"limit","force":"ioc","price":"1000","size":"0.01"}')
# admin requests a scenario needs on a fresh server: the futures wallet funded
FUND_FUTURES = (("PUT", f"/_mock/accounts/{h.UID}/balances?accountType=usdt_futures", '{"USDT":"1000000"}'),)


@dataclass
class Scenario:
    name: str
    server: str
    method: str
    path: str
    signed: bool = False
    body: str = ""
    expected: set[int] = field(default_factory=lambda: {200})
    tolerated: dict[int, int] = field(default_factory=dict)  # a few answers of another status allowed
    target: float | None = None  # ratio to the bare baseline
    results: list[h.WrkResult] = field(default_factory=list)
    paired: list[float] = field(default_factory=list)  # req/s over that of the baseline run just before
    skipped: str | None = None
    setup: tuple[tuple[str, str, str], ...] = ()  # admin (method, path, body) sent to each fresh server first

    def script(self, ts_ms: int) -> str:
        path, _, query = self.path.partition("?")
        headers = h.signed_headers(self.method, path, query, self.body, ts_ms) if self.signed else {}
        if self.body and not self.signed:
            headers["Content-Type"] = "application/json"
        return h.lua_script(self.method, headers, self.body)


def scenarios(duration: float) -> list[Scenario]:
    admitted = int(20 * (duration + 2))  # the endpoint limit (20/s per IP) admits this many at most per run
    return [
        Scenario("bare baseline: GET json", "bare", "GET", "/api/v2/public/time"),
        Scenario("HMAC baseline: signed GET", "hmac", "GET", "/api/v2/spot/account/assets", signed=True),
        Scenario("GET /public/time", "mock", "GET", "/api/v2/public/time", target=0.80),
        Scenario("GET /spot/market/tickers", "mock", "GET", "/api/v2/spot/market/tickers?symbol=BTCUSDT",
                 target=0.80),
        # futures market data: measured beside the spot ticker, no target of its own
        Scenario("GET /mix/market/ticker", "mock", "GET",
                 "/api/v2/mix/market/ticker?symbol=BTCUSDT&productType=USDT-FUTURES"),
        Scenario("signed GET /spot/account/assets", "mock", "GET", "/api/v2/spot/account/assets", signed=True,
                 target=0.70),
        Scenario(IN_MEMORY, "mock", "POST", "/api/v2/spot/trade/place-order", signed=True,
                 body=PLACE_ORDER_BODY, target=0.55),
        # the same with --state FILE: every order committed to SQLite before it is answered (issue 16:
        # at least half the in-memory figure; the line under the table compares the two)
        Scenario(DURABLE, "durable", "POST", "/api/v2/spot/trade/place-order", signed=True,
                 body=PLACE_ORDER_BODY),
        # every request adds one pending plan order (its trigger far above the market): the engine grows
        Scenario("signed POST place-plan-order", "mock", "POST", "/api/v2/spot/trade/place-plan-order",
                 signed=True, body=PLAN_ORDER_BODY, target=0.55),
        Scenario("signed POST futures place-order (ioc)", "mock", "POST", "/api/v2/mix/order/place-order",
                 signed=True, body=FUTURES_ORDER_BODY, target=0.55, setup=FUND_FUTURES),
        Scenario("429: endpoint limit (by IP)", "limited", "GET", "/api/v2/public/time", expected={429},
                 tolerated={200: admitted}, target=1.00),
        Scenario("429: global limit penalty", "penalty", "GET", "/api/v2/public/time", expected={429},
                 tolerated={200: 6000}, target=1.00),
    ]


def servers(accounts: Path, window_ms: int, state: Path) -> dict[str, h.Server]:
    common = ("--no-access-log", "--accounts", str(accounts))
    env = {"BENCH_API_KEY": h.API_KEY, "BENCH_SECRET": h.SECRET, "BENCH_PASSPHRASE": h.PASSPHRASE,
           "BENCH_WINDOW_MS": str(window_ms)}
    return {
        "bare": h.uvicorn_server("bare baseline", "baseline_app:app"),
        "hmac": h.uvicorn_server("hmac baseline", "baseline_app:hmac_app", env),
        "mock": h.mock_server("mock", *common, "--rate-limits", "off", "--timestamp-window-ms", str(window_ms)),
        "durable": h.mock_server("mock --state", *common, "--rate-limits", "off", "--timestamp-window-ms",
                                 str(window_ms), "--state", str(state)),
        # Bitget's limits, only the endpoint's: every request over 20/s gets the endpoint limiter's 429
        "limited": h.mock_server("mock (limits on, no global)", *common, "--global-limit", "0"),
        # Bitget's limits: past 6000 requests the IP is in the global penalty, refused before routing
        "penalty": h.mock_server("mock (limits on)", *common, "--global-penalty-seconds", "3600"),
    }


def probe(sc: Scenario, srv: h.Server, ts_ms: int) -> str | None:
    """One request as wrk will send it: None when it answers as expected, else why the scenario is skipped."""
    path, _, query = sc.path.partition("?")
    headers = h.signed_headers(sc.method, path, query, sc.body, ts_ms) if sc.signed else {}
    status, body = h.request(srv.port, sc.method, sc.path, headers, sc.body)
    if status == 404:
        return "not served by this build (404)"
    if status not in sc.expected and status not in sc.tolerated:
        return f"probe answered HTTP {status}: {body[:200]!r}"
    return None


def fmt_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def report(all_sc: list[Scenario]) -> tuple[str, list[dict[str, object]]]:
    head = ["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx", "busy", "cpu µs/req", "paired ratios %",
            "vs bare", "(medians)", "target", "verdict"]
    rows: list[list[str]] = []
    data: list[dict[str, object]] = []
    base = next(s for s in all_sc if s.server == "bare")
    base_ok = bool(base.results) and not any(r.unexpected(base.expected) for r in base.results)
    base_rps = statistics.median(r.rps for r in base.results) if base_ok else 0.0
    base_cpu = statistics.median(r.cpu_us_per_request for r in base.results) if base_ok else 0.0
    for sc in all_sc:
        if sc.skipped:
            rows.append([sc.name, *["-"] * 9, fmt_target(sc), f"skipped: {sc.skipped}"])
            continue
        problems = [p for r in sc.results if (p := r.unexpected(sc.expected, sc.tolerated))]
        med = sorted(sc.results, key=lambda r: r.rps)[len(sc.results) // 2]
        rps = statistics.median(r.rps for r in sc.results)
        cpu = statistics.median(r.cpu_us_per_request for r in sc.results)
        busy = statistics.median(r.core_share for r in sc.results)
        non2xx = sum(n for r in sc.results for s, n in r.statuses.items() if not 200 <= s < 300)
        ratio = rps / base_rps if base_rps else 0.0
        cpu_ratio = base_cpu / cpu if cpu else 0.0
        paired = statistics.median(sc.paired) if sc.paired and base_ok else (1.0 if sc is base else 0.0)
        if problems:
            rows.append([sc.name, "INVALID", "-", "-", str(non2xx), *["-"] * 5, fmt_target(sc),
                         "INVALID: " + problems[0]])
        else:
            verdict = "" if sc.target is None else ("ok" if paired >= sc.target else "BELOW TARGET")
            rows.append([sc.name, f"{rps:,.0f}", f"{med.p50_ms:.2f}", f"{med.p99_ms:.2f}", str(non2xx),
                         f"{busy:.0%}", f"{cpu:.1f}", " ".join(f"{x:.0%}"[:-1] for x in sc.paired) or "-",
                         f"{paired:.0%}", f"{ratio:.0%}", fmt_target(sc), verdict])
        data.append({"scenario": sc.name, "rps": [round(r.rps) for r in sc.results], "median_rps": round(rps),
                     "p50_ms": med.p50_ms, "p99_ms": med.p99_ms, "non2xx": non2xx,
                     "busy": round(busy, 3), "cpu_us_per_request": round(cpu, 1), "ratio": round(ratio, 3),
                     "cpu_ratio": round(cpu_ratio, 3), "paired_ratios": [round(x, 3) for x in sc.paired],
                     "paired_ratio": round(paired, 3),
                     "target": sc.target, "valid": not problems,
                     "problems": problems})
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [fmt_row(head, widths), fmt_row(["-" * w for w in widths], widths)]
    lines += [fmt_row(r, widths) for r in rows]
    return "\n".join(lines), data


def durable_line(all_sc: list[Scenario]) -> str:
    """place-order with --state against place-order in memory: the medians of their paired ratios."""
    by_name = {s.name: s for s in all_sc}
    durable, memory = by_name.get(DURABLE), by_name.get(IN_MEMORY)
    if durable is None or memory is None or not durable.paired or not memory.paired:
        return f"{DURABLE}: not measured in this run"
    share = statistics.median(durable.paired) / statistics.median(memory.paired)
    return (f"{DURABLE}: {share:.0%} of the in-memory place-order (target >= 50 %: "
            f"{'ok' if share >= 0.5 else 'BELOW TARGET'})")


def fmt_target(sc: Scenario) -> str:
    return "-" if sc.target is None else f">={sc.target:.0%}"


def measure(wrk: str, wrk_core: list[str], srv: h.Server, sc: Scenario, script: Path,
            args: argparse.Namespace) -> h.WrkResult:
    """One measured run. The server should be busy all along (the load saturates it): a run where it
    was not was disturbed by other load on the machine, and is run again (the busiest run is kept)."""
    best: h.WrkResult | None = None
    for _ in range(1 + args.retries):
        cpu0 = srv.cpu_s()
        res = h.run_wrk(wrk, wrk_core, srv.port, sc.path, script, args.duration, args.connections)
        res.server_cpu_s = srv.cpu_s() - cpu0
        if best is None or res.core_share > best.core_share:
            best = res
        if res.core_share >= args.min_busy:
            break
        print(f"  (server only {res.core_share:.0%} busy: disturbed, measuring again)", file=sys.stderr)
    assert best is not None
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=4.0, help="seconds of each measured wrk run (default 4)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds; figures are the median (default 5)")
    ap.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    ap.add_argument("--warmup", type=float, default=1.0, help="seconds of unmeasured load per scenario first")
    ap.add_argument("--only", nargs="*", default=None, help="substrings of scenario names to run (baseline always)")
    ap.add_argument("--min-busy", type=float, default=0.9,
                    help="a run where the server's core was less busy than this was disturbed: run again")
    ap.add_argument("--retries", type=int, default=2, help="extra tries of a disturbed run (default 2)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args()

    wrk = h.ensure_wrk()
    server_core, wrk_core = h.cores()
    all_sc = scenarios(args.duration)
    if args.only:
        all_sc = [s for s in all_sc if s.server == "bare" or any(o in s.name for o in args.only)]
    planned_s = 2 * len(all_sc) * args.rounds * (args.duration + args.warmup) + 60 * args.rounds
    window_ms = int(planned_s * 1000) + 600_000  # signed headers replayed for the whole run, then some
    ts_ms = int(time.time() * 1000)
    rss: dict[str, int] = {}
    print(f"uvicorn {h.uvicorn_impl()}, 1 worker; server on core {server_core[-1:]}, wrk on {wrk_core[-1:]}; "
          f"{args.connections} connections; {args.rounds} rounds x {args.duration:g} s per scenario, fresh "
          "server processes each round", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        accounts = Path(tmp) / "accounts.toml"
        accounts.write_text(h.accounts_toml(), encoding="utf-8")
        scripts: dict[str, Path] = {}
        for i, sc in enumerate(all_sc):
            scripts[sc.name] = Path(tmp) / f"s{i}.lua"
            scripts[sc.name].write_text(sc.script(ts_ms), encoding="utf-8")
        for rnd in range(args.rounds):
            # New processes every round: one process can be luckier than another (memory layout, hash
            # seeds), so each figure is the median over several processes as well as several runs.
            wanted = {s.server for s in all_sc if not s.skipped}
            state = Path(tmp) / f"state-{rnd}.db"  # a new file each round, like a new process
            srvs = {k: v for k, v in servers(accounts, window_ms, state).items() if k in wanted}
            try:
                for srv in srvs.values():
                    srv.start(server_core)
                for key, srv in srvs.items():
                    srv.wait_ready("/_mock/health" if key not in ("bare", "hmac") else "/api/v2/public/time")
                for sc in all_sc:
                    for method, path, body in sc.setup if sc.server in srvs else ():
                        h.request(srvs[sc.server].port, method, path, {"Content-Type": "application/json"}, body)
                if rnd == 0:
                    for sc in all_sc:
                        if sc.server not in ("bare", "hmac") and 429 not in sc.expected:
                            sc.skipped = probe(sc, srvs[sc.server], ts_ms)
                live = [s for s in all_sc if not s.skipped]
                if args.warmup > 0:
                    for sc in live:
                        h.run_wrk(wrk, wrk_core, srvs[sc.server].port, sc.path, scripts[sc.name], args.warmup,
                                  args.connections)
                base = next(s for s in live if s.server == "bare")
                order = [s for s in live if s is not base]
                random.Random(rnd).shuffle(order)  # no scenario always runs first (or right after another)
                for sc in order or [base]:
                    # the baseline right before each scenario: the pair sees the machine in the same state
                    ref = measure(wrk, wrk_core, srvs["bare"], base, scripts[base.name], args)
                    base.results.append(ref)
                    if sc is base:
                        continue
                    res = measure(wrk, wrk_core, srvs[sc.server], sc, scripts[sc.name], args)
                    sc.results.append(res)
                    sc.paired.append(res.rps / ref.rps if ref.rps else 0.0)
                    print(f"  round {rnd + 1}: {sc.name}: {res.rps:,.0f} req/s, {res.cpu_us_per_request:.1f} cpu "
                          f"µs/req, server busy {res.core_share:.0%}; baseline just before {ref.rps:,.0f} req/s: "
                          f"{sc.paired[-1]:.0%}", file=sys.stderr)
                rss = {k: max(rss.get(k, 0), s.rss_kb()) for k, s in srvs.items()}
            finally:
                for srv in srvs.values():
                    srv.stop()
    table, data = report(all_sc)
    print(table)
    print(durable_line(all_sc))
    print("largest server RSS after a round (KiB): " + ", ".join(f"{k} {v}" for k, v in rss.items()))
    if args.json:
        args.json.write_text(json.dumps({"scenarios": data, "rss_kb": rss}, indent=2), encoding="utf-8")
    return 0 if all(d["valid"] for d in data) else 1


if __name__ == "__main__":
    raise SystemExit(main())

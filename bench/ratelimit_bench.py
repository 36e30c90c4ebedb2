"""Rate-limiter benchmark: cost per check (moving, fixed) and the app's in-process throughput, limits on vs off.

    .venv/bin/python bench/ratelimit_bench.py [--checks N] [--requests N]

Everything runs in this process on a manual clock (no sockets): the figures are the limiter's own
cost and the ASGI app's cost per request, not a network benchmark. Each figure is the best of
--repeat runs (the machine is shared: the minimum is the least disturbed). Printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from mock_exchange.app import create_app
from mock_exchange.config import Config
from mock_exchange.endpoint import Endpoint
from mock_exchange.ratelimit.limiter import RateLimited, RateLimiter
from mock_exchange.ratelimit.limits import LimitTable, per_uid
from mock_exchange.request import ApiRequest
from mock_exchange.state.accounts import ApiKey

T0 = 1_795_465_233_000
PATH = "/api/v2/public/time"


def _handler(svc: object, req: object) -> None:
    return None


def limiter_cost(algorithm: str, checks: int) -> dict[str, float]:
    """µs per call: an admitted endpoint check, a refused one (raises 429), a global check."""
    ep = Endpoint("GET", "/api/v2/spot/trade/place-order", _handler, per_uid(10), private=True)
    limiter = RateLimiter(Config(limit_algorithm=algorithm), LimitTable(), [ep])
    req = ApiRequest("POST", ep.path, ep.path.encode(), b"", b"", {}, "127.0.0.1", T0)
    req.key = ApiKey("bg_bench", "1000000001", "pass1234", frozenset({"read"}))
    check = limiter.check_endpoint
    out: dict[str, float] = {}

    start = time.perf_counter_ns()
    for i in range(checks):
        req.now_ms = T0 + i * 100  # 10/s per UID: every check admitted
        check(ep, req, None)
    out["endpoint admitted"] = (time.perf_counter_ns() - start) / checks / 1000

    req.now_ms = T0 + checks * 100 + 10_000
    for _ in range(10):
        check(ep, req, None)
    start = time.perf_counter_ns()
    for _ in range(checks):
        try:
            check(ep, req, None)
        except RateLimited:
            pass
    out["endpoint refused"] = (time.perf_counter_ns() - start) / checks / 1000

    glob = limiter.global_limit
    if glob is not None:
        start = time.perf_counter_ns()
        for i in range(checks):
            glob.refused_for("127.0.0.1", T0 + i * 10)  # 100/s: within 6000/min
        out["global admitted"] = (time.perf_counter_ns() - start) / checks / 1000
    return out


async def _drive(app: Any, requests: int, step_ms: int) -> float:
    """µs per request through the whole ASGI app, the clock advanced `step_ms` before each."""
    clock = app.services.clock
    template = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                "scheme": "http", "path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": "",
                "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000),
                "server": ("127.0.0.1", 8080)}
    request = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> dict[str, Any]:
        return request

    async def send(message: dict[str, Any]) -> None:
        return None

    start = time.perf_counter_ns()
    for _ in range(requests):
        clock.advance(step_ms)
        await app(dict(template), receive, send)
    return (time.perf_counter_ns() - start) / requests / 1000


def app_cost(requests: int) -> dict[str, float]:
    def make(**kw: Any) -> Any:
        return create_app(Config(manual_clock=True, clock_start_ms=T0, journal_size=1000, **kw))

    out = {}
    out["limits off, 200"] = asyncio.run(_drive(make(rate_limits="off"), requests, 50))
    out["limits on,  200"] = asyncio.run(_drive(make(), requests, 50))  # 20/s per IP: all admitted
    out["limits on,  endpoint 429"] = asyncio.run(_drive(make(global_limit=0), requests, 0))  # frozen: 429s
    penalised = make()
    asyncio.run(_drive(penalised, 6001, 0))  # go over 6000/min: the penalty starts
    out["limits on,  global 429"] = asyncio.run(_drive(penalised, requests, 0))
    return out


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {name: min(run[name] for run in runs) for name in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"limiter cost per check ({args.checks} checks, fake clock, best of {args.repeat})")
    for algorithm in ("moving", "fixed"):
        for name, us in best([limiter_cost(algorithm, args.checks) for _ in range(args.repeat)]).items():
            print(f"  {algorithm:6} {name:18} {us:6.2f} µs")
    print(f"app in-process, GET {PATH} ({args.requests} requests, ASGI called directly, best of {args.repeat})")
    for name, us in best([app_cost(args.requests) for _ in range(args.repeat)]).items():
        print(f"  {name:26} {us:7.1f} µs/request  {1e6 / us:9.0f} requests/s")


if __name__ == "__main__":
    main()

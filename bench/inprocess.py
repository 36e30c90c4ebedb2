"""The mock's own cost per request, without HTTP: drive the ASGI app in-process, optionally under cProfile.

    python bench/inprocess.py                    # CPU µs per request of every scenario, mock vs bare Starlette
    python bench/inprocess.py --profile assets   # cProfile of one scenario, top functions by own time

The scopes are shaped as uvicorn's httptools protocol builds them (lower-case header names, raw path).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness as h

sys.path.insert(0, str(h.ROOT))

from mock_exchange.app import create_app
from mock_exchange.config import Config

SCENARIOS: dict[str, tuple[str, str, str, bool, str]] = {
    # name: (app, method, path?query, signed, body)
    "bare": ("bare", "GET", "/api/v2/public/time", False, ""),
    "hmac": ("hmac", "GET", "/api/v2/spot/account/assets", True, ""),
    "time": ("mock", "GET", "/api/v2/public/time", False, ""),
    "tickers": ("mock", "GET", "/api/v2/spot/market/tickers?symbol=BTCUSDT", False, ""),
    "mix-ticker": ("mock", "GET", "/api/v2/mix/market/ticker?symbol=BTCUSDT&productType=USDT-FUTURES", False, ""),
    "assets": ("mock", "GET", "/api/v2/spot/account/assets", True, ""),
    "place-order": ("mock", "POST", "/api/v2/spot/trade/place-order", True,
                    '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'),
    "place-plan-order": ("mock", "POST", "/api/v2/spot/trade/place-plan-order", True,
                         '{"symbol":"BTCUSDT","side":"buy","orderType":"market","planType":"total","size":"20",'
                         '"triggerPrice":"900000","triggerType":"fill_price"}'),
    "mix-place-order": ("mock", "POST", "/api/v2/mix/order/place-order", True,
                        '{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"crossed",'
                        '"side":"buy","tradeSide":"open","orderType":"limit","force":"ioc","price":"1000","size":"0.01"}'),
    # a trigger order far below the price: it is watched, never fires; no margin is reserved
    "mix-place-plan-order": ("mock", "POST", "/api/v2/mix/order/place-plan-order", True,
                             '{"planType":"normal_plan","symbol":"BTCUSDT","productType":"USDT-FUTURES",'
                             '"marginCoin":"USDT","marginMode":"crossed","side":"buy","tradeSide":"open",'
                             '"orderType":"market","size":"0.01","triggerPrice":"1000","triggerType":"mark_price"}'),
    # the same order with --state FILE: each one pickled and committed to SQLite before it is answered
    "place-order-durable": ("durable", "POST", "/api/v2/spot/trade/place-order", True,
                            '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'),
    "429-endpoint": ("limited", "GET", "/api/v2/public/time", False, ""),
    "429-global": ("penalty", "GET", "/api/v2/public/time", False, ""),
}


def build_apps(window_ms: int) -> dict[str, Any]:
    import os

    os.environ.update({"BENCH_API_KEY": h.API_KEY, "BENCH_SECRET": h.SECRET, "BENCH_PASSPHRASE": h.PASSPHRASE,
                       "BENCH_WINDOW_MS": str(window_ms)})
    sys.path.insert(0, str(h.BENCH))
    import baseline_app

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    accounts = tmp / "accounts.toml"
    accounts.write_text(h.accounts_toml(), encoding="utf-8")
    common: dict[str, Any] = {"accounts_file": accounts, "access_log": False}
    mock = create_app(Config(rate_limits="off", timestamp_window_ms=window_ms, **common))
    services = mock.services  # the futures wallet funded, for mix-*
    services.exchange.accounts.set_balances(h.UID, {"USDT": "1000000"}, services.clock.now_ms(), "usdt_futures")
    return {
        "bare": baseline_app.app,
        "hmac": baseline_app.hmac_app,
        "mock": mock,
        "durable": create_app(Config(rate_limits="off", timestamp_window_ms=window_ms, state_file=tmp / "state.db",
                                     **common)),
        "limited": create_app(Config(global_limit=0, **common)),
        "penalty": create_app(Config(global_penalty_seconds=3600, **common)),
    }


def make_scope(method: str, target: str, headers: dict[str, str], body: str) -> dict[str, Any]:
    path, _, query = target.partition("?")
    raw = [(b"host", b"127.0.0.1:8080"), (b"user-agent", b"bench")]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
            "server": ("127.0.0.1", 8080), "client": ("127.0.0.1", 50000), "scheme": "http", "method": method,
            "root_path": "", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
            "headers": raw, "state": {}}


async def drive(app: Any, scope: dict[str, Any], body: bytes, n: int) -> tuple[float, dict[int, int]]:
    statuses: dict[int, int] = {}
    message = {"type": "http.request", "body": body, "more_body": False}

    async def receive() -> dict[str, Any]:
        return message

    async def send(msg: dict[str, Any]) -> None:
        if msg["type"] == "http.response.start":
            statuses[msg["status"]] = statuses.get(msg["status"], 0) + 1

    start = time.process_time()  # CPU time of this process: other load on the machine does not count
    for _ in range(n):
        await app(dict(scope), receive, send)
    return (time.process_time() - start) / n * 1e6, statuses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=20000, help="requests per scenario (default 20000)")
    ap.add_argument("--profile", default=None, choices=sorted(SCENARIOS), help="cProfile this scenario")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    apps = build_apps(3_600_000)
    ts = int(time.time() * 1000)
    names = [args.profile] if args.profile else list(SCENARIOS)
    for name in names:
        app_name, method, target, signed, body = SCENARIOS[name]
        path, _, query = target.partition("?")
        headers = h.signed_headers(method, path, query, body, ts) if signed else {}
        scope = make_scope(method, target, headers, body)
        asyncio.run(drive(apps[app_name], scope, body.encode(), 2000))  # warm caches
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            us, statuses = asyncio.run(drive(apps[app_name], scope, body.encode(), args.n))
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)
        else:  # the best of 5 batches: other load on the machine only ever adds time
            runs = [asyncio.run(drive(apps[app_name], scope, body.encode(), args.n // 5)) for _ in range(5)]
            us = min(r[0] for r in runs)
            statuses = {}
            for _, st in runs:
                for code, count in st.items():
                    statuses[code] = statuses.get(code, 0) + count
        print(f"{name:14s} {us:7.1f} µs/request  statuses {statuses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

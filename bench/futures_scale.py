"""Futures place-order cost with many open positions across accounts vs none: `python bench/futures_scale.py`.

    python bench/futures_scale.py                  # µs per futures place-order, empty vs 10 000 positions
    python bench/futures_scale.py --positions 2000 -n 2000

In-process like bench/trading_scale.py (signed requests through the whole ASGI app, rate limits off,
manual clock), so the figure is the mock's own CPU per request. The load is built through the state
layer: one account per position, each funded and holding a small market-opened BTCUSDT position.
"""

from __future__ import annotations

import argparse
import sys
import time
from decimal import Decimal

import harness as h
from trading_scale import START_MS, measure

sys.path.insert(0, str(h.ROOT))

import tempfile
from pathlib import Path

from mock_exchange.app import MockExchange, create_app
from mock_exchange.config import Config
from mock_exchange.state.futures.model import FuturesOrderSpec

PT = "USDT-FUTURES"
# an ioc buy far below the market: it reserves margin, cannot fill, and is cancelled (nothing accumulates)
FUTURES_ORDER = ('{"symbol":"BTCUSDT","productType":"USDT-FUTURES","marginCoin":"USDT","marginMode":"crossed",'
                 '"side":"buy","tradeSide":"open","orderType":"limit","force":"ioc","price":"1000","size":"0.01"}')
PATH = "/api/v2/mix/order/place-order"


def build(positions: int) -> MockExchange:
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    accounts = tmp / "accounts.toml"
    accounts.write_text(h.accounts_toml(), encoding="utf-8")
    app = create_app(Config(rate_limits="off", accounts_file=accounts, access_log=False, manual_clock=True,
                            clock_start_ms=START_MS, timestamp_window_ms=10**12))
    ex = app.services.exchange
    ex.accounts.set_balances(h.UID, {"USDT": "1000000"}, START_MS, "usdt_futures")
    for i in range(positions):
        uid = f"p{i}"
        ex.accounts.create_account(START_MS, uid)
        ex.accounts.set_balances(uid, {"USDT": "1000"}, START_MS, "usdt_futures")
        side = "buy" if i % 2 else "sell"
        ex.futures.trading.place(uid, FuturesOrderSpec("BTCUSDT", PT, "USDT", "crossed", side, "market",
                                                       Decimal("0.001"), trade_side="open"), START_MS)
    return app


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=5000, help="requests per figure (default 5000)")
    ap.add_argument("--positions", type=int, default=10_000)
    args = ap.parse_args()
    empty = build(0)
    t0 = time.perf_counter()
    loaded = build(args.positions)
    built = time.perf_counter() - t0
    print(f"{args.positions} open positions across {args.positions} accounts (built in {built:.1f} s)")
    base, big = measure([empty, loaded], FUTURES_ORDER, args.n, PATH)
    print(f"futures place-order (ioc)  empty {base:7.1f} µs   loaded {big:7.1f} µs   ratio {big / base:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

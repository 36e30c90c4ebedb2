"""CPU of one 50-candle `candle1m` WS snapshot (Market.candles on a fresh Market, so no cache helps).

    python bench/candle_snapshot.py        # CPU seconds of five snapshots
    python bench/candle_snapshot.py p      # the cProfile of one
"""

from __future__ import annotations

import cProfile
import sys
import time

from mock_exchange.state.catalog import SYMBOLS_BY_NAME
from mock_exchange.state.market import Market

NOW = 1_795_465_233_000
SYMBOL = SYMBOLS_BY_NAME["BTCUSDT"]


def one(k: int) -> float:
    market = Market(42)
    t0 = time.process_time()
    market.candles(SYMBOL, "1min", NOW + k * 1000, None, None, 50)
    return time.process_time() - t0


if __name__ == "__main__":
    if sys.argv[1:] == ["p"]:
        cProfile.run("one(0)", sort="cumtime")
    else:
        print("CPU s per 50-candle 1min snapshot:", [round(one(k), 4) for k in range(5)])

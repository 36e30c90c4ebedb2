"""The reference client's futures market methods against the mock, in process: each reaches its endpoint
and returns Bitget's `data`, and the answers agree with each other."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from .client_support import asgi_client
from .helpers import NOW, VirtualTime, make_app


def test_futures_market_methods_in_process() -> None:
    app = make_app()
    vt = VirtualTime(app)
    pt, sym = "USDT-FUTURES", "BTCUSDT"

    async def run() -> dict[str, Any]:
        async with asgi_client(app, vt) as c:
            return {
                "ticker": await c.futures_ticker(pt, sym),
                "tickers": await c.futures_tickers("SCOIN-FUTURES"),
                "depth": await c.futures_merge_depth(pt, sym, precision="scale1", limit=5),
                "candles": await c.futures_candles(pt, sym, "1m", kline_type="MARK", limit=2),
                "history": await c.futures_history_candles(pt, sym, "1H", end_time=NOW, limit=3),
                "index": await c.futures_history_index_candles(pt, sym, "1m", limit=1),
                "mark": await c.futures_history_mark_candles(pt, sym, "1m", limit=1),
                "fills": await c.futures_recent_fills(pt, sym, limit=2),
                "fills_history": await c.futures_fills_history(pt, sym, limit=3),
                "price": await c.futures_symbol_price(pt, sym),
                "oi": await c.futures_open_interest(pt, sym),
                "rate": await c.futures_current_fund_rate(pt, sym),
                "rates": await c.futures_history_fund_rate(pt, sym, page_size=2, page_no=2),
                "time": await c.futures_funding_time(pt, sym),
                "tiers": await c.futures_position_tiers(pt, sym),
            }

    r = asyncio.run(run())
    [t] = r["ticker"]
    assert [x["symbol"] for x in r["tickers"]] == ["BTCUSD"]
    assert r["depth"]["scale"] == "1" and len(r["depth"]["asks"]) == 5
    assert r["candles"][-1][4] == t["markPrice"] and len(r["history"]) == 3
    assert (r["index"][-1][4], r["mark"][-1][4]) == (t["indexPrice"], t["markPrice"])
    assert r["fills"][0]["price"] == r["fills_history"][0]["price"] == t["lastPr"]
    assert r["price"][0]["price"] == t["lastPr"] and r["oi"]["openInterestList"][0]["size"] == t["holdingAmount"]
    assert r["rate"][0]["fundingRate"] == t["fundingRate"]
    assert r["time"][0]["nextFundingTime"] == r["rate"][0]["nextUpdate"]
    assert [int(x["fundingTime"]) for x in r["rates"]] == [int(r["time"][0]["nextFundingTime"]) - k * 28_800_000
                                                           for k in (3, 4)]
    assert Decimal(r["tiers"][0]["keepMarginRate"]) == Decimal("0.004")

"""ccxt's bitget class, unmodified, reading futures market data from the mock over a real socket: swaps
load, and tickers, books, candles (market, mark, index), funding, open interest, tiers and trades parse
to the values the mock's own endpoints show."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_exchange.server import ServerThread

from .helpers import make_app

ccxt = pytest.importorskip("ccxt")
DAY = 86_400_000
SWAPS = {"BTC/USDT:USDT": "BTCUSDT", "ETH/USDT:USDT": "ETHUSDT", "BTC/USD:BTC": "BTCUSD", "BTC/USDC:USDC": "BTCPERP",
         "ETH/USDC:USDC": "ETHPERP"}
PRODUCTS = {"USDT": "USDT-FUTURES", "BTC": "COIN-FUTURES", "USDC": "USDC-FUTURES"}


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[Any, str]]:
    app = make_app(rate_limits="off")
    with ServerThread(app) as server:
        url = f"http://{server.host}:{server.port}"
        ex = ccxt.bitget({"options": {"adjustForTimeDifference": True}})  # the mock's clock is virtual
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], url)
        ex.load_markets()
        yield ex, url


def _mock(url: str, path: str, **params: str) -> Any:
    return httpx.get(f"{url}/api/v2/mix/market/{path}", params=params).json()["data"]


def _last_path(url: str) -> str:
    path: str = httpx.get(f"{url}/_mock/journal", params={"limit": 1}).json()["entries"][0]["path"]
    return path


def test_load_markets_has_the_swaps(mock: tuple[Any, str]) -> None:
    exchange = mock[0]
    swaps = {s: m for s, m in exchange.markets.items() if m["swap"]}
    assert {s: m["id"] for s, m in swaps.items()} == SWAPS
    btc = swaps["BTC/USDT:USDT"]
    leverage = btc["limits"]["leverage"]["max"]
    assert (btc["linear"], btc["settle"], btc["contractSize"], leverage) == (True, "USDT", 1, 125)
    assert (btc["precision"]["price"], btc["precision"]["amount"], btc["taker"]) == (0.1, 0.0001, 0.0006)
    assert swaps["BTC/USD:BTC"]["inverse"] is True and swaps["ETH/USDT:USDT"]["limits"]["leverage"]["max"] == 100
    perp = swaps["BTC/USDC:USDC"]  # priceEndStep 5 at pricePlace 1: ccxt reads a 0.5 price step
    assert (perp["linear"], perp["settle"], perp["precision"]["price"], perp["precision"]["amount"]) == (
        True, "USDC", 0.5, 0.0001)


@pytest.mark.parametrize("symbol", ["BTC/USDT:USDT", "BTC/USD:BTC", "BTC/USDC:USDC"])
def test_ticker_book_and_candles(mock: tuple[Any, str], symbol: str) -> None:
    exchange, url = mock
    product = PRODUCTS[symbol.split(":")[1]]
    [raw] = _mock(url, "ticker", symbol=SWAPS[symbol], productType=product)
    t = exchange.fetch_ticker(symbol)
    assert (t["last"], t["bid"], t["ask"]) == (float(raw["lastPr"]), float(raw["bidPr"]), float(raw["askPr"]))
    assert (t["markPrice"], t["indexPrice"]) == (float(raw["markPrice"]), float(raw["indexPrice"]))
    assert t["low"] <= t["last"] <= t["high"] and t["timestamp"] == int(raw["ts"])
    book = exchange.fetch_order_book(symbol, 5)
    assert len(book["bids"]) == len(book["asks"]) == 5
    assert (book["bids"][0][0], book["asks"][0][0]) == (t["bid"], t["ask"]) and book["bids"][0][0] < book["asks"][0][0]
    candles = exchange.fetch_ohlcv(symbol, "1h", limit=5)
    assert len(candles) == 5 and candles[-1][4] == t["last"] and all(len(c) == 6 and c[5] > 0 for c in candles)
    assert [c[0] for c in candles] == sorted(c[0] for c in candles)
    mark = exchange.fetch_mark_ohlcv(symbol, "1m", limit=2)
    index = exchange.fetch_index_ohlcv(symbol, "1m", limit=2)
    assert (mark[-1][4], index[-1][4]) == (t["markPrice"], t["indexPrice"])


def test_ohlcv_far_back_uses_the_history_endpoints(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    since = exchange.fetch_time() - 100 * DAY
    old = exchange.fetch_ohlcv("BTC/USDT:USDT", "1h", since=since, limit=50)
    assert len(old) == 50 and old[0][0] >= since and old[1][0] - old[0][0] == 3_600_000
    assert _last_path(url) == "/api/v2/mix/market/history-candles"
    mark = exchange.fetch_mark_ohlcv("BTC/USDT:USDT", "1h", since=since, limit=5)
    assert len(mark) == 5 and all(c[5] == 0 for c in mark)
    assert _last_path(url) == "/api/v2/mix/market/history-mark-candles"


def test_funding_rate_interval_and_history(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    [raw] = _mock(url, "current-fund-rate", symbol="BTCUSDT", productType="USDT-FUTURES")
    rate = exchange.fetch_funding_rate("BTC/USDT:USDT")
    assert (rate["fundingRate"], rate["fundingTimestamp"], rate["interval"]) == (
        float(raw["fundingRate"]), int(raw["nextUpdate"]), "8h")
    assert exchange.fetch_funding_interval("BTC/USDT:USDT")["fundingTimestamp"] == int(raw["nextUpdate"])
    history = exchange.fetch_funding_rate_history("BTC/USDT:USDT", limit=3)
    assert [h["timestamp"] for h in history] == [int(raw["nextUpdate"]) - k * 8 * 3_600_000 for k in (3, 2, 1)]
    assert all(-0.003 <= h["fundingRate"] <= 0.003 for h in history)


def test_open_interest_mark_price_tiers_and_trades(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    [raw] = _mock(url, "ticker", symbol="ETHUSDT", productType="USDT-FUTURES")
    assert exchange.fetch_open_interest("ETH/USDT:USDT")["openInterestAmount"] == float(raw["holdingAmount"])
    assert exchange.fetch_mark_price("ETH/USDT:USDT")["markPrice"] == float(raw["markPrice"])
    tiers = exchange.fetch_market_leverage_tiers("BTC/USDT:USDT")
    assert [(t["minNotional"], t["maxNotional"], t["maxLeverage"]) for t in tiers[:2]] == [
        (0, 50000, 125), (50000, 200000, 100)]
    trades = exchange.fetch_trades("ETH/USDT:USDT", limit=3)
    assert len(trades) == 3 and trades[-1]["price"] == float(raw["lastPr"])
    assert _last_path(url) == "/api/v2/mix/market/fills-history"
    tickers = exchange.fetch_tickers(["BTC/USDT:USDT", "ETH/USDT:USDT"])
    assert set(tickers) == {"BTC/USDT:USDT", "ETH/USDT:USDT"}


def test_trades_in_a_window_and_recent_candles_since(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    now = exchange.fetch_time()
    window = exchange.fetch_trades("BTC/USDT:USDT", since=now - 10_000, params={"until": now - 5_000})
    first, last = -(-(now - 10_000) // 1000) * 1000, (now - 5000) // 1000 * 1000  # one trade per second
    assert [t["timestamp"] for t in window] == list(range(first, last + 1, 1000))
    assert all(t["side"] in ("buy", "sell") for t in window)
    hour = 3_600_000
    recent = exchange.fetch_ohlcv("BTC/USDT:USDT", "1h", since=now - 5 * hour, limit=3)
    assert len(recent) == 3 and all(b[0] - a[0] == hour for a, b in itertools.pairwise(recent))
    assert now - 6 * hour < recent[0][0] and recent[-1][0] <= now - 2 * hour
    assert _last_path(url) == "/api/v2/mix/market/candles"

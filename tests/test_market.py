"""The seeded market: deterministic per seed and clock, consistent across endpoints, Bitget-shaped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.state.catalog import SYMBOLS_BY_NAME
from mock_exchange.state.market import Market, _sampled
from mock_exchange.state.pricewalk import step_of

from .helpers import NOW, call, make_app

SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "龙币USDT"]


def _get(app: Any, path: str, query: str = "") -> Any:
    from urllib.parse import quote

    r = call(app, "GET", path, raw_query=quote(query, safe="=&").encode())
    assert (r.status, r.code) == (200, "00000"), r.body
    return r.json()["data"]


def _all_strings(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_all_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_strings(v) for v in value)
    return isinstance(value, str)


def test_same_seed_and_clock_give_same_answers() -> None:
    a, b = make_app(seed=7), make_app(seed=7)
    for path, q in [("/api/v2/spot/market/tickers", ""), ("/api/v2/spot/market/orderbook", "symbol=BTCUSDT"),
                    ("/api/v2/spot/market/candles", "symbol=ETHUSDT&granularity=5min"),
                    ("/api/v2/spot/market/fills", "symbol=SOLUSDT")]:
        assert _get(a, path, q) == _get(b, path, q)
    assert _get(make_app(seed=8), "/api/v2/spot/market/tickers") != _get(a, "/api/v2/spot/market/tickers")


@given(offset=st.integers(0, 10**10), symbol=st.sampled_from(SYMBOLS))
def test_ticker_book_trades_candles_agree(offset: int, symbol: str) -> None:
    app = make_app(now_ms=NOW + offset)
    t = _get(app, "/api/v2/spot/market/tickers", f"symbol={symbol}")[0]
    book = _get(app, "/api/v2/spot/market/orderbook", f"symbol={symbol}&limit=5")
    trades = _get(app, "/api/v2/spot/market/fills", f"symbol={symbol}&limit=3")
    candle = _get(app, "/api/v2/spot/market/candles", f"symbol={symbol}&granularity=1min&limit=1")[-1]
    last, bid, ask = Decimal(t["lastPr"]), Decimal(t["bidPr"]), Decimal(t["askPr"])
    assert bid < ask and last in (bid, ask)
    assert Decimal(book["bids"][0][0]) == bid and Decimal(book["asks"][0][0]) == ask
    assert [Decimal(lv[0]) for lv in book["asks"]] == sorted(Decimal(lv[0]) for lv in book["asks"])
    assert [Decimal(lv[0]) for lv in book["bids"]] == sorted((Decimal(lv[0]) for lv in book["bids"]), reverse=True)
    assert Decimal(t["low24h"]) <= last <= Decimal(t["high24h"])
    assert Decimal(trades[0]["price"]) == last
    assert int(trades[0]["tradeId"]) > int(trades[1]["tradeId"])
    assert Decimal(candle[4]) == last
    assert Decimal(candle[3]) <= min(Decimal(candle[1]), last) and Decimal(candle[2]) >= max(Decimal(candle[1]), last)
    assert _all_strings(t) and _all_strings(book) and _all_strings(trades) and _all_strings(candle)


def test_ticker_fields() -> None:
    t = _get(make_app(), "/api/v2/spot/market/tickers", "symbol=BTCUSDT")[0]
    assert set(t) == {"symbol", "high24h", "open", "low24h", "lastPr", "quoteVolume", "baseVolume", "usdtVolume",
                      "bidPr", "askPr", "bidSz", "askSz", "openUtc", "ts", "changeUtc24h", "change24h"}
    assert t["ts"] == str(NOW)
    assert len(_get(make_app(), "/api/v2/spot/market/tickers")) == 4


def test_price_moves_with_the_clock() -> None:
    app = make_app()
    first = _get(app, "/api/v2/spot/market/tickers", "symbol=BTCUSDT")[0]["lastPr"]
    prices = {first}
    for _ in range(20):
        app.services.clock.advance(60_000)
        prices.add(_get(app, "/api/v2/spot/market/tickers", "symbol=BTCUSDT")[0]["lastPr"])
    assert len(prices) > 10


def test_candles_are_oldest_first_aligned_and_bounded() -> None:
    app = make_app()
    rows = _get(app, "/api/v2/spot/market/candles", "symbol=BTCUSDT&granularity=1h&limit=5")
    ts = [int(r[0]) for r in rows]
    assert len(rows) == 5 and ts == sorted(ts) and all(t % 3_600_000 == 0 for t in ts)
    assert all(len(r) == 8 for r in rows)
    rows = _get(app, "/api/v2/spot/market/candles",
                f"symbol=BTCUSDT&granularity=1min&startTime={NOW - 300_000}&endTime={NOW}")
    assert 5 <= len(rows) <= 6
    day = _get(app, "/api/v2/spot/market/candles", "symbol=BTCUSDT&granularity=1day&limit=2")
    assert all((int(r[0]) + 8 * 3_600_000) % 86_400_000 == 0 for r in day)  # UTC+8 days
    month = _get(app, "/api/v2/spot/market/candles", "symbol=BTCUSDT&granularity=1Mutc&limit=3")
    assert len(month) == 3


def test_market_parameter_errors() -> None:
    app = make_app()
    cases = [
        ("/api/v2/spot/market/orderbook", b"", "40019"),
        ("/api/v2/spot/market/orderbook", b"symbol=NOPE", "40034"),
        ("/api/v2/spot/market/orderbook", b"symbol=BTCUSDT&limit=151", "40020"),
        ("/api/v2/spot/market/candles", b"symbol=BTCUSDT", "40019"),
        ("/api/v2/spot/market/candles", b"symbol=BTCUSDT&granularity=2min", "40020"),
        ("/api/v2/spot/market/candles", b"symbol=BTCUSDT&granularity=1min&limit=1001", "40020"),
        ("/api/v2/spot/market/fills", b"symbol=BTCUSDT&limit=501", "40020"),
        ("/api/v2/mix/market/contracts", b"", "40019"),
        ("/api/v2/mix/market/contracts", b"productType=SPOT", "40020"),
    ]
    for path, query, code in cases:
        r = call(app, "GET", path, raw_query=query)
        assert (r.status, r.code) == (400, code), (path, query, r.body)


def test_reference_data() -> None:
    app = make_app()
    symbols = _get(app, "/api/v2/spot/public/symbols")
    names = {s["symbol"] for s in symbols}
    assert names == set(SYMBOLS)
    btc = next(s for s in symbols if s["symbol"] == "BTCUSDT")
    assert (btc["pricePrecision"], btc["quantityPrecision"], btc["minTradeUSDT"]) == ("2", "6", "1")
    assert btc["status"] == "online" and btc["offTime"] == "" and "maxLimitOrderValue" in btc
    coins = _get(app, "/api/v2/spot/public/coins")
    usdt = next(c for c in coins if c["coin"] == "USDT")
    assert {ch["chain"] for ch in usdt["chains"]} == {"ERC20", "TRC20"}
    assert _get(app, "/api/v2/spot/public/coins", "coin=龙币")[0]["coin"] == "龙币"
    margin = _get(app, "/api/v2/margin/currencies")
    assert {m["symbol"] for m in margin} == {"BTCUSDT", "ETHUSDT"} and all(m["isBorrowable"] is True for m in margin)
    for pt, expected in [("USDT-FUTURES", {"BTCUSDT", "ETHUSDT"}), ("COIN-FUTURES", {"BTCUSD"}),
                         ("usdc-futures", {"BTCPERP", "ETHPERP"})]:
        assert {c["symbol"] for c in _get(app, "/api/v2/mix/market/contracts", f"productType={pt}")} == expected


@given(offset_s=st.integers(0, 10 * 86_400), granularity=st.sampled_from(["1min", "5min", "1h", "1day"]),
       limit=st.integers(1, 50))
@settings(max_examples=25, deadline=None)
def test_candles_are_the_walk_prices_step_by_step(offset_s: int, granularity: str, limit: int) -> None:
    """The batched candle walk (a dense run of steps walked once) gives each candle exactly what
    Market.price() gives step by step: open, close, and high/low over the sampled steps."""
    market, sym, now = Market(7), SYMBOLS_BY_NAME["BTCUSDT"], NOW + offset_s * 1000
    rows = market.candles(sym, granularity, now, None, None, limit)
    assert len(rows) == limit and rows[-1].ts <= now
    ends = [r.ts for r in rows[1:]] + [now + 1]
    for row, end in zip(rows, ends, strict=True):
        s0, s1 = step_of(row.ts), step_of(end - 1)
        prices = [market.price(sym, k) for k in _sampled(s0, s1)]
        assert (row.open, row.close) == (market.price(sym, s0), market.price(sym, s1))
        assert (row.high, row.low) == (max(prices), min(prices))

"""The futures market endpoints: Bitget's shapes for every product type, agreement between endpoints,
enum parameters in any case, and Bitget-style refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.state.catalog import CONTRACTS, DEMO_PRODUCT_TYPES, PRODUCT_TYPES

from .helpers import NOW, call, make_app

M = "/api/v2/mix/market/"
ALL_TYPES = PRODUCT_TYPES + tuple(DEMO_PRODUCT_TYPES)
PAIRS = [(c.product_type, c.symbol) for c in CONTRACTS]
TICKER_FIELDS = {"symbol", "lastPr", "askPr", "bidPr", "bidSz", "askSz", "high24h", "low24h", "ts", "change24h",
                 "baseVolume", "quoteVolume", "usdtVolume", "openUtc", "changeUtc24h", "indexPrice", "fundingRate",
                 "holdingAmount", "deliveryStartTime", "deliveryTime", "deliveryStatus", "open24h", "markPrice"}


def _get(app: Any, path: str, query: str = "") -> Any:
    r = call(app, "GET", M + path, raw_query=quote(query, safe="=&").encode())
    assert (r.status, r.code) == (200, "00000"), r.body
    return r.json()["data"]


def _code(app: Any, path: str, query: str) -> tuple[int, str | None]:
    r = call(app, "GET", M + path, raw_query=query.encode())
    return r.status, r.code


def _strings(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(_strings(v) for v in value)
    return isinstance(value, str)


def test_every_product_type_answers_and_demo_types_mirror_the_real_ones() -> None:
    app = make_app()
    for pt in ALL_TYPES:
        real = DEMO_PRODUCT_TYPES.get(pt, pt)
        rows = _get(app, "tickers", f"productType={pt.lower()}")
        assert [t["symbol"] for t in rows] == [c.symbol for c in CONTRACTS if c.product_type == real]
        assert all(set(t) == TICKER_FIELDS for t in rows)
        rates = _get(app, "current-fund-rate", f"productType={pt}")
        assert [r["symbol"] for r in rates] == [t["symbol"] for t in rows]
    assert _get(app, "tickers", "productType=SUSDT-FUTURES") == _get(app, "tickers", "productType=USDT-FUTURES")


def test_ticker_has_bitgets_fields_and_types() -> None:
    app = make_app()
    [t] = _get(app, "ticker", "symbol=btcusdt&productType=usdt-futures")
    assert set(t) == TICKER_FIELDS and t["symbol"] == "BTCUSDT" and t["ts"] == str(NOW)
    assert (t["deliveryStartTime"], t["deliveryTime"], t["deliveryStatus"]) == (None, None, "")
    rest = {k: v for k, v in t.items() if k not in ("deliveryStartTime", "deliveryTime")}
    assert _strings(rest) and all(v != "" for k, v in rest.items() if k != "deliveryStatus")
    [price] = _get(app, "symbol-price", "symbol=BTCUSDT&productType=USDT-FUTURES")
    assert (price["price"], price["markPrice"], price["indexPrice"]) == (t["lastPr"], t["markPrice"], t["indexPrice"])
    oi = _get(app, "open-interest", "symbol=BTCUSDT&productType=USDT-FUTURES")
    assert oi == {"openInterestList": [{"symbol": "BTCUSDT", "size": t["holdingAmount"]}], "ts": str(NOW)}


@given(offset=st.integers(0, 10**10), pair=st.sampled_from(PAIRS))
@settings(max_examples=25)
def test_ticker_book_trades_and_candles_agree(offset: int, pair: tuple[str, str]) -> None:
    app = make_app(now_ms=NOW + offset)
    q = f"symbol={pair[1]}&productType={pair[0]}"
    [t] = _get(app, "ticker", q)
    book = _get(app, "merge-depth", q + "&limit=5")
    trades = _get(app, "fills", q + "&limit=2")
    last, bid, ask = Decimal(t["lastPr"]), Decimal(t["bidPr"]), Decimal(t["askPr"])
    assert bid < ask and last in (bid, ask) and Decimal(t["low24h"]) <= last <= Decimal(t["high24h"])
    assert (book["bids"][0][0], book["asks"][0][0]) == (float(bid), float(ask)) and len(book["asks"]) == 5
    assert [a[0] for a in book["asks"]] == sorted(a[0] for a in book["asks"])
    assert Decimal(trades[0]["price"]) == last and int(trades[0]["tradeId"]) > int(trades[1]["tradeId"])
    for kind, field in (("MARKET", "lastPr"), ("mark", "markPrice"), ("Index", "indexPrice")):
        [candle] = _get(app, "candles", q + f"&granularity=1m&limit=1&kLineType={kind}")
        assert Decimal(candle[4]) == Decimal(t[field]) and len(candle) == 7 and _strings(candle)
        assert Decimal(candle[3]) <= Decimal(candle[4]) <= Decimal(candle[2])
    [mark] = _get(app, "history-mark-candles", q + "&granularity=1m&limit=1")
    [index] = _get(app, "history-index-candles", q + "&granularity=1m&limit=1")
    assert (Decimal(mark[4]), Decimal(index[4])) == (Decimal(t["markPrice"]), Decimal(t["indexPrice"]))
    assert mark[5:] == index[5:] == ["0", "0"]


def test_merge_depth_precision_and_limit() -> None:
    app = make_app()
    q = "symbol=BTCUSDT&productType=USDT-FUTURES"
    plain = _get(app, "merge-depth", q)
    assert (plain["precision"], plain["scale"], plain["isMaxPrecision"]) == ("scale0", "0.1", "NO")
    assert len(plain["asks"]) == 100 and all(isinstance(x, float) for lv in plain["asks"] for x in lv)
    assert len(_get(app, "merge-depth", q + "&limit=max")["bids"]) == 150
    merged = _get(app, "merge-depth", q + "&precision=SCALE3&limit=15")
    assert (merged["precision"], merged["scale"], merged["isMaxPrecision"]) == ("scale3", "100", "YES")
    assert all(lv[0] % 100 == 0 for lv in merged["asks"] + merged["bids"])
    assert merged["asks"][0][0] >= plain["asks"][0][0] and merged["bids"][0][0] <= plain["bids"][0][0]
    for bad in ("precision=scale9", "limit=0", "limit=x", "limit=151"):
        assert _code(app, "merge-depth", f"{q}&{bad}") == (400, "40020")


def test_candles_ranges_limits_and_granularities() -> None:
    app = make_app()
    q = "symbol=ETHUSDT&productType=USDT-FUTURES"
    hours = _get(app, "candles", q + "&granularity=1H&limit=5")
    assert [int(k[0]) for k in hours] == [(NOW // 3_600_000 - 4 + i) * 3_600_000 for i in range(5)]
    window = _get(app, "history-candles", q + f"&granularity=5m&startTime={NOW - 3_600_000}&endTime={NOW - 1_800_000}")
    assert all(NOW - 3_900_000 < int(k[0]) <= NOW - 1_800_000 for k in window) and len(window) == 7
    day = _get(app, "candles", q + "&granularity=1D&limit=1")[0]
    assert (int(day[0]) + 8 * 3_600_000) % 86_400_000 == 0  # 1D is cut at UTC+8 midnight, 1Dutc at UTC
    assert int(_get(app, "candles", q + "&granularity=1Dutc&limit=1")[0][0]) % 86_400_000 == 0
    assert _code(app, "candles", q + "&granularity=1M&limit=1001") == (400, "40020")
    assert _code(app, "history-candles", q + "&granularity=1m&limit=201") == (400, "40020")
    assert _code(app, "candles", q + "&granularity=1min") == (400, "40020")
    assert _code(app, "candles", q + "&granularity=1m&kLineType=LAST") == (400, "40020")
    assert _code(app, "candles", q) == (400, "40019")
    too_long = f"&granularity=1m&startTime={NOW - 91 * 86_400_000}&endTime={NOW}"
    assert _code(app, "candles", q + too_long) == (400, "40020")


def test_public_trades_page_back_within_limits() -> None:
    app = make_app()
    q = "symbol=BTCPERP&productType=usdc-futures"
    recent = _get(app, "fills", q + "&limit=100")
    older = _get(app, "fills-history", q + f"&limit=3&idLessThan={recent[-1]['tradeId']}")
    assert [int(t["ts"]) for t in older] == [int(recent[-1]["ts"]) - 1000 * k for k in (1, 2, 3)]
    assert all(set(t) == {"tradeId", "price", "size", "side", "ts", "symbol"} for t in recent + older)
    assert {t["side"] for t in recent} <= {"buy", "sell"} and {t["side"] for t in older} <= {"Buy", "Sell"}
    assert [t["tradeId"] for t in _get(app, "fills-history", q + "&limit=100")] == [t["tradeId"] for t in recent]
    assert _code(app, "fills", q + "&limit=101") == (400, "40020")
    assert _code(app, "fills-history", q + f"&startTime={NOW - 8 * 86_400_000}&endTime={NOW}") == (400, "40020")


def test_funding_endpoints_agree() -> None:
    app = make_app()
    q = "symbol=BTCUSDT&productType=USDT-FUTURES"
    [rate] = _get(app, "current-fund-rate", q)
    [when] = _get(app, "funding-time", q)
    assert rate["nextUpdate"] == when["nextFundingTime"] and when["ratePeriod"] == rate["fundingRateInterval"] == "8"
    nxt = int(when["nextFundingTime"])
    assert nxt % (8 * 3_600_000) == 0 and 0 < nxt - NOW <= 8 * 3_600_000
    assert Decimal(rate["minFundingRate"]) <= Decimal(rate["fundingRate"]) <= Decimal(rate["maxFundingRate"])
    assert rate["fundingRate"] == _get(app, "ticker", q)[0]["fundingRate"]
    first = _get(app, "history-fund-rate", q + "&pageSize=4")
    second = _get(app, "history-fund-rate", q + "&pageSize=4&pageNo=2")
    times = [int(r["fundingTime"]) for r in first + second]
    assert times == [nxt - 8 * 3_600_000 * k for k in range(1, 9)]
    assert len(_get(app, "history-fund-rate", q)) == 20 and _get(app, "history-fund-rate", q + "&pageNo=1095") == []
    assert _code(app, "history-fund-rate", q + "&pageSize=101") == (400, "40020")


def test_rate_shown_before_a_settlement_is_the_rate_recorded_for_it() -> None:
    q = "symbol=ETHUSDT&productType=USDT-FUTURES"
    settle = (NOW // (8 * 3_600_000) + 1) * 8 * 3_600_000
    shown = _get(make_app(now_ms=settle - 1), "current-fund-rate", q)[0]["fundingRate"]
    [recorded] = _get(make_app(now_ms=settle + 5_000), "history-fund-rate", q + "&pageSize=1")
    assert recorded == {"symbol": "ETHUSDT", "fundingRate": shown, "fundingTime": str(settle)}


def test_position_tiers_are_the_contracts() -> None:
    app = make_app()
    tiers = _get(app, "query-position-lever", "symbol=BTCUSDT&productType=USDT-FUTURES")
    assert tiers[:2] == [
        {"symbol": "BTCUSDT", "level": "1", "startUnit": "0", "endUnit": "50000", "leverage": "125",
         "keepMarginRate": "0.004"},
        {"symbol": "BTCUSDT", "level": "2", "startUnit": "50000", "endUnit": "200000", "leverage": "100",
         "keepMarginRate": "0.005"}]
    [contract] = call(app, "GET", M + "contracts", raw_query=b"productType=USDT-FUTURES&symbol=BTCUSDT").json()["data"]
    assert contract["maxLever"] == tiers[0]["leverage"]


def test_refusals_are_bitget_errors() -> None:
    app = make_app()
    for path in ("ticker", "merge-depth", "candles", "fills", "fills-history", "symbol-price", "open-interest",
                 "history-fund-rate", "funding-time", "query-position-lever", "history-candles"):
        assert _code(app, path, "productType=USDT-FUTURES") == (400, "40019"), path
        assert _code(app, path, "symbol=BTCUSDT") == (400, "40019"), path
        assert _code(app, path, "symbol=BTCUSDT&productType=SPOT") == (400, "40020"), path
        assert _code(app, path, "symbol=BTCUSD&productType=USDT-FUTURES") == (400, "40034"), path
    assert _code(app, "tickers", "") == (400, "40019")
    assert _code(app, "current-fund-rate", "productType=COIN-FUTURES&symbol=ETHUSDT") == (400, "40034")


PATHS = ["ticker", "tickers", "merge-depth", "candles", "history-candles", "history-index-candles",
         "history-mark-candles", "fills", "fills-history", "symbol-price", "open-interest", "current-fund-rate",
         "history-fund-rate", "funding-time", "query-position-lever"]
odd = st.one_of(st.text(max_size=12), st.integers(-10**20, 10**20).map(str),
                st.sampled_from(["max", "MAX", "1M", "1m", "scale3", "mark", "0", "-1", "9" * 25]))


@given(path=st.sampled_from(PATHS), pair=st.sampled_from(PAIRS),
       params=st.dictionaries(st.sampled_from(["limit", "granularity", "startTime", "endTime", "kLineType",
                                               "precision", "idLessThan", "pageSize", "pageNo", "symbol"]),
                              odd, max_size=5))
@settings(max_examples=200)
def test_odd_parameters_get_an_answer_or_a_bitget_refusal(path: str, pair: tuple[str, str],
                                                         params: dict[str, str]) -> None:
    from urllib.parse import urlencode

    app = make_app()
    query = urlencode({"productType": pair[0], "symbol": pair[1], **params})
    r = call(app, "GET", M + path, raw_query=query.encode())
    assert (r.status, r.code) == (200, "00000") or (r.status == 400 and r.code in ("40019", "40020", "40034")), r.body


def test_declared_parameters_are_the_ones_read() -> None:
    from mock_exchange.routes.mix_market import ENDPOINTS

    app = make_app(rate_limits="off")
    # limit=1 where it is declared: the candle endpoints' default page (100 candles of up to 26 sampled
    # prices each, for each of 20 granularities and 6 product types) is not what this test is about
    full = {"productType": "USDT-FUTURES", "symbol": "BTCUSDT", "granularity": "1m", "limit": "1"}
    for ep in ENDPOINTS:
        declared = {p.name: p for p in ep.params}
        base = {k: v for k, v in full.items() if k in declared}
        assert _code(app, ep.path[len(M):], "&".join(f"{k}={v}" for k, v in base.items())) == (200, "00000")
        for name, param in declared.items():
            if param.required:  # leaving it out is 40019 naming it
                rest = "&".join(f"{k}={v}" for k, v in base.items() if k != name)
                r = call(app, "GET", ep.path, raw_query=rest.encode())
                assert (r.code, r.json()["msg"]) == ("40019", f"Parameter {name} cannot be empty"), ep.path
            for option in param.enum:  # every declared option is accepted
                chosen = {**base, name: option}
                if name == "productType" and "symbol" in base:  # a contract of that product type
                    real = DEMO_PRODUCT_TYPES.get(option, option)
                    chosen["symbol"] = next(c.symbol for c in CONTRACTS if c.product_type == real)
                q = "&".join(f"{k}={v}" for k, v in chosen.items())
                assert _code(app, ep.path[len(M):], q) == (200, "00000"), (ep.path, name, option)

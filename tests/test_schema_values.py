"""Values, not only shapes: the numbers clients compute with, each against the value its source gives, and
every market tradeable through ccxt with the seeded balances (limits and precision as ccxt derives them)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.app import MockExchange
from mock_exchange.server import ServerThread

from .helpers import API_KEY, BALANCES, PASSPHRASE, SECRET, InProcess, make_app, seed_accounts
from .trading_support import Api

ccxt = pytest.importorskip("ccxt")


def _data(client: InProcess, path: str) -> Any:
    body = client.get(path).json()
    assert body["code"] == "00000", body
    return body["data"]


def test_spot_symbol_values_are_bitgets(app: MockExchange, client: InProcess) -> None:
    api = Api(app)
    for s in _data(client, "/api/v2/spot/public/symbols"):
        # Get-Symbols example: "maxTradeAmount": "900000000000000000000"; "0" made ccxt cap every order at 0
        # and a ccxt-based bot refuse every entry (issue 13)
        assert s["maxTradeAmount"] == "900000000000000000000"
        assert s["minTradeAmount"] == "0"  # changelog 2025-04-10: obsolete, returns 0 (spec section 7)
        assert Decimal(s["minTradeUSDT"]) > 0  # Get-Symbols: minimum order value in USDT, e.g. "5"
        # Get-Symbols example: 0.001 maker and taker; ratios 0.05 (5 %)
        assert (s["takerFeeRate"], s["makerFeeRate"]) == ("0.001", "0.001")
        assert (s["buyLimitPriceRatio"], s["sellLimitPriceRatio"]) == ("0.05", "0.05")
        assert 0 <= int(s["pricePrecision"]) <= 8 and 0 <= int(s["quantityPrecision"]) <= 8
        trade_rate = api.ok("GET", "/api/v2/common/trade-rate", f"symbol={s['symbol']}&businessType=spot")
        assert trade_rate == {"makerFeeRate": s["makerFeeRate"], "takerFeeRate": s["takerFeeRate"]}


def test_margin_currency_values_are_bitgets(client: InProcess) -> None:
    symbols = {s["symbol"]: s for s in _data(client, "/api/v2/spot/public/symbols")}
    for m in _data(client, "/api/v2/margin/currencies"):
        # Get Support Currencies example: maxCrossedLeverage "3", maxIsolatedLeverage "10", userMinBorrow 1e-8
        assert (m["maxCrossedLeverage"], m["maxIsolatedLeverage"]) == ("3", "10")
        assert m["userMinBorrow"] == "0.00000001" and m["status"] == "1"
        spot = symbols[m["symbol"]]  # the same pair's figures as the spot view
        for name in ("pricePrecision", "quantityPrecision", "minTradeAmount", "maxTradeAmount", "minTradeUSDT"):
            assert m[name] == spot[name], name


def test_contract_values_are_bitgets(client: InProcess) -> None:
    for c in _data(client, "/api/v2/mix/market/contracts?productType=USDT-FUTURES"):
        # Get-All-Symbols-Contracts example (spec section 7): minLever "1", maxLever up to "125", fundInterval "8",
        # minTradeUSDT "5"; sizeMultiplier is the size step, at most minTradeNum
        assert c["minLever"] == "1" and 1 < int(c["maxLever"]) <= 125
        assert c["fundInterval"] == "8" and c["minTradeUSDT"] == "5"
        assert Decimal(c["sizeMultiplier"]) <= Decimal(c["minTradeNum"])
        assert Decimal(c["maxMarketOrderQty"]) > Decimal(c["minTradeNum"])
        assert Decimal(c["takerFeeRate"]) >= Decimal(c["makerFeeRate"]) > 0


@pytest.fixture(scope="module")
def exchange() -> Iterator[Any]:
    app = make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off")
    with ServerThread(app) as server:
        ex = ccxt.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE,
                          "options": {"adjustForTimeDifference": True}})
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], f"http://{server.host}:{server.port}")
        ex.load_markets()
        yield ex


def test_every_spot_market_takes_a_sensible_order_with_the_seeded_balance(exchange: Any) -> None:
    spot = [m for m in exchange.markets.values() if m["spot"]]
    assert spot
    for m in spot:
        amount_limits, cost_min = m["limits"]["amount"], m["limits"]["cost"]["min"] or 0
        price = exchange.fetch_ticker(m["symbol"])["bid"] * 0.98
        cost = max(cost_min * 2, 20.0)  # a sensible order: a little above the minimum value
        amount = float(exchange.amount_to_precision(m["symbol"], cost / price))
        assert (amount_limits["min"] or 0) <= amount
        assert amount_limits["max"] is None or amount <= amount_limits["max"]
        assert amount * price >= cost_min and Decimal(BALANCES[m["quote"]]) >= Decimal(str(amount * price))
        placed = exchange.create_order(m["symbol"], "limit", "buy", amount, exchange.price_to_precision(m["symbol"],
                                                                                                       price))
        exchange.cancel_order(placed["id"], m["symbol"])


def test_every_swap_market_has_limits_a_sensible_order_fits(exchange: Any) -> None:
    swaps = [m for m in exchange.markets.values() if m["swap"]]
    assert swaps
    for m in swaps:
        amount, leverage = m["limits"]["amount"], m["limits"]["leverage"]
        assert amount["min"] and amount["min"] > 0 and (amount["max"] is None or amount["max"] > amount["min"] * 10)
        assert m["precision"]["amount"] <= amount["min"]
        assert leverage["min"] == 1 and leverage["max"] >= 10
        assert 0 < m["maker"] <= m["taker"] < 0.01

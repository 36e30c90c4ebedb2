"""COIN-FUTURES (inverse) trading over HTTP: BTCUSD margined in BTC, sizes in BTC worth a fixed USD value
at their entry price, margins, fees, PnL, funding and liquidation in BTC (docs/futures.md "Inverse
contracts"); and the refusals that are particular to it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .futures_support import MIX, FuturesApi

D = Decimal
CPT, CSYMBOL = "COIN-FUTURES", "BTCUSD"


@pytest.fixture()
def api() -> FuturesApi:
    return FuturesApi(funded="1", product=CPT, symbol=CSYMBOL, coin="BTC")


def test_a_coin_futures_round_trip_is_margined_and_settled_in_btc(api: FuturesApi) -> None:
    placed = api.place(side="buy", tradeSide="open", orderType="market", size="0.5")
    order = api.detail(placed["orderId"])
    assert (order["state"], order["marginCoin"], order["posSide"]) == ("filled", "BTC", "long")
    avg, fee = D(order["priceAvg"]), D(order["fee"])
    assert fee == -D("0.5") * D("0.0006")  # the fee on the USD value converted at the price: size x rate, in BTC
    [position] = api.positions()
    mark, entry = D(position["markPrice"]), D(position["openPriceAvg"])
    assert entry == avg and position["marginCoin"] == "BTC"
    # inverse PnL: V x (1/entry - 1/mark) with V = size x entry USD
    upnl = D(position["unrealizedPL"])
    assert abs(upnl - D("0.5") * entry * (1 / entry - 1 / mark)) < D("1e-11")
    assert D(position["marginSize"]) == D("0.5") * entry / mark / 20  # crossed: the value at mark / leverage
    account = api.account()
    assert D(account["accountEquity"]) == D(1) + fee + upnl
    assert D(account["available"]) == D(1) + fee - D("0.5") / 20  # margin held at open: size / leverage of BTC
    api.advance(10 * 60_000)  # the price walks on
    closed = api.place(side="buy", tradeSide="close", orderType="market", size="0.5")
    fills = api.ok("GET", f"{MIX}/order/fills", f"productType={CPT}&orderId={closed['orderId']}")["fillList"]
    assert {f["feeDetail"][0]["feeCoin"] for f in fills} == {"BTC"}
    for f in fills:  # each close realises size x (price - entry) / price of BTC
        expected = D(f["baseVolume"]) * (D(f["price"]) - entry) / D(f["price"])
        assert abs(D(f["profit"]) - expected) < D("1e-11")
    profit = sum(D(f["profit"]) for f in fills)
    total_fees = fee + sum(D(f["feeDetail"][0]["totalFee"]) for f in fills)
    assert api.positions() == []
    final = api.account()
    assert D(final["accountEquity"]) == D(final["available"]) == D(1) + profit + total_fees
    [record] = api.ok("GET", f"{MIX}/position/history-position", f"productType={CPT}")["list"]
    assert (record["marginCoin"], D(record["pnl"]), D(record["netProfit"])) == ("BTC", profit, profit + total_fees)
    # Get-History-Position: the symbol overrides productType (default USDT-FUTURES): ccxt sends the symbol alone
    assert api.ok("GET", f"{MIX}/position/history-position", f"symbol={CSYMBOL}")["list"] == [record]
    assert api.ok("GET", f"{MIX}/position/history-position", "")["list"] == []  # USDT-FUTURES: nothing closed


def test_funding_is_paid_in_btc_on_the_value_at_mark(api: FuturesApi) -> None:
    api.place(side="sell", tradeSide="open", orderType="market", size="0.3")
    [position] = api.positions()
    entry = D(position["openPriceAvg"])
    bill, _, rate, mark = api.settle_funding()
    # a short receives a positive rate: V / mark x rate of BTC
    assert D(bill["amount"]) == (D("0.3") * entry / mark * rate).quantize(D("1e-8"))
    assert bill["coin"] == "BTC"


def test_an_isolated_inverse_long_is_liquidated_at_its_price_losing_its_margin() -> None:
    api = FuturesApi(funded="1", product=CPT, symbol=CSYMBOL, coin="BTC")
    position = api.open_isolated_long("0.5")
    margin, entry, liq = D(position["marginSize"]), D(position["openPriceAvg"]), D(position["liquidationPrice"])
    assert margin == D("0.5") / 125 and entry * D("0.99") < liq < entry
    # at the liquidation price the margin + PnL less the fee to close is the maintenance margin
    keep = D(position["keepMarginRate"])
    left = margin + D("0.5") * (liq - entry) / liq - D("0.5") * D("0.0006")
    assert abs(left - keep * D("0.5") * entry / liq) < D("1e-6")
    api.liquidate_isolated_long(position)


@pytest.mark.parametrize(("body", "code"), [
    ({"marginCoin": "ETH"}, "40020"),  # BTCUSD lists ETH as a margin coin; the mock trades it in BTC only
    ({"marginCoin": "USDT"}, "40020"),
    ({"size": "30"}, "40762"),  # 30 BTC at 20x needs 1.5 BTC of margin: more than the wallet's 1
    ({"size": "0.0001"}, "40808"),  # off the 0.001 size step
])
def test_refused_coin_futures_orders_change_nothing(api: FuturesApi, body: dict[str, str], code: str) -> None:
    before = api.state()
    answer = api.order_answer(**{"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", **body})
    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert api.state() == before


def _last(api: FuturesApi) -> Decimal:
    fm = api.exchange.futures_market
    price: Decimal = fm.last_price(fm.contract(CPT, CSYMBOL), api.now)
    return price


def _until(api: FuturesApi, done: object, most: int = 600) -> None:
    for _ in range(most):
        if done():  # type: ignore[operator]
            return
        api.advance(60_000)
    raise AssertionError("the walk never got there")


def test_conditional_orders_on_an_inverse_contract_are_margined_in_btc(api: FuturesApi) -> None:
    """Bitget's plan pages list COIN-FUTURES among their productTypes: trigger and TP/SL orders on BTCUSD,
    margined in BTC (docs/futures-conditional.md)."""
    base = {"symbol": CSYMBOL, "productType": CPT, "marginMode": "crossed", "size": "0.01",
            "triggerType": "fill_price", "side": "buy", "tradeSide": "open", "orderType": "market",
            "planType": "normal_plan"}
    trigger = str((_last(api) + 10).quantize(D("0.1")))
    before = api.state()
    for coin in ("USDT", "ETH"):  # an inverse contract's margin coin is its base coin only
        body = api.post(f"{MIX}/order/place-plan-order", {**base, "marginCoin": coin, "triggerPrice": trigger}).json()
        assert body["code"] == "40020", body
    assert api.state() == before and len(api.exchange.futures.plans.triggers) == 0
    placed = api.ok("POST", f"{MIX}/order/place-plan-order", {**base, "marginCoin": "BTC", "triggerPrice": trigger})
    [pending] = api.ok("GET", f"{MIX}/order/orders-plan-pending", f"productType={CPT}&planType=normal_plan")[
        "entrustedList"]
    assert (pending["orderId"], pending["marginCoin"], pending["symbol"]) == (placed["orderId"], "BTC", CSYMBOL)
    _until(api, lambda: api.positions())
    [done] = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={CPT}&planType=normal_plan")[
        "entrustedList"]
    assert done["planStatus"] == "executed"
    order = api.detail(done["executeOrderId"])
    assert (order["marginCoin"], order["state"], order["size"]) == ("BTC", "filled", "0.01")
    [position] = api.positions()
    stop = str((D(position["openPriceAvg"]) - 10).quantize(D("0.1")))
    tpsl = {"symbol": CSYMBOL, "productType": CPT, "marginCoin": "BTC", "holdSide": "long", "planType": "pos_loss",
            "triggerPrice": stop}
    sl = api.ok("POST", f"{MIX}/order/place-tpsl-order", tpsl)
    assert api.post(f"{MIX}/order/place-tpsl-order", {**tpsl, "marginCoin": "USDT"}).json()["code"] == "40020"
    _until(api, lambda: not api.positions(), most=3_000)
    [closed] = api.ok("GET", f"{MIX}/order/orders-plan-history", f"productType={CPT}&planType=profit_loss")[
        "entrustedList"]
    assert (closed["orderId"], closed["planStatus"]) == (sl["orderId"], "executed")
    assert api.detail(closed["executeOrderId"])["marginCoin"] == "BTC"

"""What the clock does to futures: funding at each interval boundary as bills, and liquidation when the
mark crosses the liquidation price, recorded as Bitget records it, the same on every run."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .futures_support import FUNDING_MS, MIX, PT, SYMBOL, FuturesApi

D = Decimal


def test_funding_settles_at_each_boundary_as_a_bill() -> None:
    api = FuturesApi()
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    before = D(api.account()["accountEquity"]) - D(api.account()["unrealizedPL"])
    bill, boundary, rate, mark = api.settle_funding()
    assert D(bill["amount"]) == -(D("0.1") * mark * rate).quantize(D("1e-8"))  # a long pays a positive rate
    assert bill["cTime"] == str(boundary)
    account = api.account()
    assert D(account["accountEquity"]) - D(account["unrealizedPL"]) == before + D(bill["amount"])
    api.advance(2 * FUNDING_MS)  # two more boundaries passed in one jump: two more settlements
    assert len(api.bills("&businessType=contract_settle_fee")) == 3


def _liquidate() -> dict[str, Any]:
    """Open a 125x isolated long and move the clock until it is liquidated; what was recorded."""
    api = FuturesApi()
    target = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT"}
    api.ok("POST", f"{MIX}/account/set-margin-mode", {**target, "marginMode": "isolated"})
    api.ok("POST", f"{MIX}/account/set-leverage", {**target, "leverage": "125"})
    api.place(side="buy", tradeSide="open", orderType="market", size="0.05", marginMode="isolated")
    [position] = api.positions()
    liq, margin = D(position["liquidationPrice"]), D(position["marginSize"])
    start = D(api.account()["accountEquity"]) - D(position["unrealizedPL"])
    for _ in range(400):
        api.advance(5 * 60_000)
        if not api.positions():
            break
    assert api.positions() == [], "the walk never reached the liquidation price"
    [order] = api.ok("GET", f"{MIX}/order/orders-history", f"productType={PT}&orderSource=liquidation")["entrustedList"]
    fills = api.ok("GET", f"{MIX}/order/fills", f"productType={PT}&orderId={order['orderId']}")["fillList"]
    [record] = api.ok("GET", f"{MIX}/position/history-position", f"productType={PT}")["list"]
    return {"api": api, "liq": liq, "margin": margin, "start": start, "order": order, "fills": fills,
            "record": record, "now": api.now}


def test_liquidation_closes_the_position_at_its_price_and_is_recorded() -> None:
    got = _liquidate()
    api, order, [fill] = got["api"], got["order"], got["fills"]
    assert (order["status"], order["orderSource"], order["tradeSide"], order["enterPointSource"]) == (
        "filled", "liquidation", "burst_close_long", "sys")
    assert D(order["priceAvg"]) == got["liq"] == D(order["liqPrice"]) and order["size"] == "0.05"
    assert fill["tradeSide"] == "burst_close_long" and fill["tradeScope"] == "taker"
    businesses = {b["businessType"] for b in api.bills()}
    assert {"burst_long_loss_query", "force_close_long"} <= businesses
    assert D(got["record"]["closeAvgPrice"]) == got["liq"]
    # isolated: the account loses the position's margin (plus the opening fee and any funding paid), no more
    account = api.account()
    funding = sum(D(b["amount"]) for b in api.bills("&businessType=contract_settle_fee"))
    assert D(account["accountEquity"]) == got["start"] - got["margin"] + funding


def test_liquidation_is_deterministic() -> None:
    first, second = _liquidate(), _liquidate()
    assert (first["now"], first["order"]["priceAvg"], first["record"]["pnl"]) == (
        second["now"], second["order"]["priceAvg"], second["record"]["pnl"])


def test_a_crossed_account_is_liquidated_when_its_equity_runs_out() -> None:
    api = FuturesApi(funded="100")
    target = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT"}
    api.ok("POST", f"{MIX}/account/set-leverage", {**target, "leverage": "125"})
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    [position] = api.positions()
    liq = D(position["liquidationPrice"])
    account = api.account()
    # the wallet's whole equity backs the position: liquidated where equity = maintenance margin
    equity_at_liq = D(account["accountEquity"]) + (liq - api.mark()) * D("0.1")
    assert abs(equity_at_liq - liq * D("0.1") * D(position["keepMarginRate"])) < D("0.01")
    for _ in range(600):
        api.advance(5 * 60_000)
        if not api.positions():
            break
    assert api.positions() == []
    [order] = api.ok("GET", f"{MIX}/order/orders-history", f"productType={PT}&orderSource=liquidation")["entrustedList"]
    assert order["marginMode"] == "crossed" and order["tradeSide"] == "burst_close_long"
    wallet = api.account()
    assert D(wallet["accountEquity"]) >= 0 and D(wallet["available"]) >= 0

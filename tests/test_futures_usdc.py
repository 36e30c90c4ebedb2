"""USDC-FUTURES over HTTP: BTCPERP, a linear contract quoted, margined and settled in USDC, funded by
transfers between spot and the `usdc_futures` wallet; margins, fees, PnL, funding and liquidation in USDC
as USDT-FUTURES has them in USDT; the demo type SUSDC-FUTURES mirroring it; the refusals particular to
it (docs/futures.md "USDC-FUTURES")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .futures_support import MIX, FuturesApi

D = Decimal
UPT, USYMBOL = "USDC-FUTURES", "BTCPERP"
TRANSFER = "/api/v2/spot/wallet/transfer"


@pytest.fixture()
def api() -> FuturesApi:
    return FuturesApi(funded="10000", product=UPT, symbol=USYMBOL, coin="USDC")


def test_usdc_moves_between_spot_and_the_usdc_futures_wallet(api: FuturesApi) -> None:
    [spot] = api.ok("GET", "/api/v2/spot/account/assets", "coin=USDC")
    assert D(spot["available"]) == D("90000")  # 100000 seeded, 10000 moved by the fixture
    [row] = api.ok("GET", f"{MIX}/account/accounts", f"productType={UPT}")
    assert (row["marginCoin"], row["available"], row["accountEquity"], row["usdtEquity"]) == (
        "USDC", "10000", "10000", "10000")  # USDC counted at par with USDT, as Bitget's stablecoins
    assert api.ok("GET", f"{MIX}/account/accounts", "productType=SUSDC-FUTURES") == [row]  # the demo type mirrors
    api.ok("POST", TRANSFER, {"fromType": "usdc_futures", "toType": "spot", "amount": "2500", "coin": "USDC"})
    assert api.account()["available"] == "7500"
    assert [b["businessType"] for b in api.bills()] == ["trans_to_exchange", "trans_from_exchange"]
    assert {b["coin"] for b in api.bills()} == {"USDC"}


@pytest.mark.parametrize(("body", "code"), [
    ({"fromType": "spot", "toType": "usdc_futures", "amount": "1", "coin": "USDT"}, "43129"),  # not its margin coin
    ({"fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "USDC"}, "43129"),
    ({"fromType": "usdc_futures", "toType": "spot", "amount": "10000.1", "coin": "USDC"}, "43012"),
    ({"fromType": "spot", "toType": "usdc_futures", "amount": "90001", "coin": "USDC"}, "43012"),
])
def test_bad_usdc_transfers_get_their_code_and_move_nothing(api: FuturesApi, body: dict[str, str],
                                                             code: str) -> None:
    before = api.state()
    assert api.code("POST", TRANSFER, body) == code
    assert api.state() == before


def test_a_usdc_futures_round_trip_is_margined_and_settled_in_usdc(api: FuturesApi) -> None:
    placed = api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    order = api.detail(placed["orderId"])
    assert (order["state"], order["marginCoin"], order["posSide"], order["symbol"]) == (
        "filled", "USDC", "long", USYMBOL)
    avg, fee = D(order["priceAvg"]), D(order["fee"])
    assert fee == -(avg * D("0.1") * D("0.0006"))  # linear: value x taker rate, in the quote coin
    [position] = api.positions()
    mark = D(position["markPrice"])
    assert (position["marginCoin"], position["total"], D(position["openPriceAvg"])) == ("USDC", "0.1", avg)
    assert D(position["unrealizedPL"]) == (mark - avg) * D("0.1")
    assert D(position["marginSize"]) == D("0.1") * mark / 20
    account = api.account()
    assert D(account["accountEquity"]) == D("10000") + fee + D(account["unrealizedPL"])
    assert D(account["available"]) == D("10000") + fee - avg * D("0.1") / 20
    api.advance(10 * 60_000)
    closed = api.place(side="buy", tradeSide="close", orderType="market", size="0.1")
    fills = api.ok("GET", f"{MIX}/order/fills", f"productType={UPT}&orderId={closed['orderId']}")["fillList"]
    assert {f["feeDetail"][0]["feeCoin"] for f in fills} == {"USDC"}
    for f in fills:
        assert D(f["profit"]) == D(f["baseVolume"]) * (D(f["price"]) - avg)
    profit = sum(D(f["profit"]) for f in fills)
    total_fees = fee + sum(D(f["feeDetail"][0]["totalFee"]) for f in fills)
    assert api.positions() == []
    final = api.account()
    assert D(final["accountEquity"]) == D(final["available"]) == D("10000") + profit + total_fees
    [record] = api.ok("GET", f"{MIX}/position/history-position", f"productType={UPT}")["list"]
    assert (record["marginCoin"], record["symbol"], D(record["pnl"])) == ("USDC", USYMBOL, profit)
    # the USDT side saw none of it
    assert api.ok("GET", f"{MIX}/position/history-position", "productType=USDT-FUTURES")["list"] == []
    assert {b["coin"] for b in api.bills()} == {"USDC"}


def test_the_demo_type_trades_the_same_book(api: FuturesApi) -> None:
    api.pt = "SUSDC-FUTURES"
    placed = api.place(side="sell", tradeSide="open", orderType="market", size="0.02")
    [shown] = api.positions()
    api.pt = UPT
    assert api.positions() == [shown] and shown["holdSide"] == "short"
    assert api.detail(placed["orderId"])["state"] == "filled"


def test_funding_is_paid_in_usdc_on_the_value_at_mark(api: FuturesApi) -> None:
    api.place(side="buy", tradeSide="open", orderType="market", size="0.2")
    bill, _, rate, mark = api.settle_funding()
    assert D(bill["amount"]) == -(D("0.2") * mark * rate).quantize(D("1e-8"))  # a long pays a positive rate
    assert (bill["coin"], bill["symbol"]) == ("USDC", USYMBOL)


def test_an_isolated_usdc_long_is_liquidated_at_its_price_losing_its_margin(api: FuturesApi) -> None:
    position = api.open_isolated_long("0.1")
    entry, liq = D(position["openPriceAvg"]), D(position["liquidationPrice"])
    assert entry * D("0.99") < liq < entry
    api.liquidate_isolated_long(position)


@pytest.mark.parametrize(("body", "code"), [
    ({"marginCoin": "USDT"}, "40020"),  # BTCPERP is margined in USDC only
    ({"productType": "USDT-FUTURES"}, "40034"),  # BTCPERP is no USDT-FUTURES contract
    ({"size": "5"}, "40762"),  # 5 BTC at 20x needs ~15000 USDC of margin: more than the wallet's 10000
    ({"size": "0.00015"}, "40808"),  # off the 0.0001 size step
])
def test_refused_usdc_futures_orders_change_nothing(api: FuturesApi, body: dict[str, str], code: str) -> None:
    before = api.state()
    answer = api.order_answer(**{"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", **body})
    assert (answer.status_code, answer.json()["code"]) == (400, code), answer.json()
    assert api.state() == before


def test_btcperp_orders_do_not_touch_the_usdt_wallet() -> None:
    api = FuturesApi(funded="10000", product=UPT, symbol=USYMBOL, coin="USDC")
    api.ok("POST", TRANSFER, {"fromType": "spot", "toType": "usdt_futures", "amount": "3000", "coin": "USDT"})
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    [usdt] = api.ok("GET", f"{MIX}/account/accounts", "productType=USDT-FUTURES")
    assert (usdt["marginCoin"], usdt["available"], usdt["accountEquity"]) == ("USDT", "3000", "3000")
    assert api.ok("GET", f"{MIX}/position/all-position", "productType=USDT-FUTURES&marginCoin=USDT") == []


def test_btcperp_prices_move_in_steps_of_half_a_usdc(api: FuturesApi) -> None:
    """BTCPERP's price step is priceEndStep x 10^-pricePlace = 5 x 0.1: the market quotes on it and a limit
    price off it is 40808 (changing nothing); ETHPERP beside it shares the crossed USDC account."""
    [contract] = api.ok("GET", f"{MIX}/market/contracts", f"productType={UPT}&symbol={USYMBOL}")
    assert (contract["pricePlace"], contract["priceEndStep"], contract["supportMarginCoins"]) == ("1", "5", ["USDC"])
    [ticker] = api.ok("GET", f"{MIX}/market/ticker", f"productType={UPT}&symbol={USYMBOL}")
    book = api.ok("GET", f"{MIX}/market/merge-depth", f"productType={UPT}&symbol={USYMBOL}&limit=15")
    prices = [D(ticker[k]) for k in ("lastPr", "bidPr", "askPr", "markPrice")] + [
        D(level[0]) for side in ("bids", "asks") for level in book[side]]
    assert all(p % D("0.5") == 0 for p in prices), prices
    below = (api.mark() * D("0.98")).quantize(D(1))
    before = api.state()
    off = api.order_answer(side="buy", tradeSide="open", orderType="limit", price=str(below + D("0.3")), size="0.01")
    assert (off.status_code, off.json()["code"]) == (400, "40808")
    assert api.state() == before
    on = api.place(side="buy", tradeSide="open", orderType="limit", price=str(below + D("0.5")), size="0.01")
    assert D(api.detail(on["orderId"])["price"]) == below + D("0.5")
    api.symbol = "ETHPERP"
    api.place(side="sell", tradeSide="open", orderType="market", size="1")
    [eth] = api.positions()
    assert (eth["symbol"], eth["marginCoin"], eth["holdSide"]) == ("ETHPERP", "USDC", "short")
    assert D(api.account()["locked"]) > 0  # the BTCPERP limit order's margin, in the same USDC wallet

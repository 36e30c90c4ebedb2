"""Futures trading over HTTP: defaults, orders and positions in both position modes, the refusals and
their codes (each leaving the state as it was), settings, reads and their pagination."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .futures_support import MIX, PT, SYMBOL, FuturesApi

D = Decimal


@pytest.fixture()
def api() -> FuturesApi:
    return FuturesApi()


def test_a_new_account_is_hedged_crossed_at_20x(api: FuturesApi) -> None:
    account = api.account()
    assert (account["posMode"], account["marginMode"], account["crossedMarginLeverage"],
            account["isolatedLongLever"], account["isolatedShortLever"]) == ("hedge_mode", "crossed", 20, 20, 20)
    assert account["available"] == account["accountEquity"] == account["maxTransferOut"] == "10000"
    assert account["unrealizedPL"] == "0"


def test_hedge_mode_round_trip_and_margin_arithmetic(api: FuturesApi) -> None:
    placed = api.place(side="BUY", tradeSide="Open", orderType="MARKET", size="0.1")  # enums in any case
    order = api.detail(placed["orderId"])
    assert (order["state"], order["tradeSide"], order["posSide"], order["posMode"]) == (
        "filled", "open", "long", "hedge_mode")
    avg, fee = D(order["priceAvg"]), D(order["fee"])
    assert fee == -(avg * D("0.1") * D("0.0006"))
    [position] = api.positions()
    mark = D(position["markPrice"])
    assert (position["holdSide"], position["total"], position["leverage"]) == ("long", "0.1", "20")
    assert D(position["unrealizedPL"]) == (mark - D(position["openPriceAvg"])) * D("0.1")
    assert D(position["marginSize"]) == D("0.1") * mark / 20
    account = api.account()
    assert D(account["accountEquity"]) == D("10000") + fee + D(account["unrealizedPL"])
    assert D(account["available"]) == D("10000") + fee - avg * D("0.1") / 20
    closed = api.place(side="buy", tradeSide="close", orderType="market", size="0.1")
    fills = api.ok("GET", f"{MIX}/order/fills", f"productType={PT}&orderId={closed['orderId']}")["fillList"]
    profit = sum(D(f["profit"]) for f in fills)
    assert api.positions() == [] and {f["tradeSide"] for f in fills} == {"close"}
    final = api.account()
    total_fees = fee + sum(D(f["feeDetail"][0]["totalFee"]) for f in fills)
    assert D(final["accountEquity"]) == D("10000") + profit + total_fees  # docs/futures.md: profit is gross
    [record] = api.ok("GET", f"{MIX}/position/history-position", f"productType={PT}")["list"]
    assert D(record["pnl"]) == profit and D(record["netProfit"]) == profit + total_fees
    businesses = list(dict.fromkeys(b["businessType"] for b in api.bills()))  # one bill per fill
    assert businesses == ["close_long", "open_long", "trans_from_exchange"]


@pytest.mark.parametrize(("body", "code"), [
    ({"side": "buy", "orderType": "market", "size": "0.01"}, "40774"),  # hedge mode without tradeSide
    ({"side": "buy", "tradeSide": "close", "orderType": "market", "size": "0.01"}, "22002"),
    ({"side": "buy", "tradeSide": "open", "orderType": "market", "size": "50"}, "40762"),
    ({"side": "buy", "tradeSide": "open", "orderType": "limit", "price": "1000.05", "size": "0.01"}, "40808"),
    ({"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.00015"}, "40808"),
    ({"side": "buy", "tradeSide": "open", "orderType": "limit", "price": "100", "size": "0.01"}, "45110"),
    ({"side": "buy", "tradeSide": "open", "orderType": "limit", "price": "999999", "size": "0.01"}, "43009"),
    ({"side": "buy", "tradeSide": "sideways", "orderType": "market", "size": "0.01"}, "40020"),
    ({"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", "marginCoin": "BTC"}, "40020"),
    ({"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", "symbol": "NOPE"}, "40034"),
    ({"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", "marginMode": None}, "40019"),
])
def test_refused_orders_have_bitgets_codes_and_change_nothing(api: FuturesApi, body: dict[str, str],
                                                               code: str) -> None:
    before = api.state()
    answer = api.order_answer(**body)
    assert (answer.status_code, answer.json()["code"]) == (400, code), answer.json()
    assert api.state() == before


def test_close_orders_are_bounded_by_the_position(api: FuturesApi) -> None:
    api.place(side="sell", tradeSide="open", orderType="market", size="0.02")
    mark = api.mark()
    # sell + close closes the short, by buying: a limit below the market rests
    resting = api.place(side="sell", tradeSide="close", orderType="limit",
                        price=str((mark * D("0.97")).quantize(D("0.1"))), size="0.015")
    [short] = api.positions()
    assert (short["locked"], short["available"]) == ("0.015", "0.005")
    before = api.state()
    assert api.order_answer(side="sell", tradeSide="close", orderType="market", size="0.01").json()["code"] == "40757"
    assert api.state() == before
    api.ok("POST", f"{MIX}/order/cancel-order", {"symbol": SYMBOL, "productType": PT, "orderId": resting["orderId"]})
    assert api.positions()[0]["available"] == "0.02"
    assert api.code("POST", f"{MIX}/order/cancel-order",
                    {"symbol": SYMBOL, "productType": PT, "orderId": resting["orderId"]}) == "40768"
    assert api.code("GET", f"{MIX}/order/detail", f"symbol={SYMBOL}&productType={PT}&orderId=123") == "40109"


def test_one_way_mode_nets_and_reduce_only(api: FuturesApi) -> None:
    api.ok("POST", f"{MIX}/account/set-position-mode", {"productType": PT, "posMode": "one_way_mode"})
    assert api.order_answer(side="sell", orderType="market", size="0.01", reduceOnly="YES").json()["code"] == "22002"
    api.place(side="buy", orderType="market", size="0.03", tradeSide="open")  # tradeSide ignored in one-way mode
    reduced = api.place(side="sell", orderType="market", size="0.01", reduceOnly="YES")
    assert api.detail(reduced["orderId"])["reduceOnly"] == "YES"  # as Bitget sends it (ccxt's recorded answer)
    assert api.detail(reduced["orderId"])["tradeSide"] == "sell_single"
    api.place(side="sell", orderType="market", size="0.05")  # through zero: closes 0.02, opens a 0.03 short
    [short] = api.positions()
    assert (short["holdSide"], short["total"], short["posMode"]) == ("short", "0.03", "one_way_mode")
    assert list(dict.fromkeys(b["businessType"] for b in api.bills())) == ["sell", "buy", "trans_from_exchange"]


def test_mode_changes_are_refused_while_positions_or_orders_are_open(api: FuturesApi) -> None:
    target = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT"}
    price = str((api.mark() * D("0.97")).quantize(D("0.1")))
    placed = api.place(side="buy", tradeSide="open", orderType="limit", price=price, size="0.01")
    before = api.state()
    one_way = {"productType": PT, "posMode": "one_way_mode"}
    assert api.code("POST", f"{MIX}/account/set-position-mode", one_way) == "40017"
    assert api.code("POST", f"{MIX}/account/set-margin-mode", {**target, "marginMode": "isolated"}) == "45117"
    assert api.order_answer(side="buy", tradeSide="open", orderType="market", size="0.01",
                     marginMode="isolated").json()["code"] == "45117"
    assert api.code("POST", f"{MIX}/account/set-leverage", {**target, "leverage": "126"}) == "40020"
    assert api.state() == before
    api.ok("POST", f"{MIX}/order/cancel-all-orders", {"productType": PT})
    assert api.detail(placed["orderId"])["state"] == "canceled"
    mode = api.ok("POST", f"{MIX}/account/set-margin-mode", {**target, "marginMode": "ISOLATED"})
    assert mode["marginMode"] == "isolated"
    lever = api.ok("POST", f"{MIX}/account/set-leverage", {**target, "leverage": "7", "holdSide": "short"})
    assert (lever["longLeverage"], lever["shortLeverage"]) == ("20", "7")


def test_leverage_change_moves_the_position_margin(api: FuturesApi) -> None:
    target = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT"}
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    before = D(api.account()["available"])
    api.ok("POST", f"{MIX}/account/set-leverage", {**target, "leverage": "10"})
    [position] = api.positions()
    entry = D(position["openPriceAvg"])
    assert position["leverage"] == "10"
    assert before - D(api.account()["available"]) == entry * D("0.1") / 10 - entry * D("0.1") / 20


def test_isolated_margin_can_be_added_and_removed(api: FuturesApi) -> None:
    target = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT"}
    api.ok("POST", f"{MIX}/account/set-margin-mode", {**target, "marginMode": "isolated"})
    assert api.code("POST", f"{MIX}/account/set-margin", {**target, "holdSide": "long", "amount": "5"}) == "40709"
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1", marginMode="isolated")
    [p0] = api.positions()
    api.ok("POST", f"{MIX}/account/set-margin", {**target, "holdSide": "long", "amount": "50"})
    [p1] = api.positions()
    assert D(p1["marginSize"]) == D(p0["marginSize"]) + 50
    assert D(p1["liquidationPrice"]) < D(p0["liquidationPrice"])
    assert api.code("POST", f"{MIX}/account/set-margin", {**target, "holdSide": "long", "amount": "-60"}) == "40712"
    api.ok("POST", f"{MIX}/account/set-margin", {**target, "holdSide": "long", "amount": "-50"})
    assert api.positions()[0]["marginSize"] == p0["marginSize"]


def test_orders_history_pages_by_end_id(api: FuturesApi) -> None:
    ids = [api.place(side="buy", tradeSide="open", orderType="market", size="0.001")["orderId"] for _ in range(5)]
    first = api.ok("GET", f"{MIX}/order/orders-history", f"productType={PT}&limit=2")
    assert [o["orderId"] for o in first["entrustedList"]] == ids[::-1][:2] and first["endId"] == ids[3]
    second = api.ok("GET", f"{MIX}/order/orders-history", f"productType={PT}&limit=2&idLessThan={first['endId']}")
    assert [o["orderId"] for o in second["entrustedList"]] == [ids[2], ids[1]]
    assert api.ok("GET", f"{MIX}/order/orders-pending", f"productType={PT}") == {"entrustedList": None, "endId": ""}


def test_batch_place_order_reports_failures_per_item(api: FuturesApi) -> None:
    batch = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "marginMode": "crossed"}
    items = [{"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", "clientOid": "a1"},
             {"side": "buy", "orderType": "market", "size": "0.01", "clientOid": "a2"},
             {"side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01", "clientOid": "a1"}]
    data = api.ok("POST", f"{MIX}/order/batch-place-order", {**batch, "orderList": items})
    assert [s["clientOid"] for s in data["successList"]] == ["a1"]
    assert [(f["clientOid"], f["errorCode"]) for f in data["failureList"]] == [("a2", "40774"), ("a1", "40786")]
    assert api.code("POST", f"{MIX}/order/batch-place-order", {**batch, "orderList": items * 17}) == "40306"


def test_modify_replaces_the_order(api: FuturesApi) -> None:
    price = (api.mark() * D("0.97")).quantize(D("0.1"))
    old = api.place(side="buy", tradeSide="open", orderType="limit", price=str(price), size="0.01", clientOid="m1")
    new = api.ok("POST", f"{MIX}/order/modify-order", {
        "symbol": SYMBOL, "productType": PT, "orderId": old["orderId"], "newClientOid": "m2",
        "newPrice": str(price - 1), "newSize": "0.02"})
    assert api.detail(old["orderId"])["state"] == "canceled"
    replaced = api.detail(new["orderId"])
    assert (replaced["clientOid"], D(replaced["price"]), replaced["size"], replaced["state"]) == (
        "m2", price - 1, "0.02", "live")


def test_close_positions_when_flat_and_with_both_sides(api: FuturesApi) -> None:
    assert api.code("POST", f"{MIX}/order/close-positions", {"productType": PT}) == "22002"
    api.place(side="buy", tradeSide="open", orderType="market", size="0.01")
    api.place(side="sell", tradeSide="open", orderType="market", size="0.02")
    data = api.ok("POST", f"{MIX}/order/close-positions", {"productType": PT, "symbol": SYMBOL, "holdSide": "long"})
    assert len(data["successList"]) == 1 and [p["holdSide"] for p in api.positions()] == ["short"]
    api.ok("POST", f"{MIX}/order/close-positions", {"productType": PT})
    assert api.positions() == []


def test_a_resting_order_fills_as_maker_when_the_walk_crosses_it(api: FuturesApi) -> None:
    price = (api.mark() * D("0.9995")).quantize(D("0.1"))
    placed = api.place(side="buy", tradeSide="open", orderType="limit", price=str(price), size="0.01")
    assert api.detail(placed["orderId"])["state"] == "live"
    for _ in range(200):
        api.advance(30_000)
        if api.detail(placed["orderId"])["state"] == "filled":
            break
    order = api.detail(placed["orderId"])
    assert order["state"] == "filled" and D(order["priceAvg"]) == price
    assert D(order["fee"]) == -(price * D("0.01") * D("0.0002"))  # the maker rate
    [fill] = api.ok("GET", f"{MIX}/order/fills", f"productType={PT}&orderId={placed['orderId']}")["fillList"]
    assert fill["tradeScope"] == "maker"


def test_transfers_out_keep_the_margin_in_use(api: FuturesApi) -> None:
    api.place(side="buy", tradeSide="open", orderType="market", size="0.1")
    free = D(api.account()["maxTransferOut"]).quantize(D("1e-8"), rounding="ROUND_DOWN")
    body = {"fromType": "usdt_futures", "toType": "spot", "coin": "USDT"}
    assert api.code("POST", "/api/v2/spot/wallet/transfer", {**body, "amount": str(free + 1)}) == "43012"
    api.ok("POST", "/api/v2/spot/wallet/transfer", {**body, "amount": str(free)})
    assert api.bills()[0]["businessType"] == "trans_to_exchange"


def test_trading_needs_the_contract_trade_permission() -> None:
    from .helpers import make_app, seed_accounts
    from .trading_support import Api

    api = Api(make_app(accounts=seed_accounts(permissions=frozenset({"read", "transfer"})), rate_limits="off"))
    body = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "marginMode": "crossed", "side": "buy",
            "tradeSide": "open", "orderType": "market", "size": "0.01"}
    assert api.code("POST", f"{MIX}/order/place-order", body) == "40014"
    assert api.ok("GET", f"{MIX}/position/all-position", f"productType={PT}") == []

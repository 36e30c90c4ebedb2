"""Futures on the sockets (instTypes USDT-FUTURES, COIN-FUTURES, USDC-FUTURES and the demo S* types):
public ticker, books, candles and trades from the futures market; private account, positions, orders and
fill from the futures state, each matching what REST answers at the same clock."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client.ws_book import OrderBook

from .helpers import UID
from .ws_support import Mock, login, running_mock, send, signed_get, signed_post, subscribe, until_pong

PT, SYMBOL, MIX = "USDT-FUTURES", "BTCUSDT", "/api/v2/mix"


def arg(channel: str, inst_type: str = PT, **kw: str) -> dict[str, str]:
    key = "coin" if channel == "account" else "instId"
    return {"instType": inst_type, "channel": channel, key: kw.get(key, SYMBOL if key == "instId" else "default")}


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


@pytest.fixture()
def fresh(mock: Mock) -> Mock:
    mock.admin("POST", "/reset")
    answer = signed_post(mock, "/api/v2/spot/wallet/transfer",
                         {"fromType": "spot", "toType": "usdt_futures", "amount": "5000", "coin": "USDT"})
    assert answer["code"] == "00000", answer
    return mock


def pushes(messages: list[Any], channel: str) -> list[dict[str, Any]]:
    return [m for m in messages if "action" in m and m["arg"]["channel"] == channel]


def rest_ticker(mock: Mock, symbol: str = SYMBOL, product: str = PT) -> dict[str, Any]:
    answer = mock.client.get(f"{mock.http}{MIX}/market/ticker", params={"symbol": symbol, "productType": product})
    data: dict[str, Any] = answer.json()["data"][0]
    return data


def rest_depth(mock: Mock) -> dict[str, Any]:
    answer = mock.client.get(f"{mock.http}{MIX}/market/merge-depth",
                             params={"symbol": SYMBOL, "productType": PT, "limit": "max"})
    data: dict[str, Any] = answer.json()["data"]
    return data


@pytest.mark.parametrize("inst_type", ["USDT-FUTURES", "SUSDT-FUTURES", "usdt-futures"])
def test_futures_ticker_is_the_rest_ticker_with_futures_fields(mock: Mock, inst_type: str) -> None:
    with mock.ws() as ws:
        sent = arg("ticker", inst_type)
        got = subscribe(ws, sent)
        assert got[0] == {"event": "subscribe", "arg": sent}  # echoed as sent, demo and lower case too
        item = got[1]["data"][0]
        assert got[1]["arg"] == sent and got[1]["action"] == "snapshot"
        rest = rest_ticker(mock)
        for name in ("lastPr", "bidPr", "askPr", "markPrice", "indexPrice", "fundingRate", "holdingAmount",
                     "open24h", "high24h", "low24h", "baseVolume", "quoteVolume", "change24h"):
            assert item[name] == rest[name], name
        assert item["instId"] == item["symbol"] == SYMBOL and item["symbolType"] == 1
        assert int(item["nextFundingTime"]) > mock.now()
        mock.advance(1000)
        moved = until_pong(ws)
        assert moved and moved[-1]["data"][0]["ts"] == str(mock.now())
        assert moved[-1]["data"][0]["markPrice"] == rest_ticker(mock)["markPrice"]


def test_coin_and_usdc_futures_contracts_stream(mock: Mock) -> None:
    with mock.ws() as ws:
        got = subscribe(ws, arg("ticker", "COIN-FUTURES", instId="BTCUSD"),
                        arg("trade", "USDC-FUTURES", instId="BTCPERP"))
        tickers, trades = pushes(got, "ticker"), pushes(got, "trade")
        assert tickers[0]["data"][0]["lastPr"] == rest_ticker(mock, "BTCUSD", "COIN-FUTURES")["lastPr"]
        assert trades[0]["data"] and {"ts", "price", "size", "side", "tradeId"} == set(trades[0]["data"][0])


def test_a_spot_symbol_is_no_futures_contract_and_positions_is_futures_only(mock: Mock) -> None:
    with mock.ws() as ws, mock.ws(private=True) as private:
        bad = arg("ticker", instId="BTCUSDC")  # a spot pair, not a USDT-FUTURES contract
        assert subscribe(ws, bad)[0]["code"] == 30001
        assert login(private, mock.now())["code"] == 0
        spot_positions = arg("positions", "SPOT", instId="default")
        got = subscribe(private, spot_positions)
        assert got[0]["code"] == 30001 and got[0]["arg"] == spot_positions


def test_futures_books_deltas_rebuild_the_rest_depth_with_checksum_and_pseq(mock: Mock) -> None:
    with mock.ws() as ws:
        book = OrderBook()
        seqs = []
        for message in subscribe(ws, arg("books")):
            if "action" in message:
                book.apply(message["action"], message["data"][0])
                seqs.append((message["data"][0]["seq"], message["data"][0]["pseq"]))
        for _ in range(3):
            mock.advance(1000)
            for message in until_pong(ws):
                assert message["action"] == "update"
                book.apply("update", message["data"][0])  # raises on a checksum mismatch
                seqs.append((message["data"][0]["seq"], message["data"][0]["pseq"]))
        rest = rest_depth(mock)
        assert [(Decimal(p), Decimal(s)) for p, s in book.bids] == [(Decimal(str(p)), Decimal(str(s)))
                                                                    for p, s in rest["bids"]]
        assert [(Decimal(p), Decimal(s)) for p, s in book.asks] == [(Decimal(str(p)), Decimal(str(s)))
                                                                    for p, s in rest["asks"]]
        assert all(int(pseq) == int(seq) - 1 for seq, pseq in seqs[1:])


def test_futures_fixed_depth_books_and_candles(mock: Mock) -> None:
    with mock.ws() as ws:
        got = subscribe(ws, arg("books5"), arg("candle1m"))
        books, candles = pushes(got, "books5")[0]["data"][0], pushes(got, "candle1m")[0]["data"]
        assert len(books["asks"]) == len(books["bids"]) == 5 and "pseq" not in books
        rest = rest_depth(mock)
        assert Decimal(books["asks"][0][0]) == Decimal(str(rest["asks"][0][0]))
        assert all(len(row) == 8 for row in candles)
        answer = mock.client.get(f"{mock.http}{MIX}/market/candles",
                                 params={"symbol": SYMBOL, "productType": PT, "granularity": "1m", "limit": "1"})
        assert candles[-1][:5] == answer.json()["data"][-1][:5]


def _place(mock: Mock, **body: str) -> dict[str, Any]:
    full = {"symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "marginMode": "crossed", **body}
    answer = signed_post(mock, f"{MIX}/order/place-order", full)
    assert answer["code"] == "00000", answer
    data: dict[str, Any] = answer["data"]
    return data


def test_private_futures_channels_follow_a_market_open(fresh: Mock) -> None:
    mock = fresh
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        got = subscribe(ws, arg("account"), arg("positions", instId="default"), arg("orders", instId="default"),
                        arg("fill", instId="default"))
        account = pushes(got, "account")[0]["data"]
        assert {a["marginCoin"] for a in account} == {"USDT"} and account[0]["available"] == "5000"
        assert pushes(got, "positions")[0]["data"] == []  # the snapshot: no positions yet
        placed = _place(mock, side="buy", tradeSide="open", orderType="market", size="0.01")
        seen = until_pong(ws)
        orders = [m["data"][0] for m in pushes(seen, "orders")]
        assert orders[0]["status"] == "live" and orders[-1]["status"] == "filled"
        assert all(o["orderId"] == placed["orderId"] and o["posMode"] == "hedge_mode" for o in orders)
        fills = [m["data"][0] for m in pushes(seen, "fill")]
        assert fills and all(f["orderId"] == placed["orderId"] for f in fills)
        assert sum(Decimal(f["baseVolume"]) for f in fills) == Decimal(orders[-1]["accBaseVolume"]) == Decimal("0.01")
        positions = pushes(seen, "positions")[-1]["data"]
        rest = signed_get(mock, f"{MIX}/position/all-position", f"productType={PT}&marginCoin=USDT")["data"]
        assert len(positions) == len(rest) == 1
        assert positions[0]["total"] == rest[0]["total"] == "0.01" and positions[0]["holdSide"] == "long"
        assert positions[0]["openPriceAvg"] == rest[0]["openPriceAvg"]
        last = pushes(seen, "account")[-1]["data"][0]
        rest_account = signed_get(mock, f"{MIX}/account/accounts", f"productType={PT}")["data"][0]
        assert last["available"] == rest_account["available"]
        # closing it: the positions snapshot no longer lists it
        _place(mock, side="buy", tradeSide="close", orderType="market", size="0.01")
        assert pushes(until_pong(ws), "positions")[-1]["data"] == []


def test_resting_order_cancel_and_demo_inst_type(fresh: Mock) -> None:
    mock = fresh
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        demo = arg("orders", "SUSDT-FUTURES", instId="default")
        subscribe(ws, demo)
        bid = Decimal(rest_ticker(mock)["bidPr"])
        placed = _place(mock, side="buy", tradeSide="open", orderType="limit", force="gtc", size="0.01",
                        price=str((bid * Decimal("0.97")).quantize(Decimal("0.1"))))
        live = pushes(until_pong(ws), "orders")
        assert live[-1]["arg"] == demo and live[-1]["data"][0]["status"] == "live"
        answer = signed_post(mock, f"{MIX}/order/cancel-order",
                             {"symbol": SYMBOL, "productType": PT, "orderId": placed["orderId"]})
        assert answer["code"] == "00000"
        cancelled = pushes(until_pong(ws), "orders")
        assert cancelled[-1]["data"][0]["status"] == "canceled"


def test_futures_account_of_one_coin_and_a_wrong_coin(fresh: Mock) -> None:
    mock = fresh
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        got = subscribe(ws, arg("account", coin="usdt"), arg("account", coin="DOGE"))
        assert pushes(got, "account")[0]["data"][0]["marginCoin"] == "USDT"
        assert any(m.get("code") == 30001 and m["arg"]["coin"] == "DOGE" for m in got)
        send(ws, {"op": "unsubscribe", "args": [arg("account", coin="usdt")]})
        assert until_pong(ws)[0]["event"] == "unsubscribe"


def test_orders_algo_follows_a_trigger_order_placed_fired_and_a_tpsl_cancelled(fresh: Mock) -> None:
    mock = fresh
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        algo = arg("orders-algo", instId="default")
        assert subscribe(ws, algo)[0] == {"event": "subscribe", "arg": algo}
        last = Decimal(rest_ticker(mock)["lastPr"])
        body = {"planType": "normal_plan", "symbol": SYMBOL, "productType": PT, "marginMode": "crossed",
                "marginCoin": "USDT", "size": "0.01", "triggerPrice": str((last + 15).quantize(Decimal("0.1"))),
                "triggerType": "fill_price", "side": "buy", "tradeSide": "open", "orderType": "market",
                "clientOid": "algo-1"}
        placed = signed_post(mock, f"{MIX}/order/place-plan-order", body)
        assert placed["code"] == "00000", placed
        [live] = [m["data"][0] for m in pushes(until_pong(ws), "orders-algo")]
        assert (live["orderId"], live["clientOid"], live["status"], live["planType"]) == (
            placed["data"]["orderId"], "algo-1", "live", "normal_plan")
        assert live["triggerPrice"] == body["triggerPrice"] and live["posMode"] == "hedge_mode"
        seen: list[dict[str, Any]] = []
        for _ in range(300):  # minutes of the walk until it crosses the trigger
            mock.advance(60_000)
            seen += [m["data"][0] for m in pushes(until_pong(ws), "orders-algo")]
            if seen:
                break
        assert seen and seen[-1]["status"] == "executed" and seen[-1]["executeOrderId"]
        history = signed_get(mock, f"{MIX}/order/orders-plan-history", f"productType={PT}&planType=normal_plan")
        assert history["data"]["entrustedList"][0]["executeOrderId"] == seen[-1]["executeOrderId"]
        # the position it opened gets a stop loss, then a cancel of it: live, then cancelled
        tpsl = signed_post(mock, f"{MIX}/order/place-tpsl-order", {
            "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "planType": "loss_plan", "holdSide": "long",
            "triggerPrice": str((last * Decimal("0.5")).quantize(Decimal("0.1"))), "size": "0.01"})
        assert tpsl["code"] == "00000", tpsl
        cancel = signed_post(mock, f"{MIX}/order/cancel-plan-order", {
            "symbol": SYMBOL, "productType": PT, "marginCoin": "USDT", "planType": "loss_plan",
            "orderIdList": [{"orderId": tpsl["data"]["orderId"]}]})
        assert cancel["code"] == "00000", cancel
        states = [(m["data"][0]["planType"], m["data"][0]["status"]) for m in pushes(until_pong(ws), "orders-algo")]
        assert states == [("loss_plan", "live"), ("loss_plan", "cancelled")]


# COIN-FUTURES (inverse, margined in BTC) and USDC-FUTURES (BTCPERP, margined in USDC): the same private
# pushes as USDT-FUTURES.
PRODUCTS = [("COIN-FUTURES", "BTCUSD", "BTC", "coin_futures", "0.5"),
            ("USDC-FUTURES", "BTCPERP", "USDC", "usdc_futures", "5000")]


def _fund(mock: Mock, wallet: str, coin: str, amount: str) -> None:
    mock.admin("POST", "/reset")
    answer = mock.admin("PUT", f"/accounts/{UID}/balances?accountType={wallet}", {coin: amount})
    assert answer == {coin: amount}, answer


@pytest.mark.parametrize(("product", "symbol", "coin", "wallet", "amount"), PRODUCTS)
def test_coin_and_usdc_futures_private_channels_follow_a_trade(
        mock: Mock, product: str, symbol: str, coin: str, wallet: str, amount: str) -> None:
    _fund(mock, wallet, coin, amount)
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        got = subscribe(ws, arg("account", product, coin=coin), arg("positions", product, instId="default"),
                        arg("orders", product, instId="default"), arg("fill", product, instId="default"),
                        arg("orders-algo", product, instId="default"))
        assert pushes(got, "account")[0]["data"][0]["available"] == amount
        assert pushes(got, "positions")[0]["data"] == []
        placed = signed_post(mock, f"{MIX}/order/place-order", {
            "symbol": symbol, "productType": product, "marginCoin": coin, "marginMode": "crossed",
            "side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01"})
        assert placed["code"] == "00000", placed
        seen = until_pong(ws)
        orders = [m["data"][0] for m in pushes(seen, "orders")]
        assert orders[0]["status"] == "live" and orders[-1]["status"] == "filled"
        assert all(o["instId"] == symbol and o["marginCoin"] == coin == o["fillFeeCoin"] for o in orders)
        fills = [m["data"][0] for m in pushes(seen, "fill")]
        rest_fills = signed_get(mock, f"{MIX}/order/fills", f"productType={product}&symbol={symbol}")["data"]
        assert [f["tradeId"] for f in fills] == sorted(f["tradeId"] for f in rest_fills["fillList"])
        assert fills[0]["feeDetail"][0]["feeCoin"] == coin and Decimal(fills[0]["feeDetail"][0]["totalFee"]) < 0
        [position] = pushes(seen, "positions")[-1]["data"]
        [rest] = signed_get(mock, f"{MIX}/position/all-position", f"productType={product}&marginCoin={coin}")["data"]
        for name in ("total", "openPriceAvg", "marginSize", "unrealizedPL", "markPrice", "liquidationPrice"):
            assert position[name] == rest[name], name
        assert (position["instId"], position["marginCoin"]) == (symbol, coin)
        account = pushes(seen, "account")[-1]["data"][0]
        [rest_account] = [a for a in signed_get(mock, f"{MIX}/account/accounts", f"productType={product}")["data"]
                          if a["marginCoin"] == coin]
        assert (account["available"], account["equity"]) == (rest_account["available"], rest_account["accountEquity"])
        tpsl = signed_post(mock, f"{MIX}/order/place-tpsl-order", {
            "symbol": symbol, "productType": product, "marginCoin": coin, "planType": "loss_plan",
            "holdSide": "long", "size": "0.01",
            "triggerPrice": str((Decimal(rest["openPriceAvg"]) / 2).quantize(Decimal(1)))})
        algos = [m["data"][0] for m in pushes(until_pong(ws), "orders-algo")]
        assert tpsl["code"] == "00000", tpsl
        [algo] = algos
        assert (algo["orderId"], algo["instId"], algo["status"], algo["marginCoin"]) == (
            tpsl["data"]["orderId"], symbol, "live", coin)
        trigger = str((Decimal(rest["openPriceAvg"]) * 2).quantize(Decimal(1)))
        plan = signed_post(mock, f"{MIX}/order/place-plan-order", {
            "planType": "normal_plan", "symbol": symbol, "productType": product, "marginCoin": coin,
            "marginMode": "crossed", "size": "0.01", "triggerPrice": trigger, "triggerType": "mark_price",
            "side": "buy", "tradeSide": "open", "orderType": "market"})
        assert plan["code"] == "00000", plan
        cancelled = signed_post(mock, f"{MIX}/order/cancel-plan-order", {
            "symbol": symbol, "productType": product, "orderIdList": [{"orderId": plan["data"]["orderId"]}]})
        assert [s["orderId"] for s in cancelled["data"]["successList"]] == [plan["data"]["orderId"]]
        states = [(m["data"][0]["planType"], m["data"][0]["status"], m["arg"]["instType"])
                  for m in pushes(until_pong(ws), "orders-algo")]
        assert states == [("normal_plan", "live", product), ("normal_plan", "cancelled", product)]


@pytest.mark.parametrize(("product", "symbol", "coin", "wallet", "amount"),
                         [("USDT-FUTURES", SYMBOL, "USDT", "usdt_futures", "5000"), *PRODUCTS])
@given(advances=st.lists(st.integers(0, 4000), min_size=3, max_size=10))
@settings(max_examples=4, deadline=None)
def test_a_mark_move_pushes_positions_and_account_only_when_they_change(
        mock: Mock, product: str, symbol: str, coin: str, wallet: str, amount: str, advances: list[int]) -> None:
    """After each clock move: a `positions`/`account` push arrives exactly when what REST answers differs
    from the last push on that subscription, and then it is what REST answers (ts the new clock)."""
    _fund(mock, wallet, coin, amount)
    query = f"productType={product}&marginCoin={coin}"
    with mock.ws(private=True) as ws:
        assert login(ws, mock.now())["code"] == 0
        subscribe(ws, arg("account", product, coin=coin), arg("positions", product, instId="default"))
        mock.advance(5000)  # no position: a mark move pushes nothing
        assert until_pong(ws) == []
        placed = signed_post(mock, f"{MIX}/order/place-order", {
            "symbol": symbol, "productType": product, "marginCoin": coin, "marginMode": "crossed",
            "side": "buy", "tradeSide": "open", "orderType": "market", "size": "0.01"})
        assert placed["code"] == "00000", placed
        last = {m["arg"]["channel"]: m["data"][0] for m in until_pong(ws) if m["arg"]["channel"] != "orders"}
        for ms in advances:
            mock.advance(ms)
            seen = until_pong(ws)
            assert all(m["ts"] == mock.now() for m in seen)
            got = {m["arg"]["channel"]: m["data"][0] for m in seen}
            [rest] = signed_get(mock, f"{MIX}/position/all-position", query)["data"]
            [rest_account] = [a for a in signed_get(mock, f"{MIX}/account/accounts", f"productType={product}")["data"]
                              if a["marginCoin"] == coin]
            for channel in ("positions", "account"):
                if channel in got:
                    assert got[channel] != last[channel]  # pushed only on a change
                    last[channel] = got[channel]
            now = {"positions": (rest["markPrice"], rest["unrealizedPL"]),
                   "account": (rest_account["accountEquity"], rest_account["unrealizedPL"])}
            shown = {"positions": (last["positions"]["markPrice"], last["positions"]["unrealizedPL"]),
                     "account": (last["account"]["equity"], last["account"]["unrealizedPL"])}
            for channel in ("positions", "account"):
                assert shown[channel] == now[channel], (channel, ms)

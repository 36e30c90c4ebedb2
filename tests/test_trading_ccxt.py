"""ccxt's bitget class trading and moving coins against a real mock socket: it must parse what we answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, make_app, seed_accounts
from .trading_support import ERC20

ccxt = pytest.importorskip("ccxt")


@pytest.fixture(scope="module")
def exchange() -> Iterator[Any]:
    app = make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off")
    with ServerThread(app) as server:
        ex = ccxt.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE,
                          "options": {"adjustForTimeDifference": True}})  # the mock's clock is virtual
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], f"http://{server.host}:{server.port}")
        ex.load_markets()
        yield ex


def test_ccxt_limit_order_lifecycle(exchange: Any) -> None:
    bid = exchange.fetch_ticker("BTC/USDT")["bid"]
    placed = exchange.create_order("BTC/USDT", "limit", "buy", 0.001, round(bid * 0.99, 2))
    order = exchange.fetch_order(placed["id"], "BTC/USDT")
    assert (order["status"], order["amount"], order["filled"]) == ("open", 0.001, 0.0)
    assert order["clientOrderId"] == placed["clientOrderId"] and order["fee"]["currency"] == "BTC"
    assert [o["id"] for o in exchange.fetch_open_orders("BTC/USDT")] == [placed["id"]]
    exchange.cancel_order(placed["id"], "BTC/USDT")
    assert exchange.fetch_order(placed["id"], "BTC/USDT")["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        exchange.fetch_order("1234567890123456789", "BTC/USDT")
    with pytest.raises(ccxt.InsufficientFunds):
        exchange.create_order("BTC/USDT", "limit", "buy", 10, round(bid * 0.99, 2))


def test_ccxt_market_orders_trades_and_cancel_all(exchange: Any) -> None:
    bought = exchange.create_market_buy_order_with_cost("BTC/USDT", 100)
    order = exchange.fetch_order(bought["id"], "BTC/USDT")
    assert order["status"] == "closed" and 99 < order["cost"] <= 100 and order["amount"] == order["filled"] > 0
    assert order["fee"]["cost"] == pytest.approx(order["filled"] * 0.001)
    trades = exchange.fetch_my_trades("BTC/USDT")
    assert {t["order"] for t in trades} >= {bought["id"]} and all(t["takerOrMaker"] == "taker" for t in trades)
    exchange.create_order("BTC/USDT", "limit", "sell", 0.001, 99000)
    exchange.cancel_all_orders("BTC/USDT")
    assert exchange.fetch_open_orders("BTC/USDT") == []
    assert {o["status"] for o in exchange.fetch_canceled_and_closed_orders("BTC/USDT")} == {"closed", "canceled"}


def test_ccxt_transfer_futures_balance_and_withdrawal(exchange: Any) -> None:
    exchange.transfer("USDT", 100, "spot", "swap")
    assert exchange.fetch_balance({"type": "swap"})["USDT"]["free"] == 100
    sent = exchange.withdraw("USDT", 20, ERC20, params={"network": "ERC20"})
    now = exchange.fetch_time()  # the mock's virtual time, not this machine's
    records = exchange.fetch_withdrawals("USDT", now - 60_000, params={"until": now + 1})
    [record] = [w for w in records if w["id"] == sent["id"]]
    assert (record["amount"], record["fee"]["cost"], record["status"]) == (15, 5, "pending")

"""ccxt's bitget class trading USDT-margined perpetuals against a real mock socket, unmodified."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from .futures_support import ccxt_on_swaps

ccxt = pytest.importorskip("ccxt")
SWAP = "BTC/USDT:USDT"


@pytest.fixture()
def exchange() -> Iterator[Any]:
    with ccxt_on_swaps(ccxt) as (ex, app):
        ex.mock = app.services.exchange  # the state behind the socket, to read the mark price
        yield ex


def _mark(ex: Any) -> float:
    market = ex.mock.futures_market
    return float(market.mark_price(market.contract("USDT-FUTURES", "BTCUSDT"), ex.mock.clock.now_ms()))


def test_ccxt_one_way_market_order_position_and_close(exchange: Any) -> None:
    exchange.set_position_mode(False, SWAP)
    exchange.set_leverage(10, SWAP)
    assert exchange.fetch_leverage(SWAP)["longLeverage"] == 10
    placed = exchange.create_order(SWAP, "market", "buy", 0.01)
    order = exchange.fetch_order(placed["id"], SWAP)
    assert order["status"] == "closed" and order["filled"] == 0.01 and order["fee"]["currency"] == "USDT"
    [position] = exchange.fetch_positions([SWAP])
    assert (position["side"], position["contracts"], position["leverage"], position["marginMode"]) == (
        "long", 0.01, 10, "cross")
    assert position["entryPrice"] == pytest.approx(order["average"])
    balance = exchange.fetch_balance({"type": "swap"})
    assert 0 < balance["USDT"]["free"] < 10_000 and balance["USDT"]["total"] == pytest.approx(
        10_000 - order["fee"]["cost"] + float(position["unrealizedPnl"]), abs=1e-6)
    reduced = exchange.create_order(SWAP, "market", "sell", 0.004, params={"reduceOnly": True})
    assert exchange.fetch_order(reduced["id"], SWAP)["reduceOnly"] is True
    assert exchange.fetch_positions([SWAP])[0]["contracts"] == pytest.approx(0.006)
    exchange.close_position(SWAP)
    assert exchange.fetch_positions([SWAP]) == []
    with pytest.raises(ccxt.ExchangeError):
        exchange.close_position(SWAP)  # 22002: nothing to close


def test_ccxt_hedged_limit_order_lifecycle(exchange: Any) -> None:
    exchange.set_margin_mode("isolated", SWAP)
    exchange.set_leverage(5, SWAP, {"holdSide": "long"})
    price = round(_mark(exchange) * 0.97, 1)
    placed = exchange.create_order(SWAP, "limit", "buy", 0.01, price,
                                   {"hedged": True, "marginMode": "isolated", "timeInForce": "GTC"})
    order = exchange.fetch_order(placed["id"], SWAP)
    assert (order["status"], order["amount"], order["price"]) == ("open", 0.01, price)
    assert [o["id"] for o in exchange.fetch_open_orders(SWAP)] == [placed["id"]]
    exchange.cancel_order(placed["id"], SWAP)
    assert exchange.fetch_order(placed["id"], SWAP)["status"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        exchange.cancel_order(placed["id"], SWAP)
    with pytest.raises(ccxt.InsufficientFunds):
        exchange.create_order(SWAP, "market", "buy", 100, None, {"hedged": True, "marginMode": "isolated"})
    opened = exchange.create_order(SWAP, "market", "sell", 0.02, None, {"hedged": True, "marginMode": "isolated"})
    assert exchange.fetch_order(opened["id"], SWAP)["status"] == "closed"
    [short] = exchange.fetch_positions([SWAP])
    assert (short["side"], short["contracts"], short["marginMode"]) == ("short", 0.02, "isolated")
    closed = exchange.create_order(SWAP, "market", "buy", 0.02, None,
                                   {"hedged": True, "reduceOnly": True, "marginMode": "isolated"})
    assert exchange.fetch_order(closed["id"], SWAP)["status"] == "closed"
    assert exchange.fetch_positions([SWAP]) == []


INVERSE = "BTC/USD:BTC"


def test_ccxt_inverse_swap_margined_in_btc(exchange: Any) -> None:
    """COIN-FUTURES through ccxt: BTC moved from spot to the coin-futures wallet ('future' in ccxt's
    accountsByType), an order, the position read back in BTC, and close_position."""
    exchange.transfer("BTC", 1, "spot", "future")
    assert exchange.markets[INVERSE]["inverse"] is True
    placed = exchange.create_order(INVERSE, "market", "buy", 0.2, None, {"hedged": True})
    order = exchange.fetch_order(placed["id"], INVERSE)
    assert order["status"] == "closed" and order["filled"] == 0.2
    assert order["fee"]["currency"] == "BTC" and order["fee"]["cost"] == pytest.approx(0.2 * 0.0006)
    [position] = exchange.fetch_positions([INVERSE])
    entry, mark = position["entryPrice"], position["markPrice"]
    assert (position["side"], position["contracts"], position["info"]["marginCoin"]) == ("long", 0.2, "BTC")
    assert position["unrealizedPnl"] == pytest.approx(0.2 * entry * (1 / entry - 1 / mark), abs=1e-10)
    balance = exchange.fetch_balance({"type": "swap", "subType": "inverse"})
    assert balance["BTC"]["total"] == pytest.approx(1 - 0.2 * 0.0006 + position["unrealizedPnl"], abs=1e-9)
    exchange.close_position(INVERSE, "long")
    assert exchange.fetch_positions([INVERSE]) == []
    [record] = exchange.fetch_positions_history([INVERSE])
    assert record["symbol"] == INVERSE



USDC_SWAP = "BTC/USDC:USDC"


def test_ccxt_usdc_swap_margined_in_usdc() -> None:
    """USDC-FUTURES through ccxt: the BTCPERP market, USDC moved to the usdc_futures wallet ('usdc_swap' in
    ccxt's accountsByType), the ticker, an order (ccxt sends productType USDC-FUTURES and marginCoin USDC
    for a market settled in USDC), the position and the balance read back in USDC, and close_position."""
    with ccxt_on_swaps(ccxt) as (exchange, app):
        fm, clock = app.services.exchange.futures_market, app.services.clock
        market = exchange.markets[USDC_SWAP]
        assert (market["id"], market["settle"], market["linear"], market["contractSize"]) == (
            "BTCPERP", "USDC", True, 1)
        exchange.transfer("USDC", 5000, "spot", "usdc_swap")
        ticker = exchange.fetch_ticker(USDC_SWAP)
        assert ticker["markPrice"] == float(fm.mark_price(fm.contract("USDC-FUTURES", "BTCPERP"), clock.now_ms()))
        placed = exchange.create_order(USDC_SWAP, "market", "buy", 0.05, None, {"hedged": True})
        [sent] = [json.loads(e["body"]) for e in app.services.journal.newest(20)
                  if e["path"] == "/api/v2/mix/order/place-order"]
        assert (sent["symbol"], sent["productType"], sent["marginCoin"]) == ("BTCPERP", "USDC-FUTURES", "USDC")
        order = exchange.fetch_order(placed["id"], USDC_SWAP)
        assert order["status"] == "closed" and order["filled"] == 0.05 and order["fee"]["currency"] == "USDC"
        [position] = exchange.fetch_positions([USDC_SWAP])
        assert (position["side"], position["contracts"], position["info"]["marginCoin"]) == ("long", 0.05, "USDC")
        assert position["entryPrice"] == pytest.approx(order["average"])
        balance = exchange.fetch_balance({"type": "swap", "productType": "USDC-FUTURES"})
        assert balance["USDC"]["total"] == pytest.approx(
            5000 - order["fee"]["cost"] + float(position["unrealizedPnl"]), abs=1e-6)
        exchange.close_position(USDC_SWAP, "long")
        assert exchange.fetch_positions([USDC_SWAP]) == []
        assert exchange.fetch_positions([SWAP]) == []  # the USDT side saw none of it

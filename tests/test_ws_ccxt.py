"""ccxt pro's bitget class, unmodified, against the mock's sockets on a real port (system clock: ccxt signs
its login with its own wall-clock seconds): tickers, checksum-verified books, trades, orders, fills, balance,
spot and the swap BTC/USDT:USDT (ticker, book, orders, positions)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from mock_exchange.app import create_app
from mock_exchange.config import Config
from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, seed_accounts

ccxt_pro = pytest.importorskip("ccxt.pro")
TIMEOUT_S = 20


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    app = create_app(Config(port=0, rate_limits="off"), seed_accounts())
    with ServerThread(app) as srv:
        yield srv


def _exchange(srv: ServerThread) -> Any:
    ex = ccxt_pro.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE})
    http = f"http://{srv.host}:{srv.port}"
    for name in list(ex.urls["api"]):
        if isinstance(ex.urls["api"][name], str):
            ex.urls["api"][name] = http
    ex.urls["api"]["ws"] = {"public": f"ws://{srv.host}:{srv.port}/v2/ws/public",
                            "private": f"ws://{srv.host}:{srv.port}/v2/ws/private"}
    return ex


def run(srv: ServerThread, scenario: Any) -> Any:
    async def main() -> Any:
        ex = _exchange(srv)
        try:
            await ex.load_markets()
            return await asyncio.wait_for(scenario(ex), TIMEOUT_S)
        finally:
            await ex.close()

    return asyncio.run(main())


def test_watch_ticker_and_trades(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        ticker = await ex.watch_ticker("BTC/USDT")
        trades = await ex.watch_trades("BTC/USDT")
        return ticker, trades

    ticker, trades = run(server, scenario)
    assert ticker["symbol"] == "BTC/USDT" and ticker["bid"] < ticker["ask"] and ticker["last"] > 0
    assert trades and all(t["symbol"] == "BTC/USDT" and t["side"] in ("buy", "sell") and t["price"] > 0
                          for t in trades)


def test_watch_order_book_with_checksum_across_updates(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        assert ex.handle_option("watchOrderBook", "checksum", True) is True
        nonces = []
        for _ in range(3):  # the snapshot, then two walk steps of deltas, each checksum-verified by ccxt
            book = await ex.watch_order_book("BTC/USDT")
            nonces.append(book["nonce"])
        return book, nonces

    book, _ = run(server, scenario)
    bids, asks = book["bids"], book["asks"]
    assert len(bids) == len(asks) == 150 and bids[0][0] < asks[0][0]
    assert [b[0] for b in bids] == sorted((b[0] for b in bids), reverse=True)


def test_watch_orders_sees_a_rest_order_placed_and_cancelled(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        first = asyncio.ensure_future(ex.watch_orders("BTC/USDT"))
        await asyncio.sleep(0.3)  # let the login and subscribe go out before the order does
        bid = (await ex.fetch_ticker("BTC/USDT"))["bid"]
        placed = await ex.create_order("BTC/USDT", "limit", "buy", 0.001, round(bid * 0.9, 2))
        seen = [dict(o) for o in await first]  # copies: ccxt updates its cached orders in place
        await ex.cancel_order(placed["id"], "BTC/USDT")
        after = await ex.watch_orders("BTC/USDT")
        return placed, seen, after

    placed, seen, after = run(server, scenario)
    assert seen[-1]["id"] == placed["id"] and seen[-1]["status"] == "open" and seen[-1]["amount"] == 0.001
    assert after[-1]["id"] == placed["id"] and after[-1]["status"] == "canceled"


def test_watch_my_trades_and_balance_after_a_market_buy(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        balance = await ex.watch_balance()
        trades_future = asyncio.ensure_future(ex.watch_my_trades("BTC/USDT"))
        await asyncio.sleep(0.3)
        order = await ex.create_market_buy_order_with_cost("BTC/USDT", 50)
        trades = await trades_future
        return balance, order, trades

    balance, order, trades = run(server, scenario)
    assert balance["USDT"]["free"] > 0 and "BTC" in balance
    assert trades and trades[-1]["order"] == order["id"] and trades[-1]["symbol"] == "BTC/USDT"
    assert trades[-1]["takerOrMaker"] == "taker" and trades[-1]["amount"] > 0


SWAP = "BTC/USDT:USDT"


def test_watch_swap_ticker_and_order_book(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        ticker = await ex.watch_ticker(SWAP)
        assert ex.handle_option("watchOrderBook", "checksum", True) is True
        for _ in range(2):  # the snapshot, then a walk step of checksum-verified deltas
            book = await ex.watch_order_book(SWAP)
        return ticker, book

    ticker, book = run(server, scenario)
    assert ticker["symbol"] == SWAP and ticker["bid"] < ticker["ask"]
    assert float(ticker["info"]["markPrice"]) > 0 and "fundingRate" in ticker["info"]  # ccxt keeps them in info
    assert book["symbol"] == SWAP and len(book["bids"]) == len(book["asks"]) == 150
    assert book["bids"][0][0] < book["asks"][0][0]


def test_watch_swap_orders_and_positions(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        await ex.transfer("USDT", 1000, "spot", "swap")
        orders_future = asyncio.ensure_future(ex.watch_orders(SWAP))
        first_positions = await ex.watch_positions()  # the snapshot (maybe empty)
        await asyncio.sleep(0.3)  # let the orders subscribe go out before the order does
        placed = await ex.create_order(SWAP, "market", "buy", 0.01, None, {"hedged": True})
        orders = [dict(o) for o in await orders_future]
        positions = await ex.watch_positions()
        while not positions:
            positions = await ex.watch_positions()
        rest = await ex.fetch_positions([SWAP])
        await ex.close_position(SWAP, "long")
        return first_positions, placed, orders, positions, rest

    first, placed, orders, positions, rest = run(server, scenario)
    assert isinstance(first, list)
    assert orders[-1]["id"] == placed["id"] and orders[-1]["symbol"] == SWAP and orders[-1]["amount"] == 0.01
    [position] = [p for p in positions if p["symbol"] == SWAP]
    assert position["side"] == "long" and position["contracts"] == 0.01 and position["marginMode"] == "cross"
    assert position["entryPrice"] == rest[0]["entryPrice"] and position["leverage"] == rest[0]["leverage"]


def test_watch_swap_trigger_orders(server: ServerThread) -> None:
    async def scenario(ex: Any) -> Any:
        await ex.transfer("USDT", 1000, "spot", "swap")
        watching = asyncio.ensure_future(ex.watch_orders(SWAP, None, None, {"trigger": True}))
        await asyncio.sleep(0.3)  # let the orders-algo subscribe go out first
        last = (await ex.fetch_ticker(SWAP))["last"]
        placed = await ex.create_order(SWAP, "market", "buy", 0.01, None,
                                       {"triggerPrice": round(last * 1.5, 1), "hedged": True})
        seen = [dict(o) for o in await watching]
        return placed, seen, last

    placed, seen, last = run(server, scenario)
    assert seen[-1]["id"] == placed["id"] and seen[-1]["symbol"] == SWAP and seen[-1]["status"] == "open"
    assert seen[-1]["triggerPrice"] == round(last * 1.5, 1) and seen[-1]["amount"] == 0.01

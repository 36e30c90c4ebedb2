"""ccxt's bitget class reading history against a real mock socket: trades, fees, deposit address,
deposits, transfers, ledger and candles must parse, and carry the values the mock holds; and its
batch cancel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, UID, make_app, seed_accounts

ccxt = pytest.importorskip("ccxt")
DAY = 86_400_000


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[Any, str]]:
    app = make_app(accounts=seed_accounts(), rate_limits="off")
    with ServerThread(app) as server:
        url = f"http://{server.host}:{server.port}"
        ex = ccxt.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE,
                          "options": {"adjustForTimeDifference": True}})  # the mock's clock is virtual
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], url)
        ex.load_markets()
        yield ex, url


def _last_path(url: str) -> str:
    """The path of the newest request the mock's journal recorded."""
    path: str = httpx.get(f"{url}/_mock/journal", params={"limit": 1}).json()["entries"][0]["path"]
    return path


def test_ccxt_fetch_trades_pages_the_trade_history(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    now = exchange.fetch_time()
    recent = httpx.get(f"{url}/api/v2/spot/market/fills", params={"symbol": "BTCUSDT", "limit": 5}).json()["data"]
    trades = exchange.fetch_trades("BTC/USDT", limit=5)
    assert [t["id"] for t in trades] == [r["tradeId"] for r in reversed(recent)]  # ccxt sorts oldest first
    assert trades[-1]["timestamp"] == now - now % 1000 and trades[-1]["price"] == float(recent[0]["price"])
    window = exchange.fetch_trades("BTC/USDT", since=now - 10_000, params={"until": now - 5_000})
    first, last = -(-(now - 10_000) // 1000) * 1000, (now - 5000) // 1000 * 1000  # one trade per second
    assert [t["timestamp"] for t in window] == list(range(first, last + 1, 1000))
    assert all(t["side"] in ("buy", "sell") and t["amount"] > 0 for t in window)
    assert _last_path(url) == "/api/v2/spot/market/fills-history"


def test_ccxt_fetch_trading_fee_and_ohlcv(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    fee = exchange.fetch_trading_fee("ETH/USDT")
    assert (fee["symbol"], fee["maker"], fee["taker"]) == ("ETH/USDT", 0.001, 0.001)
    now = exchange.fetch_time()
    candles = exchange.fetch_ohlcv("BTC/USDT", "1h", limit=5)
    assert len(candles) == 5 and all(len(c) == 6 and c[2] >= max(c[1], c[4]) for c in candles)
    old = exchange.fetch_ohlcv("BTC/USDT", "1h", since=now - 100 * DAY, limit=50)  # the history endpoint
    assert len(old) == 50 and old == sorted(old) and old[0][0] >= now - 100 * DAY
    assert old[1][0] - old[0][0] == 3_600_000 and _last_path(url) == "/api/v2/spot/market/history-candles"


def test_ccxt_deposit_address_and_deposits(mock: tuple[Any, str]) -> None:
    exchange, url = mock
    address = exchange.fetch_deposit_address("USDT", {"network": "TRC20"})
    assert (address["currency"], address["network"], address["tag"]) == ("USDT", "TRC20", None)  # "" -> None
    assert address["address"].startswith("T") and len(address["address"]) == 34
    made = httpx.post(f"{url}/_mock/accounts/{UID}/deposits", json={"coin": "USDT", "size": "42", "chain": "TRC20"})
    assert made.status_code == 200, made.text
    now = exchange.fetch_time()  # ccxt's default window follows this machine's clock, the mock's is virtual
    [dep] = [d for d in exchange.fetch_deposits("USDT", now - DAY, params={"until": now + 1})
             if d["id"] == made.json()["orderId"]]
    assert (dep["amount"], dep["status"], dep["type"], dep["network"]) == (42, "ok", "deposit", "TRC20")
    assert dep["address"] == address["address"] and dep["txid"] == made.json()["tradeId"]


def test_ccxt_transfers_and_ledger(mock: tuple[Any, str]) -> None:
    exchange = mock[0]
    before = exchange.fetch_balance()["USDT"]["total"]
    sent = exchange.transfer("USDT", 12.5, "spot", "swap")
    now = exchange.fetch_time()
    transfers = exchange.fetch_transfers("USDT", now - DAY, params={"until": now + 1})
    [mine] = [t for t in transfers if t["id"] == sent["id"]]
    assert (mine["amount"], mine["fromAccount"], mine["toAccount"], mine["status"]) == (12.5, "spot", "swap", "ok")
    ledger = exchange.fetch_ledger("USDT", now - DAY, params={"until": now + 1})
    newest = max(ledger, key=lambda e: int(e["id"]))
    assert (newest["amount"], newest["direction"], newest["currency"]) == (12.5, "out", "USDT")
    assert newest["after"] == before - 12.5 == exchange.fetch_balance()["USDT"]["total"]
    assert newest["before"] == before


def test_ccxt_cancel_orders_in_one_batch(mock: tuple[Any, str]) -> None:
    exchange = mock[0]
    bid = exchange.fetch_ticker("BTC/USDT")["bid"]
    placed = [exchange.create_order("BTC/USDT", "limit", "buy", 0.001, round(bid * 0.98, 2)) for _ in range(2)]
    exchange.cancel_orders([o["id"] for o in placed], "BTC/USDT")
    assert all(exchange.fetch_order(o["id"], "BTC/USDT")["status"] == "canceled" for o in placed)
    assert exchange.fetch_open_orders("BTC/USDT") == []

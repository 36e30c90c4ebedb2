"""Helpers for the futures tests: a signed caller with a funded futures wallet (USDT-FUTURES unless told)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from mock_exchange.app import MockExchange
from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, make_app, seed_accounts
from .trading_support import Api

PT = "USDT-FUTURES"
SYMBOL = "BTCUSDT"
MIX = "/api/v2/mix"
FUNDING_MS = 8 * 3_600_000  # the contracts' funding interval (fundInterval 8)
WALLETS = {"USDT-FUTURES": "usdt_futures", "COIN-FUTURES": "coin_futures", "USDC-FUTURES": "usdc_futures"}


class FuturesApi(Api):
    def __init__(self, funded: str = "10000", product: str = PT, symbol: str = SYMBOL, coin: str = "USDT",
                 **config: Any) -> None:
        super().__init__(make_app(rate_limits="off", **config))
        self.pt, self.symbol, self.coin = product, symbol, coin
        self.ok("POST", "/api/v2/spot/wallet/transfer",
                {"fromType": "spot", "toType": WALLETS[product], "amount": funded, "coin": coin})

    @property
    def exchange(self) -> Any:
        return self.app.services.exchange

    def mark(self) -> Decimal:
        fm = self.exchange.futures_market
        result: Decimal = fm.mark_price(fm.contract(self.pt, self.symbol), self.now)
        return result

    def advance(self, ms: int) -> None:
        self.app.services.clock.advance(ms)
        self.app.services.on_clock_moved()

    def order_answer(self, **body: Any) -> Any:
        """place-order's whole answer (status and JSON), for the refusal tests."""
        full = {"symbol": self.symbol, "productType": self.pt, "marginCoin": self.coin, "marginMode": "crossed",
                **body}
        return self.post(f"{MIX}/order/place-order", full)

    def place(self, **body: Any) -> dict[str, Any]:
        answer = self.order_answer(**body)
        assert answer.status_code == 200 and answer.json()["code"] == "00000", answer.json()
        data: dict[str, Any] = answer.json()["data"]
        return data

    def detail(self, order_id: str) -> dict[str, Any]:
        query = f"symbol={self.symbol}&productType={self.pt}&orderId={order_id}"
        data: dict[str, Any] = self.ok("GET", f"{MIX}/order/detail", query)
        return data

    def positions(self) -> list[dict[str, Any]]:
        query = f"productType={self.pt}&marginCoin={self.coin}"
        data: list[dict[str, Any]] = self.ok("GET", f"{MIX}/position/all-position", query)
        return data

    def account(self) -> dict[str, Any]:
        query = f"symbol={self.symbol}&productType={self.pt}&marginCoin={self.coin}"
        data: dict[str, Any] = self.ok("GET", f"{MIX}/account/account", query)
        return data

    def open_isolated_long(self, size: str, leverage: str = "125") -> dict[str, Any]:
        """Isolated margin at `leverage`, a market long of `size`: the position as all-position shows it."""
        target = {"symbol": self.symbol, "productType": self.pt, "marginCoin": self.coin}
        self.ok("POST", f"{MIX}/account/set-margin-mode", {**target, "marginMode": "isolated"})
        self.ok("POST", f"{MIX}/account/set-leverage", {**target, "leverage": leverage})
        self.place(side="buy", tradeSide="open", orderType="market", size=size, marginMode="isolated")
        [position] = self.positions()
        return position

    def settle_funding(self) -> tuple[dict[str, Any], int, Decimal, Decimal]:
        """Move the clock a second past the next 8-hour funding time: the funding bill it made, that
        time, and the rate and mark price it settled at."""
        boundary = (self.now // FUNDING_MS + 1) * FUNDING_MS
        self.advance(boundary - self.now + 1000)
        [bill] = self.bills("&businessType=contract_settle_fee")
        fm = self.exchange.futures_market
        c = fm.contract(self.pt, self.symbol)
        return bill, boundary, fm.settled_rate(c, boundary), fm.mark_at(c, boundary // 1000)

    def liquidate_isolated_long(self, position: dict[str, Any]) -> None:
        """Advance the clock until the isolated long `position` is liquidated; then check that it was, at
        its liquidation price in its margin coin, and that exactly its margin (less funding) was lost."""
        margin, liq = Decimal(position["marginSize"]), Decimal(position["liquidationPrice"])
        before = Decimal(self.account()["accountEquity"]) - Decimal(position["unrealizedPL"])
        for _ in range(2000):
            self.advance(60_000)
            if not self.positions():
                break
        assert self.positions() == []
        history = self.ok("GET", f"{MIX}/order/orders-history", f"productType={self.pt}&orderSource=liquidation")
        [order] = history["entrustedList"]
        assert (order["tradeSide"], order["marginCoin"], Decimal(order["liqPrice"])) == (
            "burst_close_long", self.coin, liq)
        funding = sum((Decimal(b["amount"]) for b in self.bills("&businessType=contract_settle_fee")), Decimal(0))
        assert Decimal(self.account()["accountEquity"]) == before - margin + funding  # isolated: its margin is lost

    def bills(self, extra: str = "") -> list[dict[str, Any]]:
        data = self.ok("GET", f"{MIX}/account/bill", f"productType={self.pt}&limit=100{extra}")
        bills: list[dict[str, Any]] = data["bills"]
        return bills

    def state(self) -> Any:
        """Everything a refused request must leave as it was: wallets, positions, orders, bills."""
        ex = self.exchange
        eng = ex.futures.engine
        wallets = {(w, c): (b.available, b.frozen) for a in ex.accounts.accounts.values()
                   for w, cs in a.wallets.items() for c, b in cs.items()}
        positions = {k: (p.size, p.entry, p.margin, p.locked) for ps in eng.positions.values() for k, p in ps.items()}
        books = {k: (len(b.open), len(b.closed), len(b.fills), len(b.bills)) for k, b in eng.books.items()}
        settings = {k: (s.margin_mode, s.cross_leverage, s.long_leverage, s.short_leverage)
                    for k, s in eng.settings.items()}
        return wallets, positions, books, settings, dict(eng.pos_modes)


@contextlib.contextmanager
def ccxt_on_swaps(ccxt: Any) -> Iterator[tuple[Any, MockExchange]]:
    """ccxt's bitget class, unmodified, on a mock over a real socket, its markets loaded and 10,000 USDT
    moved to the swap wallet; with the app behind the socket (its state and clock)."""
    app = make_app(accounts=seed_accounts(), rate_limits="off")
    with ServerThread(app) as server:
        ex = ccxt.bitget({"apiKey": API_KEY, "secret": SECRET, "password": PASSPHRASE,
                          "options": {"adjustForTimeDifference": True}})
        ex.urls["api"] = dict.fromkeys(ex.urls["api"], f"http://{server.host}:{server.port}")
        ex.load_markets()
        ex.transfer("USDT", 10_000, "spot", "swap")
        yield ex, app

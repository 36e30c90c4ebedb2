"""Helpers for the trading, wallet and fault tests: a signed caller over the in-process driver on the mock's clock."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from mock_exchange.app import MockExchange

from .helpers import API_KEY, PASSPHRASE, SECRET, InProcess, signed_headers

ERC20 = "0x" + "ab" * 20
TRC20 = "T" + "A" * 33


class Api:
    """Signed Bitget calls against one in-process mock, timestamped with the mock's own clock."""

    def __init__(self, app: MockExchange, api_key: str = API_KEY, secret: str = SECRET,
                 passphrase: str = PASSPHRASE) -> None:
        self.app = app
        self.client = InProcess(app)
        self.creds = {"api_key": api_key, "secret": secret, "passphrase": passphrase}

    @property
    def now(self) -> int:
        return self.app.services.clock.now_ms()

    def post(self, path: str, body: Any) -> Any:
        raw = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        headers = signed_headers("POST", path, "", raw, ts=self.now, **self.creds)
        return self.client.post(path, content=raw.encode("utf-8"), headers=headers)

    def get(self, path: str, query: str = "") -> Any:
        headers = signed_headers("GET", path, query, "", ts=self.now, **self.creds)
        return self.client.get(path + ("?" + query if query else ""), headers=headers)

    def ok(self, method: str, path: str, arg: Any = "") -> Any:
        """The `data` of a call that must succeed."""
        answer = self.post(path, arg) if method == "POST" else self.get(path, arg)
        body = answer.json()
        assert answer.status_code == 200 and body["code"] == "00000", body
        return body["data"]

    def code(self, method: str, path: str, arg: Any = "") -> str:
        answer = self.post(path, arg) if method == "POST" else self.get(path, arg)
        return str(answer.json()["code"])

    def place(self, **body: Any) -> dict[str, Any]:
        order = {"symbol": "BTCUSDT", "force": "gtc", **body}
        data: dict[str, Any] = self.ok("POST", "/api/v2/spot/trade/place-order", order)
        return data

    def order(self, order_id: str) -> dict[str, Any]:
        data = self.ok("GET", "/api/v2/spot/trade/orderInfo", f"orderId={order_id}")
        assert isinstance(data, list) and len(data) == 1
        first: dict[str, Any] = data[0]
        return first

    def asset(self, coin: str) -> tuple[Decimal, Decimal]:
        rows = self.ok("GET", "/api/v2/spot/account/assets", f"coin={coin}")
        return Decimal(rows[0]["available"]), Decimal(rows[0]["frozen"])

    def advance(self, ms: int) -> None:
        """Move the mock's clock through the admin API, as a user would."""
        answer = self.client.post("/_mock/clock", json={"advance": ms})
        assert answer.status_code == 200, answer.text


def last_price(app: MockExchange, symbol: str = "BTCUSDT") -> Decimal:
    market = app.services.exchange.market
    return market.last_price(market.symbol(symbol), app.services.clock.now_ms())

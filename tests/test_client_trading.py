"""The reference client's trading, wallet and futures-account methods against the in-process mock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from client import (
    AsyncBitgetClient,
    BitgetAPIError,
    DuplicateClientOidError,
    InsufficientBalanceError,
    OrderNotFoundError,
)
from mock_exchange.app import MockExchange

from .client_support import asgi_client, codes
from .helpers import VirtualTime, make_app, seed_accounts

ERC20_ADDRESS = "0x" + "ab" * 20


def _app() -> MockExchange:
    return make_app(accounts=seed_accounts(ips=("127.0.0.1",)))  # withdrawals need a whitelisted key


def _run(app: MockExchange, scenario: Callable[[AsyncBitgetClient], Awaitable[Any]], **kw: Any) -> Any:
    async def main() -> Any:
        async with asgi_client(app, VirtualTime(app), **kw) as c:
            return await scenario(c)
    return asyncio.run(main())


async def _below_market(c: AsyncBitgetClient, ratio: str = "0.9") -> Decimal:
    last = Decimal((await c.tickers("BTCUSDT"))[0]["lastPr"])
    return (last * Decimal(ratio)).quantize(Decimal("0.01"))


def test_order_lifecycle() -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> dict[str, Any]:
        price = await _below_market(c)
        placed = await c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), price, client_oid="life-1")
        by_id = await c.order_info(order_id=placed["orderId"])
        by_oid = await c.order_info(client_oid="life-1")
        unfilled = await c.unfilled_orders("BTCUSDT")
        cancelled = await c.cancel_order("BTCUSDT", order_id=placed["orderId"])
        history = await c.history_orders("BTCUSDT")
        return {"placed": placed, "by_id": by_id, "by_oid": by_oid, "unfilled": unfilled,
                "cancelled": cancelled, "history": history, "price": price}

    r = _run(app, scenario)
    order_id = r["placed"]["orderId"]
    assert r["placed"]["clientOid"] == "life-1"
    assert r["by_id"][0]["orderId"] == order_id == r["by_oid"][0]["orderId"]
    assert Decimal(r["by_id"][0]["price"]) == r["price"] and r["by_id"][0]["status"] == "live"
    assert order_id in {o["orderId"] for o in r["unfilled"]}
    assert r["cancelled"]["orderId"] == order_id
    assert {o["orderId"]: o["status"] for o in r["history"]}[order_id] == "cancelled"


def test_market_order_fills_and_batch_and_cancel_symbol() -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> dict[str, Any]:
        bought = await c.place_order("BTCUSDT", "buy", "market", Decimal("100"))
        fills = await c.fills("BTCUSDT")
        price = await _below_market(c, "0.8")
        batch = await c.batch_orders("BTCUSDT", [
            {"side": "buy", "orderType": "limit", "force": "gtc", "price": price, "size": Decimal("0.001"),
             "clientOid": "b-1"},
            {"side": "buy", "orderType": "limit", "force": "gtc", "price": price, "size": Decimal("0.002"),
             "clientOid": "b-2"},
        ])
        cancelled = await c.cancel_symbol_orders("BTCUSDT")
        left = await c.unfilled_orders("BTCUSDT")
        return {"bought": bought, "fills": fills, "batch": batch, "cancelled": cancelled, "left": left}

    r = _run(app, scenario)
    assert r["bought"]["orderId"] in {f["orderId"] for f in r["fills"]}
    assert {o["clientOid"] for o in r["batch"]["successList"]} == {"b-1", "b-2"}
    assert r["batch"]["failureList"] == []
    assert r["cancelled"]["symbol"] == "BTCUSDT"
    assert r["left"] == []


def test_wallet_and_futures_accounts() -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> dict[str, Any]:
        moved = await c.transfer("spot", "usdt_futures", Decimal("250"), "USDT", client_oid="tr-1")
        futures = await c.futures_accounts("USDT-FUTURES")
        sent = await c.withdraw("USDT", "on_chain", ERC20_ADDRESS, Decimal("20"), chain="ERC20", client_oid="wd-1")
        now = app.services.clock.now_ms()
        records = await c.withdrawal_records(now - 3_600_000, now + 1)
        return {"moved": moved, "futures": futures, "sent": sent, "records": records}

    r = _run(app, scenario)
    assert r["moved"]["clientOid"] == "tr-1" and r["moved"]["transferId"]
    usdt = {a["marginCoin"]: a for a in r["futures"]}["USDT"]
    assert Decimal(usdt["available"]) == Decimal("250")
    assert r["sent"]["clientOid"] == "wd-1"
    assert r["sent"]["orderId"] in {w["orderId"] for w in r["records"]}


def test_business_errors_are_typed() -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> list[type[BaseException]]:
        price = await _below_market(c)
        await c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), price, client_oid="dup-1")
        raised: list[type[BaseException]] = []
        for call in (
            lambda: c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), price, client_oid="dup-1"),
            lambda: c.place_order("BTCUSDT", "buy", "limit", Decimal("10"), price),
            lambda: c.cancel_order("BTCUSDT", order_id="1234567890123456789"),
        ):
            try:
                await call()
            except BitgetAPIError as exc:
                raised.append(type(exc))
        return raised

    assert _run(app, scenario) == [DuplicateClientOidError, InsufficientBalanceError, OrderNotFoundError]


class LoseFirstPlaceOrder(httpx.AsyncBaseTransport):
    """Times out the first place-order: after the order landed (`landed`), or before it reached the app."""

    def __init__(self, app: MockExchange, landed: bool) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.landed = landed
        self.lost = False
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += request.url.path.endswith("/place-order")
        if request.url.path.endswith("/place-order") and not self.lost:
            self.lost = True
            if self.landed:
                await self.inner.handle_async_request(request)
            raise httpx.ReadTimeout("answer lost", request=request)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize(("landed", "attempts"), [(True, 1), (False, 2)])
def test_ambiguous_place_order_asks_by_client_oid_and_never_doubles(landed: bool, attempts: int) -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> tuple[Any, Any]:
        price = await _below_market(c)
        placed = await c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), price, client_oid="lost-1")
        return placed, await c.unfilled_orders("BTCUSDT")

    transport = LoseFirstPlaceOrder(app, landed)
    placed, unfilled = _run(app, scenario, transport=transport)
    assert placed["clientOid"] == "lost-1"
    assert [o["orderId"] for o in unfilled] == [placed["orderId"]]  # exactly one order on the exchange
    assert transport.attempts == attempts  # placed again only when the exchange had no such order
    paths = [e["path"] for e in reversed(app.services.journal.newest(100))]
    assert paths.count("/api/v2/spot/trade/place-order") == 1
    assert "/api/v2/spot/trade/orderInfo" in paths


oids = st.text(st.sampled_from("abcXYZ019-+_#"), min_size=1, max_size=50) | st.text(min_size=1, max_size=80)
nested = st.recursive(st.text(max_size=10) | st.integers(),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                  max_size=3), max_leaves=8)


@settings(max_examples=30)
@given(symbol=st.sampled_from(["BTCUSDT", "btcusdt"]) | st.text(max_size=20), client_oid=oids,
       extra=st.dictionaries(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=8).filter(
           lambda k: k not in {"symbol", "side", "orderType", "force", "price", "size", "clientOid"}), nested,
           max_size=3))
def test_whatever_the_client_signs_in_a_body_the_mock_accepts(symbol: str, client_oid: str,
                                                               extra: dict[str, Any]) -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> str:
        try:
            await c.place_order(symbol, "buy", "limit", Decimal("0.001"), Decimal("100"), client_oid=client_oid,
                                **extra)
        except BitgetAPIError as exc:
            return exc.code
        return "00000"

    code = _run(app, scenario)
    assert code != "40009"
    assert "40009" not in codes(app) and "40404" not in codes(app)


@pytest.mark.parametrize("oid", ["x" * 51, "bad oid!", "中文"])
def test_invalid_client_oids_get_40304_not_a_signature_error(oid: str) -> None:
    app = _app()

    async def scenario(c: AsyncBitgetClient) -> str:
        try:
            await c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), Decimal("100"), client_oid=oid)
        except BitgetAPIError as exc:
            return exc.code
        return "00000"

    assert _run(app, scenario) == "40304"

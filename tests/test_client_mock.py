"""The reference client against the mock: in-process (async, ASGI) and over a real socket (sync)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from client import BitgetAPIError, BitgetClient, as_decimals
from mock_exchange.app import MockExchange, create_app
from mock_exchange.config import Config
from mock_exchange.server import ServerThread

from .client_support import CREDENTIALS, asgi_client, codes
from .helpers import NOW, VirtualTime, make_app


def test_market_and_account_endpoints_in_process() -> None:
    app = make_app()
    vt = VirtualTime(app)

    async def run() -> dict[str, Any]:
        async with asgi_client(app, vt) as c:
            return {
                "time": await c.server_time(),
                "coins": await c.coins("BTC"),
                "symbols": await c.symbols(),
                "tickers": await c.tickers("BTCUSDT"),
                "book": await c.orderbook("BTCUSDT", limit=5),
                "candles": await c.candles("BTCUSDT", "1min", limit=3),
                "fills": await c.recent_fills("BTCUSDT", limit=2),
                "margin": await c.margin_currencies(),
                "contracts": await c.futures_contracts("USDT-FUTURES"),
                "info": await c.account_info(),
                "assets": await c.assets(),
            }

    r = asyncio.run(run())
    assert r["time"] == {"serverTime": str(NOW)}
    assert r["coins"][0]["coin"] == "BTC"
    assert "BTCUSDT" in {s["symbol"] for s in r["symbols"]}
    assert r["tickers"][0]["symbol"] == "BTCUSDT"
    assert len(r["book"]["asks"]) == 5 and len(r["book"]["bids"]) == 5
    assert len(r["candles"]) == 3 and len(r["candles"][0]) == 8
    assert len(r["fills"]) == 2
    assert {m["symbol"] for m in r["margin"]} >= {"BTCUSDT", "ETHUSDT"}
    assert {k["symbol"] for k in r["contracts"]} >= {"BTCUSDT", "ETHUSDT"}
    assert r["info"]["userId"] == "1000000001"
    assert {a["coin"]: a["available"] for a in r["assets"]}["USDT"] == "100000"
    assert codes(app) == ["00000"] * 11


def test_as_decimals_on_real_answers() -> None:
    app = make_app()
    vt = VirtualTime(app)

    async def run() -> Any:
        async with asgi_client(app, vt) as c:
            return await c.tickers("BTCUSDT"), await c.assets(coin="USDT")

    tickers, assets = asyncio.run(run())
    ticker = as_decimals(tickers)[0]
    assert isinstance(ticker["lastPr"], Decimal) and ticker["lastPr"] > 0
    assert isinstance(ticker["ts"], str)  # timestamps stay strings
    assert as_decimals(assets)[0]["available"] == Decimal("100000")


def test_server_45_seconds_ahead_in_process() -> None:
    app = make_app(now_ms=NOW + 45_000)
    local = VirtualTime(start=NOW)  # the client's own clock, 45 s behind the mock's

    async def run() -> Any:
        async with asgi_client(app, local) as c:
            assets = await c.assets()
            return assets, c.time_offset_ms

    assets, offset = asyncio.run(run())
    assert assets and offset == 45_000
    assert codes(app) == ["40008", "00000", "00000"]  # rejected once, synced, retried


def test_server_45_seconds_ahead_over_a_socket_on_wall_clocks() -> None:
    app = create_app(Config(port=0))
    key = app.services.exchange.account_seeds[0].keys[0]
    with ServerThread(app) as srv:
        base = f"http://{srv.host}:{srv.port}"
        now = httpx.get(f"{base}/_mock/clock").json()["now"]
        assert httpx.post(f"{base}/_mock/clock", json={"set": now + 45_000}).status_code == 200
        with BitgetClient(api_key=key.api_key, secret_key=key.secret, passphrase=key.passphrase, base_url=base) as c:
            assert isinstance(c.assets(), list)
            assert 44_000 <= c.time_offset_ms <= 46_000
            assert c.account_info()["userId"] == app.services.exchange.account_seeds[0].uid


def test_rsa_key_signs_requests_the_mock_accepts() -> None:
    app = make_app()
    vt = VirtualTime(app)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()

    async def run() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as admin:
            made = (await admin.post("/_mock/accounts/1000000001/api-keys",
                                     json={"permissions": ["read"], "publicKey": public_pem,
                                           "passphrase": "rsaPass123"})).json()
        async with asgi_client(app, vt, api_key=made["apiKey"], secret_key=None, passphrase="rsaPass123",
                               rsa_private_key=private_pem) as c:
            return await c.account_info()

    assert asyncio.run(run())["userId"] == "1000000001"


@pytest.fixture(scope="module")
def socket_mock() -> Iterator[tuple[MockExchange, BitgetClient]]:
    app = make_app()
    vt = VirtualTime(app)
    with ServerThread(app) as srv, BitgetClient(**CREDENTIALS, base_url=f"http://{srv.host}:{srv.port}",
                                                clock=vt.now, sleep=vt.sleep) as c:
        yield app, c


def _code(call: Any) -> str:
    try:
        call()
    except BitgetAPIError as exc:
        return exc.code
    return "00000"


any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
reserved = st.text(st.sampled_from("!*'();:@&=+$,/?#[]% \"<>\\^`{|}~é中\u00a0"), min_size=1, max_size=12)
symbols = st.one_of(st.sampled_from(["BTCUSDT", "ethusdt", "SOLUSDT"]), any_text, reserved)


@settings(max_examples=40)
@given(coin=symbols, extra=st.dictionaries(st.one_of(any_text.filter(bool), reserved), st.one_of(any_text, reserved),
                                           max_size=4))
def test_whatever_the_client_signs_in_a_query_the_mock_accepts(
        socket_mock: tuple[MockExchange, BitgetClient], coin: str, extra: dict[str, str]) -> None:
    _, c = socket_mock
    params = {**extra, "coin": coin}
    assert _code(lambda: c.request("GET", "/api/v2/spot/account/assets", params)) != "40009"

"""Many simultaneous orders on one account never overspend it: in-process and over a real socket."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx

from mock_exchange.app import MockExchange
from mock_exchange.server import ServerThread

from .helpers import UID, make_app, signed_headers

PLACE = "/api/v2/spot/trade/place-order"


def _order(app: MockExchange, i: int, usdt: Decimal) -> tuple[str, dict[str, str]]:
    market = app.services.exchange.market
    sym = market.symbol("BTCUSDT")
    price = (market.last_price(sym, app.services.clock.now_ms()) * Decimal("0.8")).quantize(sym.tick)
    size = (usdt / price).quantize(sym.lot)
    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                       "price": str(price), "size": str(size), "clientOid": f"c{i}"})
    return body, signed_headers("POST", PLACE, "", body, ts=app.services.clock.now_ms())


def _check_books(app: MockExchange, placed: int) -> None:
    ex = app.services.exchange
    usdt = ex.accounts.account(UID).balance("USDT")
    open_orders = list(ex.trading.orders_of(UID).open.all.values())
    assert len(open_orders) == placed
    assert usdt.frozen == sum((o.frozen for o in open_orders), Decimal(0))
    assert usdt.available >= 0 and usdt.available + usdt.frozen == Decimal("100000")


def test_gathered_orders_on_one_account_never_overspend() -> None:
    app = make_app(rate_limits="off")
    requests = [_order(app, i, Decimal("4100")) for i in range(60)]

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await asyncio.gather(*(client.post(PLACE, content=b, headers=h) for b, h in requests))

    answers = asyncio.run(main())
    codes = [a.json()["code"] for a in answers]
    assert codes.count("00000") == 24  # 24 x ~4100 USDT fit in 100 000, a 25th does not
    assert codes.count("43012") == 36
    _check_books(app, 24)


def test_threads_over_a_real_socket_never_overspend() -> None:
    app = make_app(rate_limits="off")
    requests = [_order(app, i, Decimal("9000")) for i in range(24)]
    with ServerThread(app) as server, httpx.Client(base_url=f"http://{server.host}:{server.port}") as client:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda r: client.post(PLACE, content=r[0], headers=r[1]), requests))
    codes = [a.json()["code"] for a in answers]
    assert codes.count("00000") == 11 and codes.count("43012") == 13
    _check_books(app, 11)

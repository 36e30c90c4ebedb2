"""Rate limits under real concurrency: many simultaneous clients against a running server on 127.0.0.1.

The clock is frozen, so every request of a burst falls in one window: exactly N may pass, and the
journal and the admin counters must agree with what the clients saw (nothing admitted twice or lost).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from mock_exchange.server import ServerThread

from .helpers import make_app

TIME = "/api/v2/public/time"
BURST = 200


async def _one(host: str, port: int, path: str) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=20)
    writer.close()
    return int(answer.split(b" ", 2)[1])


async def burst(srv: ServerThread, path: str, n: int = BURST) -> Counter[int]:
    """`n` clients, each on its own connection, all sent at once (a raw client: httpx is 10x slower here)."""
    return Counter(await asyncio.gather(*(_one(srv.host, srv.port, path) for _ in range(n))))


def test_concurrent_burst_admits_exactly_the_endpoint_limit() -> None:
    app = make_app()
    with ServerThread(app) as srv:
        url = f"http://{srv.host}:{srv.port}"
        statuses = asyncio.run(burst(srv, TIME))
        assert statuses == Counter({200: 20, 429: BURST - 20})
        view = httpx.get(f"{url}/_mock/limits", params={"ip": "127.0.0.1"}).json()
        row = next(r for r in view["endpoints"] if r["path"] == TIME)
        assert (row["used"], row["remaining"]) == (20, 0)
        assert view["global"]["used"] == BURST
        codes = Counter(e["code"] for e in app.services.journal.newest(10_000))
        assert codes == Counter({"00000": 20, "429": BURST - 20})
        # a window later, the next burst gets exactly its 20 again
        httpx.post(f"{url}/_mock/clock", json={"advance": 1000})
        assert asyncio.run(burst(srv, TIME)) == Counter({200: 20, 429: BURST - 20})


def test_concurrent_burst_admits_exactly_the_global_limit() -> None:
    app = make_app(global_limit=150)
    with ServerThread(app) as srv:
        url = f"http://{srv.host}:{srv.port}"
        statuses = asyncio.run(burst(srv, "/api/v2/not-served"))  # unknown paths: only the global limit
        assert statuses == Counter({404: 150, 429: BURST - 150})
        view = httpx.get(f"{url}/_mock/limits", params={"ip": "127.0.0.1"}).json()
        assert view["global"]["used"] == 151  # the request that crossed the limit counts, later ones do not
        assert view["global"]["penaltyUntil"] == app.services.clock.now_ms() + 300_000
        assert len(app.services.journal.newest(10_000)) == BURST

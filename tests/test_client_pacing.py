"""The client's pacer: the moving window alone, its table against the server's, and bursts against the mock."""

from __future__ import annotations

import asyncio
import random

import pytest

from client import BitgetClient, Pacer
from client.pacing import DEFAULT_PRIVATE, DEFAULT_PUBLIC, LIMITS
from mock_exchange.ratelimit.limits import PRIVATE_DEFAULT, PUBLIC_DEFAULT
from mock_exchange.routes import endpoint_limits
from mock_exchange.server import ServerThread

from .client_support import CREDENTIALS, asgi_client, codes
from .helpers import VirtualTime, make_app

FILLS = "/api/v2/spot/market/fills"  # 10/s by IP


def test_moving_window_admits_n_then_waits_for_the_oldest_to_leave() -> None:
    pacer = Pacer()
    for t in range(0, 10):
        assert pacer.wait_ms(FILLS, 1000 + t) == 0
        pacer.take(FILLS, 1000 + t)
    assert pacer.wait_ms(FILLS, 1010) == 990  # the window is (t - 1000, t]: the first leaves at 2000
    assert pacer.wait_ms(FILLS, 2000) == 0
    assert pacer.wait_ms("/api/v2/spot/market/tickers", 1010) == 0  # each endpoint counts on its own


def test_a_slot_counts_until_its_answer_arrived() -> None:
    pacer = Pacer({"/p": 1})
    ticket = pacer.take("/p", 0)
    ticket.done(300)  # the server may have seen it as late as 300
    assert pacer.wait_ms("/p", 1000) == 300
    assert pacer.wait_ms("/p", 1300) == 0


def test_a_clock_stepped_backwards_costs_at_most_one_window() -> None:
    pacer = Pacer({"/p": 1})
    pacer.take("/p", 3_600_000)
    assert pacer.wait_ms("/p", 0) == 1000
    assert pacer.wait_ms("/p", 1000) == 0


def test_global_limit_applies_across_endpoints() -> None:
    pacer = Pacer(global_limit=(3, 60_000))
    for path in ("/a", "/b", "/c"):
        pacer.take(path, 0)
    assert pacer.wait_ms("/d", 10) == 59_990


def test_client_table_agrees_with_the_server_table() -> None:
    for path, limit in endpoint_limits().items():
        assert limit.window_ms == 1000
        assert LIMITS.get(path) == limit.count, path
    assert (DEFAULT_PRIVATE, DEFAULT_PUBLIC) == (PRIVATE_DEFAULT.count, PUBLIC_DEFAULT.count)
    assert Pacer().limit_for("/api/v2/spot/trade/unknown") == DEFAULT_PRIVATE
    assert Pacer().limit_for("/api/v2/spot/market/unknown") == DEFAULT_PUBLIC


def test_burst_of_100_on_a_10_per_second_endpoint_over_a_socket() -> None:
    app = make_app()
    vt = VirtualTime(app)
    start = vt.now()
    with ServerThread(app) as srv, BitgetClient(**CREDENTIALS, base_url=f"http://{srv.host}:{srv.port}",
                                                clock=vt.now, sleep=vt.sleep) as c:
        for _ in range(100):
            assert c.recent_fills("BTCUSDT", limit=1)
    assert codes(app).count("429") == 0 and len(codes(app)) == 100
    assert 9_000 <= vt.now() - start < 10_000  # 10 per virtual second, no more waiting than needed


def test_burst_without_pacing_shows_the_server_does_limit() -> None:
    app = make_app()
    vt = VirtualTime(app)

    async def burst() -> None:
        async with asgi_client(app, vt, pacing=False, rng=random.Random(5)) as c:
            for _ in range(30):
                await c.recent_fills("BTCUSDT", limit=1)

    asyncio.run(burst())  # the client's backoff absorbs the 429s: none reaches the caller
    assert "429" in codes(app)


def test_concurrent_async_burst_never_sees_a_429() -> None:
    app = make_app()
    vt = VirtualTime(app)

    async def burst() -> list[object]:
        async with asgi_client(app, vt) as c:
            return list(await asyncio.gather(*(c.assets() for _ in range(40))))

    assert len(asyncio.run(burst())) == 40
    assert codes(app).count("429") == 0


@pytest.mark.parametrize("path", sorted(LIMITS))
def test_every_row_is_a_positive_rate(path: str) -> None:
    assert 1 <= LIMITS[path] <= 20

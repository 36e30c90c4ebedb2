"""Limits stay exact whatever the timing: concurrent requests whose headers and bodies arrive at any
times, with the clock read anywhere in between, against the limiter (a model of the interleaving) and
against a running server (signed place-orders whose bodies arrive some ms after their headers)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.app import create_app
from mock_exchange.clock import wall_ms
from mock_exchange.config import Config
from mock_exchange.endpoint import Endpoint
from mock_exchange.pytest_plugin import ServerThread
from mock_exchange.ratelimit.limiter import FixedWindow, MovingWindow, RateLimited, RateLimiter
from mock_exchange.ratelimit.limits import Limit, LimitTable
from mock_exchange.ratelimit.storage import MemoryStorage

from .helpers import seed_accounts, signed_headers
from .test_ratelimit_properties import T0, request

PLACE = "/api/v2/spot/trade/place-order"


@dataclass(frozen=True)
class Arrival:
    """One request on its own connection: headers at `head`, body complete at `body` (>= head)."""

    head: int
    body: int
    read: int  # when the dispatcher read the clock: anywhere from the headers to the body
    tie: int  # order among requests whose bodies complete in the same ms


@st.composite
def interleavings(draw: st.DrawFn, span: int = 3000) -> list[Arrival]:
    n = draw(st.integers(1, 40))
    out = []
    for _ in range(n):
        head = draw(st.integers(0, span))
        body = head + draw(st.sampled_from([0, 0, 1, 5, 30, 200, 999, 1000, 1500]))
        out.append(Arrival(T0 + head, T0 + body, T0 + draw(st.integers(head, body)), draw(st.integers())))
    # the limiter runs once a request's body is complete: in body order (ties in any order)
    return sorted(out, key=lambda a: (a.body, a.tie))


def windows_hold_at_most(times: list[int], limit: int, window: int) -> bool:
    return all(sum(1 for s in times if t - window < s <= t) <= limit for t in times)


def endpoint_limiter(limit: int, window: int, algorithm: str = "moving") -> tuple[RateLimiter, Endpoint]:
    ep = Endpoint("POST", PLACE, lambda svc, req: None, Limit(limit, window, "uid"), private=True)
    return RateLimiter(Config(limit_algorithm=algorithm), LimitTable(), [ep]), ep


def admitted_at(limiter: RateLimiter, ep: Endpoint, arrivals: list[Arrival], clock_at_body: bool) -> list[Arrival]:
    out = []
    for a in arrivals:
        try:
            limiter.check_endpoint(ep, request(PLACE, a.body if clock_at_body else a.read, uid="u1"), None)
        except RateLimited:
            continue
        out.append(a)
    return out


@given(limit=st.integers(1, 6), window=st.sampled_from([1, 100, 1000]), arrivals=interleavings())
def test_clock_read_at_body_arrival_admits_exactly_by_the_window(limit: int, window: int,
                                                                 arrivals: list[Arrival]) -> None:
    """Read when the body has arrived (admission order = time order): admitted exactly when fewer
    than `limit` admitted ones lie in the window before it; no window ever holds more."""
    limiter, ep = endpoint_limiter(limit, window)
    got = admitted_at(limiter, ep, arrivals, clock_at_body=True)
    expected: list[int] = []
    for a in arrivals:
        if sum(1 for s in expected if a.body - window < s <= a.body) < limit:
            expected.append(a.body)
    assert [a.body for a in got] == expected
    assert windows_hold_at_most(expected, limit, window)


@given(limit=st.integers(1, 6), window=st.sampled_from([1, 100, 1000]), arrivals=interleavings(),
       algorithm=st.sampled_from(["moving", "fixed"]))
def test_clock_read_before_the_body_never_overshoots(limit: int, window: int, arrivals: list[Arrival],
                                                     algorithm: str) -> None:
    """Read anywhere between headers and body (times reach the limiter out of order): an entry is
    kept until the window after the newest time seen has passed it, so at most `limit` are admitted
    in any window of admission times (each no earlier than its clock read), and a burst inside one
    window admits exactly `limit` whatever the order."""
    limiter, ep = endpoint_limiter(limit, window, algorithm)
    got = admitted_at(limiter, ep, arrivals, clock_at_body=False)
    recorded, newest = [], 0
    for a in got:  # the time each admitted entry holds: its read, or the newest entry when later
        newest = max(newest, a.read)
        recorded.append(newest)
    if algorithm == "moving":
        assert windows_hold_at_most(recorded, limit, window)
    else:
        assert all(n <= limit for n in Counter(t // window for t in recorded).values())
    if arrivals[-1].body - min(a.head for a in arrivals) < window and (algorithm == "moving" or len(
            {a.read // window for a in arrivals}) == 1):
        assert len(got) == min(limit, len(arrivals))


@given(arrivals=interleavings(span=200), limit=st.integers(1, 50))
def test_global_window_counts_every_request_once_in_any_order(arrivals: list[Arrival], limit: int) -> None:
    """The global limit counts refused requests too: out of order, each is still counted exactly
    once and none is dropped while its window lasts."""
    storage = MemoryStorage()
    algo = MovingWindow(storage)
    for a in arrivals:
        algo.hit("ip", a.read, limit, 60_000, always=True)
    assert algo.used("ip", max(a.read for a in arrivals), 60_000) == len(arrivals)


def test_fixed_window_counts_an_older_slot_in_the_newer_one() -> None:
    algo = FixedWindow(MemoryStorage())
    assert algo.hit("k", T0 + 1000, 1, 1000)[0]
    assert not algo.hit("k", T0 + 999, 1, 1000)[0]  # read in the slot before, admitted in this one


# -- over real sockets ------------------------------------------------------------------
async def _delayed_order(host: str, port: int, delay_ms: int, n: int) -> int:
    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                       "price": "1000", "size": "0.001", "clientOid": f"late-{n}-{time.monotonic_ns()}"},
                      separators=(",", ":"))
    headers = signed_headers("POST", PLACE, "", body, ts=wall_ms())
    head = f"POST {PLACE} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {len(body)}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(head.encode())
    await writer.drain()
    await asyncio.sleep(delay_ms / 1000)  # the body arrives after its headers: the case under test
    writer.write(body.encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=20)
    writer.close()
    return int(answer.split(b" ", 2)[1])


async def _burst(host: str, port: int, delays: list[int]) -> tuple[Counter[int], float]:
    start = time.monotonic()
    statuses = await asyncio.gather(*(_delayed_order(host, port, d, i) for i, d in enumerate(delays)))
    return Counter(statuses), time.monotonic() - start


@settings(max_examples=6)
@given(delays=st.lists(st.integers(0, 40), min_size=20, max_size=20))
def test_slow_bodies_over_sockets_admit_exactly_the_limit(delays: list[int]) -> None:
    """20 signed place-orders against 10/s per UID, bodies 0-40 ms after their headers (in under
    60 ms when the machine keeps up): exactly 10 admitted, never more."""
    app = create_app(Config(global_limit=0), seed_accounts())
    with ServerThread(app) as srv:
        statuses, took = asyncio.run(_burst(srv.host, srv.port, delays))
    assert set(statuses) <= {200, 429}
    assert statuses[200] <= 10 * (1 + int(took))  # never more than one window's worth per second taken
    if took < 0.9:  # all inside one 1 s window (a loaded machine may stretch the burst past it)
        assert statuses == Counter({200: 10, 429: 10})

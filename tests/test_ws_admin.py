"""Socket admin and faults under /_mock/ws/: list and drop connections, the 24 h cut, delayed and reordered
pushes, a skipped book update (a checksum-verifying client notices and resubscribes), the send-queue cap."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from client.ws import BitgetSocket
from client.ws_book import ChecksumMismatch, OrderBook
from mock_exchange.schema import validate
from mock_exchange.ws.admin import WS_ADMIN_ROUTES
from mock_exchange.ws.connection import Connection
from mock_exchange.ws.limits import ws_limits

from .ws_support import BOOKS, TICKER, Mock, no_connections, running_mock, subscribe, until_pong


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


@pytest.fixture
def fresh(mock: Mock) -> Mock:
    mock.admin("POST", "/reset")
    no_connections(mock)
    return mock


def _closed(ws: object) -> int:
    with pytest.raises(ConnectionClosed) as info:
        while True:
            ws.recv(timeout=5)  # type: ignore[attr-defined]
    return info.value.rcvd.code if info.value.rcvd else -1


def test_list_and_drop_one_connection(fresh: Mock) -> None:
    with fresh.ws() as a, fresh.ws(private=True) as b:
        subscribe(a, TICKER)
        until_pong(b)
        answer = fresh.admin("GET", "/ws/connections")
        row = next(r for r in WS_ADMIN_ROUTES if (r.method, r.path) == ("GET", "/ws/connections"))
        assert validate(row.response, answer) == []  # each connection in its declared shape (the OpenAPI's)
        listed = answer["connections"]
        assert sorted(c["path"] for c in listed) == ["/v2/ws/private", "/v2/ws/public"]
        public = next(c for c in listed if c["path"] == "/v2/ws/public")
        assert public["channels"] == 1 and public["ip"] == "127.0.0.1"
        assert fresh.admin("DELETE", f"/ws/connections/{public['id']}") == {"dropped": 1}
        assert _closed(a) == 1001
        b.send("ping")
        assert b.recv(timeout=5) == "pong"
        assert fresh.admin("DELETE", "/ws/connections/999999")["code"] == "40404"


def test_drop_all_and_the_24h_cut(fresh: Mock) -> None:
    with fresh.ws() as a, fresh.ws() as b:
        until_pong(a)
        until_pong(b)
        assert fresh.admin("POST", "/ws/cut") == {"cut": 2}
        assert _closed(a) == 1001 and _closed(b) == 1001
    no_connections(fresh)
    with fresh.ws() as c:
        until_pong(c)
        assert fresh.admin("DELETE", "/ws/connections") == {"dropped": 1}
        assert _closed(c) == 1001


def test_delayed_pushes_wait_for_the_server_clock(fresh: Mock) -> None:
    with fresh.ws() as ws:
        subscribe(ws, TICKER)
        assert fresh.admin("POST", "/ws/faults", {"delayMs": 3000})["delayMs"] == 3000
        made = fresh.advance(1000)
        assert until_pong(ws) == []  # held: due 3 s after it was made
        fresh.advance(2999)
        assert until_pong(ws) == []
        fresh.advance(1)  # due now; the push made at this step is held in turn
        held = until_pong(ws)
        fresh.admin("DELETE", "/ws/faults")
    assert [(p["action"], p["data"][0]["ts"]) for p in held] == [("update", str(made))] and held[0]["arg"] == TICKER


def test_reordered_pushes_arrive_pairwise_swapped(fresh: Mock) -> None:
    with fresh.ws() as ws:
        subscribe(ws, TICKER)
        fresh.admin("POST", "/ws/faults", {"reorder": True})
        fresh.advance(1000)
        fresh.advance(1000)
        got = until_pong(ws)
        fresh.admin("DELETE", "/ws/faults")
    ts = [p["data"][0]["ts"] for p in got]
    assert len(ts) == 2 and ts[0] > ts[1]


def test_a_skipped_book_update_breaks_the_checksum(fresh: Mock) -> None:
    with fresh.ws() as ws:
        book = OrderBook()
        for push in subscribe(ws, BOOKS)[1:]:
            book.apply(push["action"], push["data"][0])
        assert fresh.admin("POST", "/ws/faults", {"skipBookUpdates": 1})["skipBookUpdates"] == 1
        fresh.advance(1000)
        assert until_pong(ws) == []  # dropped; the count waits for the delta that shows the gap
        assert fresh.admin("GET", "/ws/faults")["skipBookUpdates"] == 1
        got: list[dict[str, Any]] = []
        for _ in range(10):  # deltas that leave the top 25 as the subscriber holds it are dropped too
            fresh.advance(1000)
            got = until_pong(ws)
            if got:
                break
        (update,) = got
        assert fresh.admin("GET", "/ws/faults")["skipBookUpdates"] == 0
    with pytest.raises(ChecksumMismatch):
        book.apply(update["action"], update["data"][0])


def test_a_dropped_delta_counts_only_once_a_push_shows_the_gap() -> None:
    # the next delta overwrites the dropped one: a subscriber's book still hashes right, so that delta
    # is dropped too; the one after leaves the subscriber's book visibly different, and goes out
    import orjson

    from mock_exchange.app import create_app
    from mock_exchange.config import Config
    from mock_exchange.ws.books import checksum
    from mock_exchange.ws.protocol import Topic

    hub = create_app(Config(manual_clock=True)).services.sockets
    key = Topic("SPOT", "books", "BTCUSDT")

    Side = list[tuple[str, str]]

    def push(asks: Side, bids: Side, truth: tuple[Side, Side]) -> bytes:
        return orjson.dumps([{"asks": asks, "bids": bids, "checksum": str(checksum(truth[1], truth[0]))}])

    before = ([("101", "1")], [("99", "1")])
    hub.faults.skip_books = 1
    assert hub._skipped(key, before, push([("101", "2")], [], ([("101", "2")], [("99", "1")])))
    assert hub._skipped(key, None, push([("101", "3")], [], ([("101", "3")], [("99", "1")])))
    assert hub.faults.skip_books == 1  # overwritten: nothing to see yet
    assert not hub._skipped(key, None, push([], [("99", "5")], ([("101", "3")], [("99", "5")])))
    assert hub.faults.skip_books == 0 and not hub._held


def test_reference_client_recovers_from_a_skipped_update_and_a_drop(fresh: Mock) -> None:
    async def scenario() -> BitgetSocket:
        async with BitgetSocket(f"ws://127.0.0.1:{fresh.port}/v2/ws/public") as client:
            await client.subscribe(BOOKS)
            await client.recv()  # ack
            await client.recv()  # snapshot
            fresh.admin("POST", "/ws/faults", {"skipBookUpdates": 1})
            fresh.advance(1000)
            fresh.advance(1000)  # this update fails the checksum: the client resubscribes
            while client.resyncs == 0 or not client.books[("SPOT", "BOOKS", "BTCUSDT", "")].ready:
                await client.recv()
            fresh.admin("DELETE", "/ws/connections")
            while True:  # the drop is noticed on the next read: reconnect, resubscribe, a fresh snapshot
                message = await client.recv()
                if client.reconnects and message.get("action") == "snapshot":
                    return client

    client = asyncio.run(asyncio.wait_for(scenario(), 20))
    assert client.resyncs == 1 and client.reconnects == 1 and client.args == [BOOKS]


def test_bad_fault_bodies_change_nothing(fresh: Mock) -> None:
    for body in ({"delayMs": -1}, {"reorder": "yes"}, {"nope": 1}, {}, [1]):
        answer = fresh.admin("POST", "/ws/faults", body)
        assert answer["code"] in ("40017", "40020")
    assert fresh.admin("GET", "/ws/faults") == {"delayMs": 0, "reorder": False, "skipBookUpdates": 0}


def test_a_client_that_never_reads_is_closed_at_the_queue_cap() -> None:
    loop = asyncio.new_event_loop()
    try:
        conn = Connection("127.0.0.1", False, 0, ws_limits({"send_queue": "3"}), loop)
        for i in range(3):
            conn.send(json.dumps({"n": i}).encode())
        assert not conn.closing and len(conn.outbox) == 3
        conn.send(b"{}")
        assert conn.closing and not conn.flush and len(conn.outbox) == 3  # nothing more is kept
        conn.send(b"{}")
        assert len(conn.outbox) == 3
    finally:
        loop.close()


_PRICES = st.integers(1, 60).map(lambda n: f"{n}.0")
_SIDE = st.dictionaries(_PRICES, st.integers(1, 9).map(str), max_size=12)


@given(_SIDE, _SIDE, st.booleans())
def test_a_delta_applied_gives_the_new_side(old: dict[str, str], new: dict[str, str], ascending: bool) -> None:
    from mock_exchange.ws.books import applied, delta

    def side(levels: dict[str, str]) -> list[tuple[str, str]]:
        return sorted(levels.items(), key=lambda lv: float(lv[0]), reverse=not ascending)

    assert applied(side(old), delta(side(old), side(new)), ascending) == side(new)

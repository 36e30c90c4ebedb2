"""Streams consistent with REST at every moment (hypothesis state machine on a real socket): the book
rebuilt from `books` snapshot + deltas equals the REST order book at the same clock, its checksum
matching update by update, and the orders a client saw open on `orders` are the ones REST lists open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from client.ws_book import OrderBook

from .ws_support import BOOKS, Mock, login, rest_book, running_mock, signed_get, signed_post, subscribe, until_pong

ORDERS = {"instType": "SPOT", "channel": "orders", "instId": "default"}
OPEN = {"live", "partially_filled"}


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


class StreamsMatchRest(RuleBasedStateMachine):
    def __init__(self, mock: Mock) -> None:
        super().__init__()
        self.mock = mock
        mock.admin("POST", "/reset")
        self.sockets = ExitStack()
        self.public = self.sockets.enter_context(mock.ws())
        self.private = self.sockets.enter_context(mock.ws(private=True))
        assert login(self.private, mock.now())["code"] == 0
        subscribe(self.private, ORDERS)
        self.book = OrderBook()
        self.updates = 0
        self.statuses: dict[str, str] = {}
        self._book_pushes(subscribe(self.public, BOOKS))

    def _book_pushes(self, messages: list[dict]) -> None:
        for message in messages:
            if "action" in message:
                for item in message["data"]:
                    self.book.apply(message["action"], item)  # ChecksumMismatch fails the run
                self.updates += message["action"] == "update"

    def _drain(self) -> None:
        self._book_pushes(until_pong(self.public))
        for message in until_pong(self.private):
            for item in message.get("data", ()):
                self.statuses[item["orderId"]] = item["status"]

    @rule(ms=st.integers(0, 4000))
    def advance(self, ms: int) -> None:
        self.mock.advance(ms)
        self._drain()

    @rule(side=st.sampled_from(["buy", "sell"]), permille=st.integers(-8, 8),
          size=st.sampled_from(["0.001", "0.0025"]), force=st.sampled_from(["gtc", "ioc"]))
    def place(self, side: str, permille: int, size: str, force: str) -> None:
        best = Decimal(self.book.asks[0][0] if side == "buy" else self.book.bids[0][0])
        price = (best * (1 + Decimal(permille) / 1000)).quantize(Decimal("0.01"))
        signed_post(self.mock, "/api/v2/spot/trade/place-order", {
            "symbol": "BTCUSDT", "side": side, "orderType": "limit", "force": force, "price": str(price),
            "size": size})
        self._drain()

    @invariant()
    def book_is_the_rest_book(self) -> None:
        rest = rest_book(self.mock)
        assert self.book.bids == [tuple(level) for level in rest["bids"]]
        assert self.book.asks == [tuple(level) for level in rest["asks"]]

    @invariant()
    def open_orders_are_the_rest_open_orders(self) -> None:
        listed = signed_get(self.mock, "/api/v2/spot/trade/unfilled-orders", "symbol=BTCUSDT")["data"]
        assert {o["orderId"] for o in listed} == {oid for oid, s in self.statuses.items() if s in OPEN}

    def teardown(self) -> None:
        self.sockets.close()


def test_streams_match_rest_step_by_step(mock: Mock) -> None:
    class OnThisMock(StreamsMatchRest):
        def __init__(self) -> None:
            super().__init__(mock)

    run_state_machine_as_test(OnThisMock, settings=settings(max_examples=12, stateful_step_count=12, deadline=None))

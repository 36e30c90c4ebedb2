"""Streams consistent with REST at every moment (hypothesis state machine on a real socket): the book
rebuilt from `books` snapshot + deltas equals the REST order book at the same clock, its checksum
matching update by update, and the orders a client saw open on `orders` are the ones REST lists open.
Run for spot BTCUSDT and for the USDT-FUTURES contract BTCUSDT (REST's merge-depth, orders-pending)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from client.ws_book import OrderBook

from .ws_support import BOOKS, Mock, login, rest_book, running_mock, signed_get, signed_post, subscribe, until_pong

OPEN = {"live", "partially_filled"}
FUTURES_BOOKS = {"instType": "USDT-FUTURES", "channel": "books", "instId": "BTCUSDT"}
MIX = "/api/v2/mix"


def _levels(levels: list[Any]) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(str(p)), Decimal(str(s))) for p, s in levels]


def _spot_book(mock: Mock) -> dict[str, Any]:
    return rest_book(mock)


def _futures_book(mock: Mock) -> dict[str, Any]:
    answer = mock.client.get(f"{mock.http}{MIX}/market/merge-depth",
                             params={"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "limit": "max"})
    data: dict[str, Any] = answer.json()["data"]
    return data


@dataclass(frozen=True)
class Venue:
    books: dict[str, str]
    orders: dict[str, str]
    rest_book: Callable[[Mock], dict[str, Any]]
    place_path: str
    order_body: dict[str, str]  # what a limit order needs besides side, price, size, force
    tick: Decimal
    open_path: str
    open_query: str
    funding: dict[str, str] | None = None  # a transfer that funds the venue's wallet


SPOT = Venue(BOOKS, {"instType": "SPOT", "channel": "orders", "instId": "default"}, _spot_book,
             "/api/v2/spot/trade/place-order", {"symbol": "BTCUSDT", "orderType": "limit"}, Decimal("0.01"),
             "/api/v2/spot/trade/unfilled-orders", "symbol=BTCUSDT")
FUTURES = Venue(FUTURES_BOOKS, {"instType": "USDT-FUTURES", "channel": "orders", "instId": "default"},
                _futures_book, f"{MIX}/order/place-order",
                {"symbol": "BTCUSDT", "productType": "USDT-FUTURES", "marginCoin": "USDT", "marginMode": "crossed",
                 "orderType": "limit", "tradeSide": "open"}, Decimal("0.1"),
                f"{MIX}/order/orders-pending", "productType=USDT-FUTURES&symbol=BTCUSDT",
                {"fromType": "spot", "toType": "usdt_futures", "amount": "20000", "coin": "USDT"})


@pytest.fixture(scope="module")
def mock() -> Iterator[Mock]:
    with running_mock() as m:
        yield m


class StreamsMatchRest(RuleBasedStateMachine):
    def __init__(self, mock: Mock, venue: Venue) -> None:
        super().__init__()
        self.mock = mock
        self.venue = venue
        mock.admin("POST", "/reset")
        if venue.funding is not None:
            assert signed_post(mock, "/api/v2/spot/wallet/transfer", venue.funding)["code"] == "00000"
        self.sockets = ExitStack()
        self.public = self.sockets.enter_context(mock.ws())
        self.private = self.sockets.enter_context(mock.ws(private=True))
        assert login(self.private, mock.now())["code"] == 0
        subscribe(self.private, venue.orders)
        self.book = OrderBook()
        self.updates = 0
        self.statuses: dict[str, str] = {}
        self._book_pushes(subscribe(self.public, venue.books))

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
        price = (best * (1 + Decimal(permille) / 1000)).quantize(self.venue.tick)
        signed_post(self.mock, self.venue.place_path, {
            **self.venue.order_body, "side": side, "force": force, "price": str(price), "size": size})
        self._drain()

    @invariant()
    def book_is_the_rest_book(self) -> None:
        rest = self.venue.rest_book(self.mock)
        assert _levels(self.book.bids) == _levels(rest["bids"])
        assert _levels(self.book.asks) == _levels(rest["asks"])

    @invariant()
    def open_orders_are_the_rest_open_orders(self) -> None:
        data = signed_get(self.mock, self.venue.open_path, self.venue.open_query)["data"]
        listed = data if isinstance(data, list) else data["entrustedList"] or []
        assert {o["orderId"] for o in listed} == {oid for oid, s in self.statuses.items() if s in OPEN}

    def teardown(self) -> None:
        self.sockets.close()


@pytest.mark.parametrize("venue", [SPOT, FUTURES], ids=["spot", "usdt-futures"])
def test_streams_match_rest_step_by_step(mock: Mock, venue: Venue) -> None:
    class OnThisMock(StreamsMatchRest):
        def __init__(self) -> None:
            super().__init__(mock, venue)

    run_state_machine_as_test(OnThisMock, settings=settings(max_examples=12, stateful_step_count=12, deadline=None))

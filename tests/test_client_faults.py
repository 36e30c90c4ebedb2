"""The reference client over a real socket against the mock's injected faults (/_mock/faults)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from client import BitgetClient, BitgetTransportError, ServerError
from mock_exchange.app import MockExchange
from mock_exchange.server import ServerThread

from .client_support import CREDENTIALS
from .helpers import VirtualTime, make_app

PLACE = "/api/v2/spot/trade/place-order"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[MockExchange, str]]:
    app = make_app()
    with ServerThread(app) as srv:
        yield app, f"http://{srv.host}:{srv.port}"


@pytest.fixture
def mock(served: tuple[MockExchange, str]) -> Iterator[tuple[MockExchange, BitgetClient]]:
    app, url = served
    app.services.reset()
    vt = VirtualTime(app)
    with BitgetClient(**CREDENTIALS, base_url=url, clock=vt.now, sleep=vt.sleep) as c:
        yield app, c


def _fault(c: BitgetClient, **rule: Any) -> None:
    answer = httpx.post(f"{c.base_url}/_mock/faults", json={"rules": [rule]})
    assert answer.status_code == 200, answer.text


def _calls(app: MockExchange, path: str) -> int:
    return sum(e["path"] == path for e in app.services.journal.newest(1000))


def _below_market(c: BitgetClient) -> Decimal:
    return (Decimal(c.tickers("BTCUSDT")[0]["lastPr"]) * Decimal("0.9")).quantize(Decimal("0.01"))


@pytest.mark.parametrize("phase", ["after", "before"])
def test_dropped_place_order_ends_with_exactly_one_order(mock: tuple[MockExchange, BitgetClient],
                                                         phase: str) -> None:
    app, c = mock
    price = _below_market(c)
    _fault(c, path=PLACE, kind="drop", phase=phase, count=1)
    placed = c.place_order("BTCUSDT", "buy", "limit", Decimal("0.001"), price, client_oid=f"drop-{phase}")
    assert [o["orderId"] for o in c.unfilled_orders("BTCUSDT")] == [placed["orderId"]]
    assert _calls(app, "/api/v2/spot/trade/orderInfo") == 1


@pytest.mark.parametrize("kind", ["html", "malformed", "truncated"])
def test_garbage_answers_to_a_get_are_retried_then_a_transport_error(mock: tuple[MockExchange, BitgetClient],
                                                                      kind: str) -> None:
    app, c = mock
    _fault(c, path="/api/v2/spot/account/assets", kind=kind, count=1)
    assert c.assets()  # one bad answer is absorbed
    _fault(c, path="/api/v2/spot/account/assets", kind=kind)
    with pytest.raises(BitgetTransportError) as info:
        c.assets()
    assert info.value.http_status is not None
    assert _calls(app, "/api/v2/spot/account/assets") == 2 + 4  # bounded: 4 attempts


def test_5xx_on_a_post_without_client_oid_is_not_repeated(mock: tuple[MockExchange, BitgetClient]) -> None:
    app, c = mock
    _fault(c, path="/api/v2/spot/trade/cancel-order", kind="status", status=503, code="40015")
    with pytest.raises(ServerError) as info:
        c.cancel_order("BTCUSDT", order_id="1234567890123456789")
    assert (info.value.code, info.value.http_status) == ("40015", 503)
    assert _calls(app, "/api/v2/spot/trade/cancel-order") == 1


def test_forced_429_is_backed_off_and_absorbed(mock: tuple[MockExchange, BitgetClient]) -> None:
    app, c = mock
    _fault(c, path="/api/v2/spot/market/tickers", kind="status", status=429, code="429", count=2)
    assert c.tickers("BTCUSDT")[0]["symbol"] == "BTCUSDT"
    assert _calls(app, "/api/v2/spot/market/tickers") == 3

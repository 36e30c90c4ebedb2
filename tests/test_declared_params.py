"""The spot endpoints' declared `params=` are the parameters their handlers read: a request with the
required ones succeeds and reads no parameter the declaration leaves out; leaving out a required one is 40019
naming it; every declared option of an enumerated one is accepted (GET; for POST, whose calls change state,
the first two). The futures market's are checked the same way in tests/test_mix_market.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mock_exchange.endpoint import Endpoint
from mock_exchange.request import ApiRequest
from mock_exchange.routes import ENDPOINTS

from .helpers import make_app, seed_accounts
from .trading_support import TRC20, Api

SPOT = [ep for ep in ENDPOINTS if not ep.path.startswith("/api/v2/mix/")]
DAY = 86_400_000


class Reads(dict[str, Any]):
    """Parameters that remember which names the handler looked up."""

    seen: set[str]

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)


@pytest.fixture
def read_names(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The names every request's handler reads from its parameters (query and body), from now on."""
    names: set[str] = set()
    parse = ApiRequest._parse

    def recording(self: ApiRequest) -> dict[str, Any]:
        params = Reads(parse(self))
        params.seen = names
        return params

    monkeypatch.setattr(ApiRequest, "_parse", recording)
    yield names


def _order(api: Api) -> str:
    return str(api.place(side="buy", orderType="limit", price="1000", size="0.001")["orderId"])


def _plan(api: Api) -> str:
    return str(api.ok("POST", "/api/v2/spot/trade/place-plan-order", {
        "symbol": "BTCUSDT", "side": "buy", "triggerPrice": "1000", "orderType": "market", "size": "20",
        "triggerType": "fill_price"})["orderId"])


# what an endpoint needs beyond its required parameters to find something (made on demand)
_EXTRA: dict[str, Callable[[Api], dict[str, Any]]] = {
    "/api/v2/spot/trade/orderInfo": lambda api: {"orderId": _order(api)},
    "/api/v2/spot/trade/cancel-order": lambda api: {"orderId": _order(api)},
    "/api/v2/spot/trade/cancel-replace-order": lambda api: {"orderId": _order(api), "size": "0.001"},
    "/api/v2/spot/trade/modify-plan-order": lambda api: {"orderId": _plan(api)},
    "/api/v2/spot/trade/cancel-plan-order": lambda api: {"orderId": _plan(api)},
    "/api/v2/spot/trade/plan-sub-order": lambda api: {"planOrderId": _plan(api)},
    "/api/v2/spot/trade/batch-orders": lambda api: {"symbol": "BTCUSDT", "orderList": [
        {"side": "buy", "orderType": "limit", "force": "gtc", "price": "1000", "size": "0.001"}]},
    "/api/v2/spot/trade/batch-cancel-order": lambda api: {"symbol": "BTCUSDT", "orderList": [{"orderId": "1"}]},
    "/api/v2/spot/wallet/withdrawal": lambda api: {"chain": "TRC20", "size": "20"},
    "/api/v2/spot/wallet/deposit-address": lambda api: {"chain": "TRC20"},
}


def _base(api: Api, ep: Endpoint) -> dict[str, Any]:
    """A request with the required parameters (a new required parameter needs a value here)."""
    now = api.now
    values: dict[str, Any] = {"symbol": "BTCUSDT", "granularity": "1min", "coin": "USDT", "fromType": "spot",
                              "startTime": str(now - DAY), "endTime": str(now), "businessType": "spot",
                              "side": "buy", "orderType": "market", "size": "20", "toType": "usdt_futures",
                              "amount": "1", "transferType": "on_chain", "address": TRC20, "price": "1000",
                              "triggerPrice": "1000", "triggerType": "fill_price"}
    base = {p.name: values[p.name] for p in ep.params if p.required and p.name not in ("orderList", "planOrderId")}
    if any(p.name == "limit" for p in ep.params):
        base["limit"] = "1"  # candles and books: one row is enough here
    return {**base, **_EXTRA.get(ep.path, lambda api: {})(api)}


def _call(api: Api, ep: Endpoint, params: dict[str, Any]) -> Any:
    if ep.method == "POST":
        return api.post(ep.path, params).json()
    return api.get(ep.path, "&".join(f"{k}={v}" for k, v in params.items())).json()


def test_every_spot_endpoint_with_parameters_declares_them() -> None:
    """The ones without any take none (server time, margin currencies, account info)."""
    assert sorted(ep.path for ep in SPOT if not ep.params) == [
        "/api/v2/margin/currencies", "/api/v2/public/time", "/api/v2/spot/account/info"]


@pytest.mark.parametrize("ep", SPOT, ids=lambda ep: f"{ep.method} {ep.path}")
def test_declared_parameters_are_the_ones_read(ep: Endpoint, read_names: set[str]) -> None:
    api = Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))
    declared = {p.name: p for p in ep.params}
    base = _base(api, ep)
    read_names.clear()
    answer = _call(api, ep, base)
    assert answer["code"] == "00000", (ep.path, base, answer)
    assert read_names <= set(declared), f"{ep.path} reads undeclared {sorted(read_names - set(declared))}"
    for name, param in declared.items():
        if param.required:  # leaving it out is 40019 naming it
            answer = _call(api, ep, {k: v for k, v in base.items() if k != name})
            assert (answer["code"], answer["msg"]) == ("40019", f"Parameter {name} cannot be empty"), ep.path
        if ep.method == "GET":
            for option in param.enum:  # every declared option is accepted
                answer = _call(api, ep, {**base, name: option})
                assert answer["code"] == "00000", (ep.path, name, option, answer)
    assert read_names <= set(declared), f"{ep.path} reads undeclared {sorted(read_names - set(declared))}"

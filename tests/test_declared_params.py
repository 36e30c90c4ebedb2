"""The spot endpoints' declared `params=` are the parameters their handlers read: a request with the
required ones succeeds and reads no parameter the declaration leaves out; leaving out a required one is 40019
naming it; every declared option of an enumerated one is accepted (GET; for POST, whose calls change state,
the first two). The futures account, order and position endpoints likewise (below); the futures market's are
checked in tests/test_mix_market.py."""

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


def _reads_only_the_declared(api: Api, ep: Endpoint, base: dict[str, Any], read_names: set[str]) -> None:
    """`base` is answered; the handler read only declared parameters; leaving out a required one is
    40019 naming it."""
    read_names.clear()
    answer = _call(api, ep, base)
    assert answer["code"] == "00000", (ep.path, base, answer)
    declared = {p.name for p in ep.params}
    assert read_names <= declared, f"{ep.path} reads undeclared {sorted(read_names - declared)}"
    for param in ep.params:
        if param.required:
            answer = _call(api, ep, {k: v for k, v in base.items() if k != param.name})
            assert (answer["code"], answer["msg"]) == ("40019", f"Parameter {param.name} cannot be empty"), ep.path


@pytest.mark.parametrize("ep", SPOT, ids=lambda ep: f"{ep.method} {ep.path}")
def test_declared_parameters_are_the_ones_read(ep: Endpoint, read_names: set[str]) -> None:
    api = Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))
    declared = {p.name: p for p in ep.params}
    base = _base(api, ep)
    _reads_only_the_declared(api, ep, base, read_names)
    for name, param in declared.items():
        if ep.method == "GET":
            for option in param.enum:  # every declared option is accepted
                answer = _call(api, ep, {**base, name: option})
                assert answer["code"] == "00000", (ep.path, name, option, answer)
    assert read_names <= set(declared), f"{ep.path} reads undeclared {sorted(read_names - set(declared))}"


# -- futures account, order and position endpoints ----------------------------------------------------------
_MIX = ("/api/v2/mix/account/", "/api/v2/mix/order/", "/api/v2/mix/position/")
FUTURES = [ep for ep in ENDPOINTS if ep.path.startswith(_MIX) and "plan" not in ep.path and "tpsl" not in ep.path]
_FUT = {"productType": "USDT-FUTURES", "symbol": "BTCUSDT", "marginCoin": "USDT"}
# a product type's symbol and margin coin, for the productType options of endpoints that need a contract
_BY_PRODUCT = {"USDT": ("BTCUSDT", "USDT"), "COIN": ("BTCUSD", "BTC"), "USDC": ("BTCPERP", "USDC")}


def _futures_order(api: Api) -> str:
    return str(api.ok("POST", "/api/v2/mix/order/place-order", {
        **_FUT, "marginMode": "crossed", "side": "buy", "tradeSide": "open", "orderType": "limit", "price": "1000",
        "size": "0.01"})["orderId"])


def _isolated_position(api: Api) -> dict[str, Any]:
    api.ok("POST", "/api/v2/mix/account/set-margin-mode", {**_FUT, "marginMode": "isolated"})
    api.ok("POST", "/api/v2/mix/order/place-order", {**_FUT, "marginMode": "isolated", "side": "buy",
                                                      "tradeSide": "open", "orderType": "market", "size": "0.01"})
    return {"holdSide": "long", "amount": "1"}


def _position(api: Api) -> dict[str, Any]:
    api.ok("POST", "/api/v2/mix/order/place-order", {**_FUT, "marginMode": "crossed", "side": "buy",
                                                      "tradeSide": "open", "orderType": "market", "size": "0.01"})
    return {}


_FUT_EXTRA: dict[str, Callable[[Api], dict[str, Any]]] = {
    "/api/v2/mix/account/set-leverage": lambda api: {"leverage": "10"},
    "/api/v2/mix/account/set-margin": _isolated_position,
    "/api/v2/mix/order/batch-place-order": lambda api: {"orderList": [
        {"side": "buy", "tradeSide": "open", "orderType": "limit", "force": "gtc", "price": "1000",
         "size": "0.01"}]},
    "/api/v2/mix/order/cancel-order": lambda api: {"orderId": _futures_order(api)},
    "/api/v2/mix/order/batch-cancel-orders": lambda api: {"orderIdList": [{"orderId": _futures_order(api)}]},
    "/api/v2/mix/order/modify-order": lambda api: {"orderId": _futures_order(api), "newSize": "0.02"},
    "/api/v2/mix/order/detail": lambda api: {"orderId": _futures_order(api)},
    "/api/v2/mix/order/close-positions": _position,
}


def _futures_base(api: Api, ep: Endpoint) -> dict[str, Any]:
    values = {**_FUT, "marginMode": "isolated", "posMode": "hedge_mode", "side": "buy", "orderType": "market",
              "size": "0.01", "newClientOid": "renamed1", "holdSide": "long", "amount": "1"}
    base = {p.name: values[p.name] for p in ep.params if p.required and p.name in values}
    if ep.path.endswith("/place-order") or ep.path.endswith("/batch-place-order"):
        base["marginMode"] = "crossed"
    if ep.path.endswith("/place-order"):
        base["tradeSide"] = "open"  # the seeded accounts are in hedge mode
    return {**base, **_FUT_EXTRA.get(ep.path, lambda api: {})(api)}


def test_every_futures_account_order_and_position_endpoint_declares_its_parameters() -> None:
    assert len(FUTURES) == 22
    assert [ep.path for ep in FUTURES if not ep.params] == []


@pytest.mark.parametrize("ep", FUTURES, ids=lambda ep: f"{ep.method} {ep.path}")
def test_futures_declared_parameters_are_the_ones_read(ep: Endpoint, read_names: set[str]) -> None:
    api = Api(make_app(accounts=seed_accounts(ips=("127.0.0.1",)), rate_limits="off"))
    declared = {p.name: p for p in ep.params}
    api.ok("POST", "/api/v2/spot/wallet/transfer", {"fromType": "spot", "toType": "usdt_futures", "coin": "USDT",
                                                    "amount": "1000"})
    base = _futures_base(api, ep)
    _reads_only_the_declared(api, ep, base, read_names)
    for name, param in declared.items():
        if ep.method == "GET":
            for option in param.enum:
                chosen = {**base, name: option}
                if name == "productType" and "symbol" in base:
                    symbol, coin = _BY_PRODUCT[option.removeprefix("S").split("-")[0]]
                    chosen.update(symbol=symbol, **({"marginCoin": coin} if "marginCoin" in base else {}))
                answer = _call(api, ep, chosen)
                # an order of USDT-FUTURES is not found under another product type (40109), which is an answer
                lost = name == "productType" and "orderId" in base and not option.endswith("USDT-FUTURES")
                assert answer["code"] in (("00000", "40109") if lost else ("00000",)), (ep.path, name, option, answer)
    assert read_names <= set(declared), f"{ep.path} reads undeclared {sorted(read_names - set(declared))}"

"""Fault injection through /_mock/faults: rule validation, matching, every kind, both phases."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_exchange.app import MockExchange
from mock_exchange.faults import ConnectionDropped
from mock_exchange.server import ServerThread

from .helpers import make_app
from .trading_support import Api

TIME = "/api/v2/public/time"
PLACE = "/api/v2/spot/trade/place-order"


@pytest.fixture
def app() -> MockExchange:
    return make_app(rate_limits="off")


@pytest.fixture
def api(app: MockExchange) -> Api:
    return Api(app)


def _add(api: Api, *rules: dict[str, Any]) -> Any:
    return api.client.post("/_mock/faults", json={"rules": list(rules)})


def _ok(api: Api, *rules: dict[str, Any]) -> list[dict[str, Any]]:
    answer = _add(api, *rules)
    assert answer.status_code == 200, answer.text
    active: list[dict[str, Any]] = answer.json()["rules"]
    return active


def test_rules_are_added_listed_and_cleared_as_plain_json(api: Api) -> None:
    active = _ok(api, {"path": "/api/v2/spot/*", "kind": "status", "status": 503, "count": 2})
    assert active[0]["id"] == 1 and active[0]["count"] == 2 and active[0]["phase"] == "before"
    assert api.client.get("/_mock/faults").json() == {"rules": active}
    assert api.client.delete("/_mock/faults").json() == {"rules": []}
    _ok(api, {"path": "*", "kind": "drop"})
    api.client.post("/_mock/reset")
    assert api.client.get("/_mock/faults").json() == {"rules": []}


@pytest.mark.parametrize(("rule", "code"), [
    ({"path": "*", "kind": "explode"}, "40020"),
    ({"path": "*", "kind": "status", "status": 700}, "40020"),
    ({"path": "*", "kind": "status", "code": "12345"}, "40020"),
    ({"path": "*", "kind": "status", "probability": 0}, "40020"),
    ({"path": "*", "kind": "status", "count": 0}, "40020"),
    ({"path": "*", "kind": "delay", "delay": [50, 10]}, "40020"),
    ({"path": "*", "kind": "delay"}, "40019"),
    ({"path": "*", "kind": "status", "phase": "during"}, "40020"),
    ({"path": "*", "kind": "status", "colour": "red"}, "40020"),
    ({"kind": "status"}, "40019"),
    ({"path": "*", "kind": "status", "method": "BREW"}, "40020"),
])
def test_bad_rules_are_refused_and_none_is_added(api: Api, rule: dict[str, Any], code: str) -> None:
    answer = _add(api, {"path": "/x", "kind": "drop"}, rule)
    assert answer.status_code == 400 and answer.json()["code"] == code
    assert api.client.get("/_mock/faults").json() == {"rules": []}
    bodies: list[Any] = [{"rules": []}, {"rules": "x"}, {"rulez": []}, [1]]
    for body in bodies:
        assert api.client.post("/_mock/faults", json=body).json()["code"] in ("40020", "40017")


def test_status_fault_fires_count_times_on_matching_requests_only(api: Api) -> None:
    _ok(api, {"path": "/api/v2/public/*", "kind": "status", "status": 503, "code": "45001", "count": 2,
              "method": "GET"})
    assert api.client.get("/api/v2/spot/public/symbols").status_code == 200  # glob: /api/v2/public/* only
    answers = [api.client.get(TIME) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    body = answers[0].json()
    assert set(body) == {"code", "msg", "requestTime", "data"} and body["code"] == "45001" and body["data"] is None
    assert api.client.get("/_mock/faults").json() == {"rules": []}  # spent


def test_api_key_filter_and_rate_limit_shaped_answers(api: Api) -> None:
    _ok(api, {"path": "/api/v2/spot/account/*", "kind": "status", "status": 429, "apiKey": "bg_test_key"})
    answer = api.get("/api/v2/spot/account/assets")
    assert answer.status_code == 429 and answer.json()["code"] == "429"
    assert api.client.get("/api/v2/spot/account/assets").json()["code"] == "40001"  # no key: rule skipped


def test_probability_is_seeded_and_replays_after_clearing(api: Api) -> None:
    def run() -> list[int]:
        api.client.delete("/_mock/faults")
        _ok(api, {"path": TIME, "kind": "status", "probability": 0.5})
        return [api.client.get(TIME).status_code for _ in range(30)]

    first = run()
    assert set(first) == {200, 503} and run() == first


def test_delay_uses_the_injectable_sleep(api: Api, app: MockExchange) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    app.services.faults.sleep = fake_sleep
    _ok(api, {"path": TIME, "kind": "delay", "delay": 1500, "count": 1},
        {"path": TIME, "kind": "status", "delay": [100, 200], "count": 1})
    assert api.client.get(TIME).status_code == 200
    assert api.client.get(TIME).status_code == 503
    assert slept[0] == 1.5 and 0.1 <= slept[1] <= 0.2


def test_malformed_truncated_and_html_bodies(api: Api) -> None:
    _ok(api, {"path": TIME, "kind": "malformed", "count": 1}, {"path": TIME, "kind": "truncated", "count": 1},
        {"path": TIME, "kind": "html", "count": 1})
    malformed = api.client.get(TIME)
    assert malformed.status_code == 200 and malformed.headers["content-type"] == "application/json"
    truncated = api.client.get(TIME)
    for answer in (malformed, truncated):
        with pytest.raises(json.JSONDecodeError):
            json.loads(answer.content)
    html = api.client.get(TIME)
    assert html.status_code == 502 and html.headers["content-type"] == "text/html"
    assert b"<title>502 Bad Gateway</title>" in html.content
    assert api.client.get(TIME).json()["code"] == "00000"


def test_after_phase_places_the_order_but_the_client_never_hears(api: Api, app: MockExchange) -> None:
    _ok(api, {"path": PLACE, "kind": "status", "status": 503, "phase": "after", "count": 1})
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "100", "clientOid": "lost-1"}
    assert api.post(PLACE, body).status_code == 503
    found = api.ok("GET", "/api/v2/spot/trade/orderInfo", "clientOid=lost-1")
    assert found[0]["status"] == "filled"  # the client must look it up by its clientOid
    assert api.code("POST", PLACE, body) == "43118"


def test_before_phase_changes_nothing(api: Api, app: MockExchange) -> None:
    _ok(api, {"path": PLACE, "kind": "truncated", "count": 1})
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "100", "clientOid": "never"}
    api.post(PLACE, body)
    assert api.code("GET", "/api/v2/spot/trade/orderInfo", "clientOid=never") == "43001"
    assert app.services.journal.newest(2)[-1]["fault"] == 1


def test_drop_in_process_raises_and_after_phase_still_places(api: Api) -> None:
    _ok(api, {"path": PLACE, "kind": "drop", "phase": "after", "count": 1})
    body = {"symbol": "BTCUSDT", "side": "buy", "orderType": "market", "size": "100", "clientOid": "dropped"}
    with pytest.raises(ConnectionDropped):
        api.post(PLACE, body)
    assert api.ok("GET", "/api/v2/spot/trade/orderInfo", "clientOid=dropped")[0]["clientOid"] == "dropped"


def test_drop_closes_a_real_socket_without_an_answer_and_the_server_goes_on() -> None:
    app = make_app()
    app.services.faults.add({"rules": [{"path": TIME, "kind": "drop", "count": 1}]})
    with ServerThread(app) as server, httpx.Client(base_url=f"http://{server.host}:{server.port}") as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(TIME)
        assert client.get(TIME).json()["code"] == "00000"


@pytest.mark.parametrize(("rule", "status", "code"), [
    ({"kind": "status", "status": 503, "phase": "after"}, 503, "40015"),
    ({"kind": "status", "status": 429}, 429, "429"),
    ({"kind": "html"}, 502, None),
    ({"kind": "malformed"}, 200, None),
    ({"kind": "delay", "delay": [0, 0], "phase": "after"}, 200, "00000"),
])
def test_the_journal_records_the_status_the_client_received(api: Api, app: MockExchange, rule: dict[str, Any],
                                                             status: int, code: str | None) -> None:
    _ok(api, {"path": TIME, "count": 1, **rule})
    assert api.client.get(TIME).status_code == status
    entry = app.services.journal.newest(1)[0]
    assert (entry["status"], entry["code"], entry["fault"]) == (status, code, 1)


@pytest.mark.parametrize("phase", ["before", "after"])
def test_a_dropped_request_is_journalled_without_a_status(api: Api, app: MockExchange, phase: str) -> None:
    _ok(api, {"path": TIME, "kind": "drop", "phase": phase, "count": 1})
    with pytest.raises(ConnectionDropped):
        api.client.get(TIME)
    entry = app.services.journal.newest(1)[0]
    assert entry["path"] == TIME and entry["status"] is None and entry["fault"] == 1

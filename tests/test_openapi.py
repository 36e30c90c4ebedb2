"""The OpenAPI description at /_mock/openapi.json covers every route, from the declarations."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from starlette.routing import Mount, Route

from mock_exchange.admin_routes import ADMIN_ROUTES
from mock_exchange.app import MockExchange
from mock_exchange.routes import ENDPOINTS
from mock_exchange.schema import success, validate
from mock_exchange.ws.admin import WS_ADMIN_ROUTES

from .helpers import UID, InProcess, make_app


def _spec(client: InProcess) -> Any:
    answer = client.get("/_mock/openapi.json")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    return answer.json()


def test_every_bitget_endpoint_and_admin_route_is_described(app: MockExchange, client: InProcess) -> None:
    spec = _spec(client)
    assert spec["openapi"].startswith("3.1")
    described = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    bitget = {(ep.path, ep.method) for ep in ENDPOINTS}
    mount = app.router.routes[0]
    assert isinstance(mount, Mount) and mount.path == "/_mock"
    admin = {("/_mock" + r.path, m) for r in mount.routes if isinstance(r, Route) for m in (r.methods or ())
             if m != "HEAD"}
    assert ("/_mock/openapi.json", "GET") in admin
    assert bitget <= described and admin <= described
    assert described == bitget | admin  # nothing described that is not served


def test_private_endpoints_need_the_auth_headers_and_errors_are_envelopes(client: InProcess) -> None:
    spec = _spec(client)
    assert set(spec["components"]["securitySchemes"]) == {"ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP",
                                                          "ACCESS-PASSPHRASE"}
    for ep in ENDPOINTS:
        op = spec["paths"][ep.path][ep.method.lower()]
        assert ("security" in op) == ep.private, ep.path
        assert op["responses"]["default"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorEnvelope"}
        assert ep.response is not None
        assert op["responses"]["200"]["content"]["application/json"]["schema"] == success(ep.response).json_schema()
    error = spec["components"]["schemas"]["ErrorEnvelope"]
    assert jsonschema_rs.validator_for(error).is_valid(client.get("/api/v2/nope").json())


def test_a_served_answer_conforms_to_its_described_schema(client: InProcess) -> None:
    spec = _spec(client)
    for path, query in (("/api/v2/spot/public/symbols", ""), ("/api/v2/mix/market/contracts",
                                                                "?productType=USDT-FUTURES")):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        body = client.get(path + query).json()
        assert jsonschema_rs.validator_for(schema).is_valid(body), path
        body["data"][0]["minTradeUSDT" if "symbols" in path else "minTradeNum"] = ""
        assert not jsonschema_rs.validator_for(schema).is_valid(body), path  # "" where a number belongs


def test_no_secret_of_any_account_or_the_admin_token_is_in_the_description() -> None:
    app = make_app(admin_token="admin-token-0123456789")
    client = InProcess(app)
    answer = client.get("/_mock/openapi.json", headers={"X-Mock-Admin-Token": "admin-token-0123456789"})
    assert answer.status_code == 200
    text = answer.text
    secrets = ["admin-token-0123456789"]
    for key in app.services.exchange.accounts.keys.values():
        secrets += [s for s in (key.secret, key.passphrase) if s]
    assert len(secrets) > 1
    assert not [s for s in secrets if s in text]


def test_the_admin_api_is_described_from_its_declarations(app: MockExchange, client: InProcess) -> None:
    """Every admin route but the WebSocket admin's (docs/websocket.md) has a row in admin_routes.py, and its
    operation carries that row's answer, body and query."""
    spec = _spec(client)
    mount = app.router.routes[0]
    assert isinstance(mount, Mount)
    served = {(r.path, m) for r in mount.routes if isinstance(r, Route) for m in (r.methods or ()) if m != "HEAD"}
    declared = {(r.path, r.method) for r in (*ADMIN_ROUTES, *WS_ADMIN_ROUTES)}
    assert served == declared
    for row in (*ADMIN_ROUTES, *WS_ADMIN_ROUTES):
        op = spec["paths"]["/_mock" + row.path][row.method.lower()]
        assert op["responses"]["200"]["content"]["application/json"]["schema"] == row.response.json_schema()
        assert ("requestBody" in op) == (row.body is not None), row.path
        assert {p["name"] for p in op.get("parameters", []) if p["in"] == "query"} == {p.name for p in row.query}


def test_every_admin_answer_has_its_declared_shape(client: InProcess) -> None:
    calls: list[tuple[str, str, Any]] = [
        ("GET", "/health", None), ("GET", "/accounts", None),
        ("POST", "/accounts", {"uid": "2000000001", "balances": {"USDT": "5"}}), ("GET", f"/accounts/{UID}", None),
        ("POST", f"/accounts/{UID}/api-keys", {"label": "x", "permissions": ["read"]}),
        ("GET", f"/accounts/{UID}/api-keys", None), ("PUT", f"/accounts/{UID}/balances?accountType=spot", {"BTC": "1"}),
        ("POST", f"/accounts/{UID}/deposits", {"coin": "USDT", "size": "1"}), ("GET", "/clock?detail=1", None),
        ("POST", "/clock", {"advance": 1}), ("GET", "/faults", None),
        ("POST", "/faults", {"rules": [{"path": "/api/v2/public/time", "kind": "status", "status": 500, "count": 1}]}),
        ("DELETE", "/faults", None), ("GET", "/journal?limit=5", None), ("DELETE", "/journal", None),
        ("GET", "/limits?ip=127.0.0.1", None), ("GET", "/openapi.json", None),
    ]
    rows = {(r.method, r.path): r for r in ADMIN_ROUTES}
    done = set()
    for method, target, body in calls:
        path = target.split("?")[0]
        pattern = "/api-keys/{api_key}" if path.startswith("/api-keys/") else path.replace(UID, "{uid}")
        row = rows.get((method, pattern))
        assert row is not None, target
        answer = client.request(method, "/_mock" + target, json_body=body)
        assert answer.status_code == 200, (target, answer.text)
        assert validate(row.response, answer.json()) == [], (target, validate(row.response, answer.json()))
        done.add((row.method, row.path))
        if path.endswith("/api-keys") and method == "POST":  # now delete the key just made
            calls.append(("DELETE", f"/api-keys/{answer.json()['apiKey']}", None))
    answer = client.request("POST", "/_mock/reset")
    assert answer.status_code == 200 and validate(rows[("POST", "/reset")].response, answer.json()) == []
    assert done | {("POST", "/reset")} == set(rows)


def test_every_socket_admin_answer_has_its_declared_shape(client: InProcess) -> None:
    """The /_mock/ws/ rows (no socket open here: a listed connection's shape: tests/test_ws_admin.py)."""
    rows = {(r.method, r.path): r for r in WS_ADMIN_ROUTES}
    calls = [("GET", "/ws/connections", None), ("POST", "/ws/faults", {"delayMs": 5, "reorder": True}),
             ("GET", "/ws/faults", None), ("DELETE", "/ws/faults", None), ("DELETE", "/ws/connections", None),
             ("POST", "/ws/cut", None)]
    for method, path, body in calls:
        answer = client.request(method, "/_mock" + path, json_body=body)
        assert answer.status_code == 200, (path, answer.text)
        assert validate(rows[(method, path)].response, answer.json()) == [], (path, answer.json())
    missing = client.request("DELETE", "/_mock/ws/connections/999999")
    assert missing.status_code == 404 and missing.json()["code"] != "00000"
    assert {(m, p) for m, p, _ in calls} | {("DELETE", "/ws/connections/{conn_id}")} == set(rows)

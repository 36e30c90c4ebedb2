"""OpenAPI 3.1 description of the mock, generated from the same declarations the router reads.

Bitget paths come from the `Endpoint` declarations (method, path, auth, params, response schema); the
admin API from its Starlette routes. Nothing here is a hand-kept copy of an endpoint list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.routing import BaseRoute, Route

from .admin_routes import AdminRoute
from .endpoint import Endpoint, Param
from .schema import ERROR_ENVELOPE, success

AUTH_HEADERS = ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE")
_ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
_PATH_PARAM = re.compile(r"{([^}]+)}")


def _param_schema(p: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": p.kind}
    if p.enum:
        schema["enum"] = list(p.enum)
    return schema


def _errors() -> dict[str, Any]:
    """Every refusal is a Bitget error envelope; the status varies (400, 401, 403, 404, 429, ...)."""
    return {"default": {"description": "A Bitget error envelope (`code` names the error)",
                        "content": {"application/json": {"schema": _ERROR_REF}}}}


def _operation(ep: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{ep.method.lower()}{ep.path.replace('/', '_').replace('-', '_')}",
        "summary": ep.summary or ep.path,
        "tags": [ep.path.split("/")[3]],
        "responses": {"200": {"description": "Success: Bitget's envelope around `data`", "content": {
            "application/json": {"schema": success(ep.response).json_schema() if ep.response is not None
                                 else {"type": "object"}}}}, **_errors()},
        "x-rate-limit": {"count": ep.limit.count, "windowMs": ep.limit.window_ms, "basis": ep.limit.basis},
    }
    if ep.private:
        op["security"] = [{name: [] for name in AUTH_HEADERS}]
        op["x-permission"] = ep.permission
    if ep.method == "GET":
        op["parameters"] = [{"name": p.name, "in": "query", "required": p.required, "schema": _param_schema(p),
                             **({"description": p.doc} if p.doc else {})} for p in ep.params]
    else:
        body: dict[str, Any] = {"type": "object", "properties": {p.name: _param_schema(p) for p in ep.params}}
        required = [p.name for p in ep.params if p.required]
        if required:
            body["required"] = required
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def _admin_operation(method: str, path: str, declared: AdminRoute) -> dict[str, Any]:
    """An admin route's operation, from its declaration."""
    op: dict[str, Any] = {
        "operationId": f"admin_{method.lower()}{re.sub(r'[^A-Za-z0-9]+', '_', path)}",
        "summary": declared.summary,
        "tags": ["admin"],
        "responses": {"200": {"description": "Plain JSON (not a Bitget envelope)",
                              "content": {"application/json": {"schema": declared.response.json_schema()}}},
                      **_errors()},
    }
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
              for n in _PATH_PARAM.findall(path)]
    params += [{"name": p.name, "in": "query", "required": p.required, "schema": _param_schema(p),
                **({"description": p.doc} if p.doc else {})} for p in declared.query]
    if params:
        op["parameters"] = params
    if declared.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": declared.body.json_schema()}}}
    return op


def build(endpoints: Iterable[Endpoint], declared: Iterable[AdminRoute], admin_routes: Iterable[BaseRoute],
          admin_prefix: str) -> dict[str, Any]:
    """Bitget paths from their declarations; the admin routes served, each from its declaration row."""
    paths: dict[str, dict[str, Any]] = {}
    for ep in endpoints:
        paths.setdefault(ep.path, {})[ep.method.lower()] = _operation(ep)
    rows = {(r.path, r.method): r for r in declared}
    for route in admin_routes:
        if not isinstance(route, Route):  # WebSocket routes: described in docs/websocket, not OpenAPI
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            paths.setdefault(admin_prefix + route.path, {})[method.lower()] = _admin_operation(
                method, route.path, rows[(route.path, method)])
    return {
        "openapi": "3.1.0",
        "info": {"title": "bitget-mock", "version": "2",
                 "description": "Bitget V2 REST API as the mock serves it, and the mock's /_mock admin API."},
        "paths": paths,
        "components": {
            "schemas": {"ErrorEnvelope": ERROR_ENVELOPE.json_schema()},
            "securitySchemes": {name: {"type": "apiKey", "in": "header", "name": name} for name in AUTH_HEADERS},
        },
    }

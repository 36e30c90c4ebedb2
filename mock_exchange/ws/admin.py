"""The admin API's socket routes under /_mock/ws/: list and drop connections, socket faults, the 24 h cut.
One row per route (`WS_ADMIN_ROUTES`, the admin_routes.py pattern): the routes are built from the rows and
the OpenAPI describes them from the same rows (docs/websocket.md has the table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..admin_routes import AdminRoute
from ..errors import NOT_FOUND, PARAMS_INVALID, BitgetError
from ..schema import Bool, Enum, Int, List, Nullable, Obj, Str
from .connection import GOING_AWAY
from .hub import Hub

_CONNECTION = Obj({"id": Int, "ip": Str, "path": Enum("/v2/ws/public", "/v2/ws/private"), "openedMs": Int,
                   "uid": Nullable(Str), "apiKey": Nullable(Str), "channels": Int, "queued": Int, "pings": Int,
                   "lastPingMs": Int})
_FAULTS = Obj({"delayMs": Int, "reorder": Bool, "skipBookUpdates": Int})
_DROPPED = Obj({"dropped": Int})
WS_ADMIN_ROUTES: tuple[AdminRoute, ...] = (
    AdminRoute("GET", "/ws/connections", "list", Obj({"connections": List(_CONNECTION)}), "Open WebSocket connections"),
    AdminRoute("DELETE", "/ws/connections", "drop_all", _DROPPED, "Drop every connection (close 1001)"),
    AdminRoute("DELETE", "/ws/connections/{conn_id}", "drop_one", _DROPPED, "Drop one connection (404 when none)"),
    AdminRoute("POST", "/ws/cut", "cut", Obj({"cut": Int}), "The 24-hour cut: every connection closed"),
    AdminRoute("GET", "/ws/faults", "get_faults", _FAULTS, "The socket faults in force"),
    AdminRoute("POST", "/ws/faults", "set_faults", _FAULTS, "Delay or reorder pushes, skip book updates",
               body=Obj({}, optional={"delayMs": Int, "reorder": Bool, "skipBookUpdates": Int})),
    AdminRoute("DELETE", "/ws/faults", "clear_faults", _FAULTS, "Clear the socket faults"),
)

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


class SocketAdmin:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def routes(self, guard: Guard) -> list[Route]:
        return [Route(r.path, guard(getattr(self, r.handler)), methods=[r.method]) for r in WS_ADMIN_ROUTES]

    async def list(self, request: Request) -> Any:
        return {"connections": [c.view() for c in self.hub.connections.values()]}

    async def drop_all(self, request: Request) -> Any:
        return {"dropped": self.hub.drop()}

    async def drop_one(self, request: Request) -> Any:
        raw = request.path_params["conn_id"]
        if not raw.isdigit() or self.hub.drop(int(raw)) == 0:
            raise BitgetError(NOT_FOUND)
        return {"dropped": 1}

    async def cut(self, request: Request) -> Any:
        """What the exchange does every 24 hours: every connection closed, clients must reconnect."""
        return {"cut": self.hub.drop(code=GOING_AWAY, reason="24h cut")}

    async def get_faults(self, request: Request) -> Any:
        return self.hub.faults.view()

    async def set_faults(self, request: Request) -> Any:
        raw = await request.body()
        try:
            body = orjson.loads(raw) if len(raw) <= 1 << 16 else None
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            raise BitgetError(PARAMS_INVALID)
        self.hub.faults.update(body)
        return self.hub.faults.view()

    async def clear_faults(self, request: Request) -> Any:
        self.hub.faults.clear()
        return self.hub.faults.view()

"""The admin API's socket routes under /_mock/ws/: list and drop connections, socket faults, the 24 h cut.

| method path                          | body                                          | answer                     |
|--------------------------------------|-----------------------------------------------|----------------------------|
| GET    /_mock/ws/connections          |                                               | {"connections": [...]}     |
| DELETE /_mock/ws/connections          |                                               | {"dropped": n}             |
| DELETE /_mock/ws/connections/{id}     |                                               | {"dropped": 1} (404 if none)|
| POST   /_mock/ws/cut                  |                                               | {"cut": n} (the 24 h cut)  |
| GET, POST, DELETE /_mock/ws/faults    | {"delayMs"?, "reorder"?, "skipBookUpdates"?}  | the faults in force        |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import NOT_FOUND, PARAMS_INVALID, BitgetError
from .connection import GOING_AWAY
from .hub import Hub

Guard = Callable[[Callable[[Request], Awaitable[Any]]], Callable[[Request], Awaitable[Response]]]


class SocketAdmin:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def routes(self, guard: Guard) -> list[Route]:
        return [
            Route("/ws/connections", guard(self.list), methods=["GET"]),
            Route("/ws/connections", guard(self.drop_all), methods=["DELETE"]),
            Route("/ws/connections/{conn_id}", guard(self.drop_one), methods=["DELETE"]),
            Route("/ws/cut", guard(self.cut), methods=["POST"]),
            Route("/ws/faults", guard(self.get_faults), methods=["GET"]),
            Route("/ws/faults", guard(self.set_faults), methods=["POST"]),
            Route("/ws/faults", guard(self.clear_faults), methods=["DELETE"]),
        ]

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

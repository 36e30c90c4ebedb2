"""The Starlette WebSocket endpoints `/v2/ws/public` and `/v2/ws/private`: admit, then one reader and
one writer task per connection until either side closes."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from .connection import POLICY, Connection
from .hub import Hub
from .protocol import error_event
from .session import handle

log = logging.getLogger("mock_exchange.ws")
PUBLIC_PATH, PRIVATE_PATH = "/v2/ws/public", "/v2/ws/private"
CLOSE_TIMEOUT_S = 2.0  # a client that does not take its last messages or the close frame is cut off


class SocketEndpoints:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def routes(self) -> list[WebSocketRoute]:
        return [WebSocketRoute(PUBLIC_PATH, self.public), WebSocketRoute(PRIVATE_PATH, self.private)]

    async def public(self, websocket: WebSocket) -> None:
        await self._serve(websocket, private=False)

    async def private(self, websocket: WebSocket) -> None:
        await self._serve(websocket, private=True)

    async def _serve(self, websocket: WebSocket, private: bool) -> None:
        hub = self.hub
        clock = hub.svc.clock
        ip = websocket.client.host if websocket.client else ""
        refused = hub.admit(ip, clock.now_ms())
        await websocket.accept()
        if refused is not None:
            await websocket.send_text(error_event(refused).decode())
            await websocket.close(POLICY)
            return
        conn = Connection(ip, private, clock.now_ms(), hub.limits, asyncio.get_running_loop())
        hub.open(conn)
        reader = asyncio.create_task(self._read(websocket, conn))
        writer = asyncio.create_task(self._write(websocket, conn))
        try:
            await conn.done.wait()
            reader.cancel()
            if conn.flush:
                with contextlib.suppress(asyncio.TimeoutError, Exception):
                    await asyncio.wait_for(writer, CLOSE_TIMEOUT_S)
            writer.cancel()
            if conn.close_reason != "client closed":
                with contextlib.suppress(asyncio.TimeoutError, Exception):
                    await asyncio.wait_for(websocket.close(conn.close_code or POLICY, conn.close_reason),
                                           CLOSE_TIMEOUT_S)
        finally:
            reader.cancel()
            writer.cancel()
            hub.remove(conn)

    async def _read(self, websocket: WebSocket, conn: Connection) -> None:
        clock = self.hub.svc.clock
        try:
            while not conn.closing:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None and message.get("bytes") is None:
                    continue
                try:
                    handle(self.hub, conn, text, clock.now_ms())
                except Exception:  # a bug of ours: logged, and the connection carries on
                    log.exception("socket message failed")
        except (WebSocketDisconnect, RuntimeError, OSError):
            pass
        conn.client_gone()

    async def _write(self, websocket: WebSocket, conn: Connection) -> None:
        try:
            while True:
                while conn.outbox:
                    await websocket.send_text(conn.outbox.popleft().decode())
                if conn.closing:
                    return
                conn.wake.clear()
                if not conn.outbox:
                    await conn.wake.wait()
        except (WebSocketDisconnect, RuntimeError, OSError):
            conn.client_gone()

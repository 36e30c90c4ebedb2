"""create_app(config) -> the Starlette app: wires middleware and routes, nothing else."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Router
from starlette.types import Receive, Scope, Send

from .admin import AdminAPI, error_response
from .config import Config
from .dispatch import Dispatcher
from .errors import BitgetError
from .faults import FaultsMiddleware
from .journal import JournalMiddleware
from .ratelimit import GlobalLimitMiddleware, build_limiter
from .routes import ENDPOINTS
from .services import Services
from .state.seed import AccountSeed
from .ws import Hub, SocketAdmin, SocketEndpoints

ADMIN_PREFIX = "/_mock"


class MockExchange(Starlette):
    """Starlette for the admin API and lifespan; the Bitget API runs through its own plain-ASGI
    chain, in this order: journal -> global limit -> faults -> dispatcher (auth, endpoint limit,
    handler, envelope). Plain ASGI keeps the per-request cost near the bare server's."""

    def __init__(self, services: Services) -> None:
        self.services = services
        services.sockets = hub = Hub(services)
        admin = AdminAPI(services, SocketAdmin(hub))

        async def admin_error(request: Request, exc: Exception) -> Response:
            status = exc.status_code if isinstance(exc, HTTPException) else 500
            return error_response(BitgetError("40404") if status in (404, 405) else BitgetError("40015", status=500),
                                  services.clock.now_ms())

        super().__init__(
            routes=[Mount(ADMIN_PREFIX, app=Router(routes=admin.routes(), redirect_slashes=False)),
                    *SocketEndpoints(hub).routes()],
            exception_handlers={HTTPException: admin_error, Exception: admin_error},
        )
        self.router.redirect_slashes = False  # `/_mock` and `/_mock/x/` are 404 envelopes, not bare redirects
        # Each layer is handed the next one's bound `__call__`: calling an instance goes through its
        # type's call slot on every request, a bound method does not.
        self.dispatcher = Dispatcher(services, ENDPOINTS)
        api: Any = FaultsMiddleware(self.dispatcher.__call__, services.faults, services.clock)
        services.limiter = build_limiter(services.config, ENDPOINTS)
        if services.limiter is not None and services.limiter.global_limit is not None:
            api = GlobalLimitMiddleware(api.__call__, services.limiter.global_limit, services.clock,
                                        services.config.retry_after)
        self.api = JournalMiddleware(api.__call__, services.journal, services.clock).__call__

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if not (path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")):
                await self.api(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(config: Config | None = None, accounts: list[AccountSeed] | None = None) -> MockExchange:
    """The mock exchange for `config` (defaults: demo account, system clock, Bitget's limits)."""
    return MockExchange(Services(config or Config(), accounts))

"""create_app(config) -> the mock exchange: ONE ordered list of layers around the dispatcher, plus the admin API.

The Bitget API runs through plain-ASGI layers, outermost first (a test asserts this order):

    journal -> global limit -> faults -> dispatcher (body-size guard, route, auth, endpoint limit,
                                                     handler, envelope)

The body-size guard is the dispatcher's first step: it runs after an injected fault has had its
chance, so a fault rule fires whatever the body. Admin paths (`/_mock/...`) go to Starlette instead:
never journalled, limited or faulted. Plain ASGI keeps the per-request cost near the bare server's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from .admin import AdminAPI, error_response
from .config import Config
from .dispatch import Dispatcher
from .errors import NOT_FOUND, SYSTEM_ERROR, BitgetError
from .faults import FaultsMiddleware
from .journal import JournalMiddleware
from .ratelimit import GlobalLimitMiddleware
from .routes import ENDPOINTS
from .services import Services
from .state.seed import AccountSeed
from .ws import Hub, SocketAdmin, SocketEndpoints

ADMIN_PREFIX = "/_mock"


@dataclass(frozen=True)
class Layer:
    """One plain-ASGI layer of the API stack: `wrap(next_app)` builds it around the app inside it."""

    name: str
    wrap: Callable[[ASGIApp], Any]


def api_layers(services: Services) -> list[Layer]:
    """The API's layers, outermost first. A layer that has nothing to do with this config is left out."""
    layers = [Layer("journal", lambda app: JournalMiddleware(app, services.journal, services.clock))]
    limiter = services.limiter
    if limiter is not None and limiter.global_limit is not None:
        global_limit = limiter.global_limit
        layers.append(Layer("global limit", lambda app: GlobalLimitMiddleware(
            app, global_limit, services.clock, services.config.retry_after)))
    layers.append(Layer("faults", lambda app: FaultsMiddleware(app, services.faults, services.clock)))
    return layers


def build_stack(layers: list[Layer], innermost: ASGIApp) -> ASGIApp:
    """Wrap `innermost` in `layers` (outermost first). Each layer is handed the next one's bound
    `__call__`: calling an instance goes through its type's call slot on every request, a bound
    method does not."""
    app: ASGIApp = innermost
    for layer in reversed(layers):
        app = layer.wrap(app).__call__
    return app


class MockExchange(Starlette):
    """Starlette for the admin API and lifespan; the Bitget API through `api_layers`."""

    def __init__(self, services: Services) -> None:
        self.services = services
        services.sockets = hub = Hub(services)
        admin = AdminAPI(services, SocketAdmin(hub))

        async def admin_error(request: Request, exc: Exception) -> Response:
            status = exc.status_code if isinstance(exc, HTTPException) else 500
            err = BitgetError(NOT_FOUND) if status in (404, 405) else BitgetError(SYSTEM_ERROR, status=500)
            return error_response(err, services.clock.now_ms())

        super().__init__(
            routes=[Mount(ADMIN_PREFIX, app=Router(routes=admin.routes(), redirect_slashes=False)),
                    *SocketEndpoints(hub).routes()],
            exception_handlers={HTTPException: admin_error, Exception: admin_error},
        )
        self.router.redirect_slashes = False  # `/_mock` and `/_mock/x/` are 404 envelopes, not bare redirects
        self.dispatcher = Dispatcher(services, services.endpoints)
        self.layers = api_layers(services)
        self.api = build_stack(self.layers, self.dispatcher.__call__)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if not (path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")):
                await self.api(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def create_app(config: Config | None = None, accounts: list[AccountSeed] | None = None) -> MockExchange:
    """The mock exchange for `config` (defaults: demo account, system clock, Bitget's limits)."""
    return MockExchange(Services(config or Config(), ENDPOINTS, accounts))

"""The one declaration of an endpoint: method, path, handler, auth, rate limit, parameters, response schema.

The router (dispatch.py), the endpoint limiter (ratelimit/) and the API description all read these
declarations; nothing about an endpoint is written down anywhere else in the server. See
docs/adding-an-endpoint.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .ratelimit.limits import PRIVATE_DEFAULT, PUBLIC_DEFAULT, Limit

if TYPE_CHECKING:
    from .request import ApiRequest
    from .services import Services

Handler = Callable[["Services", "ApiRequest"], Any]


@dataclass(frozen=True)
class Param:
    """A documented request parameter (query for GET, body field for POST)."""

    name: str
    required: bool = False
    kind: str = "string"  # the JSON type a client sends: string, integer, number, boolean, array, object
    enum: tuple[str, ...] = ()
    doc: str = ""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    limit: Limit  # Bitget's rate limit for this path (count per window, keyed by UID or IP)
    private: bool = False
    permission: str = "read"
    whitelist: bool = False  # the key must have an IP whitelist (withdrawals)
    params: tuple[Param, ...] = ()
    response: Any = None  # the schema of `data` in a success answer (mock_exchange/schema.py), when declared
    summary: str = ""


def _declare(method: str, path: str, handler: Handler, limit: Limit | None, kw: dict[str, Any]) -> Endpoint:
    if limit is None:  # no documented limit: the default for its kind (docs/rules.md, "Rate limits")
        limit = PRIVATE_DEFAULT if kw.get("private") else PUBLIC_DEFAULT
    return Endpoint(method, path, handler, limit, **kw)


def get(path: str, handler: Handler, limit: Limit | None = None, **kw: Any) -> Endpoint:
    return _declare("GET", path, handler, limit, kw)


def post(path: str, handler: Handler, limit: Limit | None = None, **kw: Any) -> Endpoint:
    return _declare("POST", path, handler, limit, kw)

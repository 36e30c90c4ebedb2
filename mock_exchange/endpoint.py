"""What the router knows of an endpoint: its handler, how it is authenticated, and the shape of its answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .request import ApiRequest
    from .schema import Schema
    from .services import Services

Handler = Callable[["Services", "ApiRequest"], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    private: bool = False
    permission: str = "read"
    whitelist: bool = False  # the key must have an IP whitelist (withdrawals)
    response: Schema | None = None  # the shape of a success answer's `data` (tests and OpenAPI read it)


def get(path: str, handler: Handler, **kw: Any) -> Endpoint:
    return Endpoint("GET", path, handler, **kw)


def post(path: str, handler: Handler, **kw: Any) -> Endpoint:
    return Endpoint("POST", path, handler, **kw)

"""The reference Bitget V2 client: pure signing functions, an httpx.Auth, and sync/async clients that keep
time with the server, stay within the rate limits and raise typed errors."""

from .auth import BitgetAuth
from .client import DEFAULT_BASE_URL, AsyncBitgetClient, BitgetClient
from .core import RetryPolicy
from .errors import (
    AuthenticationError,
    BadParameterError,
    BitgetAPIError,
    BitgetError,
    BitgetTransportError,
    DuplicateClientOidError,
    InsufficientBalanceError,
    OrderNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimestampError,
)
from .pacing import Pacer
from .signing import encode_body, prehash, query_items, sign_hmac, sign_rsa
from .values import as_decimals

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncBitgetClient",
    "AuthenticationError",
    "BadParameterError",
    "BitgetAPIError",
    "BitgetAuth",
    "BitgetClient",
    "BitgetError",
    "BitgetTransportError",
    "DuplicateClientOidError",
    "InsufficientBalanceError",
    "OrderNotFoundError",
    "Pacer",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "TimestampError",
    "as_decimals",
    "encode_body",
    "prehash",
    "query_items",
    "sign_hmac",
    "sign_rsa",
]

"""Rate limits: the table (limits.py), the algorithms and limiters (limiter.py), the storage, the global middleware."""

from .limiter import GlobalLimiter, RateLimited, RateLimiter, build_limiter
from .limits import Limit, LimitTable, load_table, per_ip, per_uid
from .middleware import GlobalLimitMiddleware
from .storage import MemoryStorage, Storage

__all__ = [
    "GlobalLimitMiddleware",
    "GlobalLimiter",
    "Limit",
    "LimitTable",
    "MemoryStorage",
    "RateLimited",
    "RateLimiter",
    "Storage",
    "build_limiter",
    "load_table",
    "per_ip",
    "per_uid",
]

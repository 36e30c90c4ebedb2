"""Rate-limit algorithms (moving and fixed window) over a Storage, and the mock's two limiters.

- `EndpointLimiter`: each endpoint counted on its own, keyed by the caller's UID or IP as the table
  (limits.py) says; refused requests consume no quota. Runs in the dispatcher after auth.
- `GlobalLimiter`: every request of an IP counted, refused ones included (docs/rules.md#rate-limits); the request
  that takes the count over the limit is refused and starts a penalty during which everything from
  that IP is refused. Requests refused during the penalty are not counted, so the penalty lasts
  exactly its length (a penalty shorter than the window renews while the window still holds more
  than the limit). Runs as the middleware in middleware.py, before routing and auth.
- `RateLimiter`: both, as `Services.limiter` (`check_endpoint`, `reset`, `snapshot` for the admin API).

Moving window: at most N admitted requests in ANY half-open window (t - W, t]. Fixed window:
wall-aligned slots [k*W, (k+1)*W) of at most N each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Protocol

from ..errors import ERRORS, BitgetError
from .limits import IP, UID, LimitTable, load_table
from .storage import MemoryStorage, Storage

if TYPE_CHECKING:
    from collections.abc import Hashable

    from ..config import Config
    from ..endpoint import Endpoint
    from ..journal import JournalEntry
    from ..request import ApiRequest

REMAIN_HEADER = b"x-mbx-used-remain-limit"
RETRY_HEADER = b"retry-after"
Headers = list[tuple[bytes, bytes]]


class RateLimited(BitgetError):
    """The 429 answer; the dispatcher appends `headers` to the response.

    Code, status and message are the error table's "429" row, taken once: a refusal must cost less
    than serving a request, so this skips BitgetError's message formatting.
    """

    code = "429"
    status, msg = ERRORS["429"]

    def __init__(self, headers: Headers) -> None:  # no super().__init__: see the docstring
        self.headers = headers


def retry_after_value(wait_ms: int) -> bytes:
    """Whole seconds (rounded up, at least 1) for a Retry-After header."""
    return str(max(1, -(-wait_ms // 1000))).encode()


class Window(Protocol):
    name: str

    def hit(self, key: Hashable, now_ms: int, limit: int, window_ms: int,
            always: bool = False) -> tuple[bool, int, int]:
        """(admitted, used after the call, ms until a refused caller can be admitted again)."""
        ...

    def used(self, key: Hashable, now_ms: int, window_ms: int) -> int: ...


class MovingWindow:
    name = "moving"

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def hit(self, key: Hashable, now_ms: int, limit: int, window_ms: int,
            always: bool = False) -> tuple[bool, int, int]:
        admitted, used, oldest = self.storage.acquire_moving(key, now_ms, window_ms, limit, always)
        return admitted, used, 0 if admitted else oldest + window_ms - now_ms

    def used(self, key: Hashable, now_ms: int, window_ms: int) -> int:
        return self.storage.peek_moving(key, now_ms, window_ms)


class FixedWindow:
    name = "fixed"

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def hit(self, key: Hashable, now_ms: int, limit: int, window_ms: int,
            always: bool = False) -> tuple[bool, int, int]:
        slot = now_ms // window_ms
        end = (slot + 1) * window_ms
        admitted, used = self.storage.acquire_counter(key, now_ms, slot, end, limit, always)
        return admitted, used, 0 if admitted else end - now_ms

    def used(self, key: Hashable, now_ms: int, window_ms: int) -> int:
        return self.storage.peek_counter(key, now_ms // window_ms)


ALGORITHMS: dict[str, type[MovingWindow] | type[FixedWindow]] = {"moving": MovingWindow, "fixed": FixedWindow}


class Rule:
    """One endpoint's resolved limit, computed once (never per request)."""

    __slots__ = ("basis", "by_uid", "count", "endpoint", "prefix", "remain", "window_ms")

    def __init__(self, ep: Endpoint, table: LimitTable) -> None:
        limit = table.limit_for(ep.path, ep.limit)
        self.endpoint = ep
        self.count = limit.count
        self.window_ms = limit.window_ms
        self.by_uid = limit.basis == UID and ep.private  # public endpoints have no UID: by IP
        self.basis = UID if self.by_uid else IP
        self.prefix = f"{ep.path} {self.basis}:"  # the journal's bucket name is prefix + uid or ip
        self.remain = [str(n).encode() for n in range(limit.count + 1)]


class EndpointLimiter:
    def __init__(self, table: LimitTable, window: Window, endpoints: Iterable[Endpoint],
                 retry_after: bool = False) -> None:
        self.table = table
        self.window = window
        self.retry_after = retry_after
        self._rules: dict[int, Rule] = {}
        for ep in endpoints:
            self.rule(ep)

    def rule(self, ep: Endpoint) -> Rule:
        rule = self._rules.get(id(ep))
        if rule is None or rule.endpoint is not ep:
            rule = self._rules[id(ep)] = Rule(ep, self.table)
        return rule

    def rules(self) -> list[Rule]:
        return sorted(self._rules.values(), key=lambda r: (r.endpoint.path, r.endpoint.method))

    def check(self, ep: Endpoint, req: ApiRequest, info: JournalEntry | None) -> Headers:
        """Admit (returning the remaining-quota header) or raise RateLimited."""
        rule = self._rules.get(id(ep))
        if rule is None or rule.endpoint is not ep:
            rule = self.rule(ep)
        key = req.key
        ident = key.uid if rule.by_uid and key is not None else req.client_ip
        if info is not None:
            info["bucket"] = rule.prefix + ident
        admitted, used, wait = self.window.hit((ep.path, ident), req.now_ms, rule.count, rule.window_ms)
        if admitted:
            return [(REMAIN_HEADER, rule.remain[rule.count - used])]
        headers = [(REMAIN_HEADER, b"0")]
        if self.retry_after:
            headers.append((RETRY_HEADER, retry_after_value(wait)))
        raise RateLimited(headers)

    def view(self, rule: Rule, ident: str, now_ms: int) -> dict[str, Any]:
        used = min(rule.count, self.window.used((rule.endpoint.path, ident), now_ms, rule.window_ms))
        return {"path": rule.endpoint.path, "method": rule.endpoint.method, "basis": rule.basis,
                "limit": rule.count, "windowMs": rule.window_ms, "used": used, "remaining": rule.count - used}


class GlobalLimiter:
    def __init__(self, window: Window, storage: Storage, limit: int, window_ms: int, penalty_ms: int) -> None:
        self.window = window
        self.storage = storage
        self.limit = limit
        self.window_ms = window_ms
        self.penalty_ms = penalty_ms

    def refused_for(self, ip: str, now_ms: int) -> int | None:
        """None to admit the request; else how long (ms) the IP's penalty still runs."""
        until = self.storage.penalty_until(ip)
        if until is not None and now_ms < until:
            return until - now_ms
        if self.window.hit(ip, now_ms, self.limit, self.window_ms, always=True)[0]:
            return None
        self.storage.set_penalty(ip, now_ms + self.penalty_ms)
        return self.penalty_ms

    def view(self, ip: str, now_ms: int) -> dict[str, Any]:
        used = self.window.used(ip, now_ms, self.window_ms)
        until = self.storage.penalty_until(ip)
        return {"limit": self.limit, "windowMs": self.window_ms, "used": used,
                "remaining": max(0, self.limit - used), "penaltyMs": self.penalty_ms,
                "penaltyUntil": until if until is not None and now_ms < until else None}


class RateLimiter:
    """The endpoint and global limiters over one store: what `Services.limiter` holds."""

    def __init__(self, config: Config, table: LimitTable, endpoints: Iterable[Endpoint],
                 storage: Storage | None = None) -> None:
        algorithm = ALGORITHMS.get(config.limit_algorithm)
        if algorithm is None:
            raise ValueError(f"--limit-algorithm must be one of {', '.join(ALGORITHMS)}")
        if config.global_limit < 0 or config.global_window_ms < 1 or config.global_penalty_seconds < 0:
            raise ValueError("--global-limit and --global-penalty-seconds must be >= 0")
        self.storage = storage if storage is not None else MemoryStorage()
        self.algorithm = config.limit_algorithm
        window = algorithm(self.storage)
        self.endpoint = EndpointLimiter(table, window, endpoints, config.retry_after)
        self.check_endpoint = self.endpoint.check  # bound once: the dispatcher calls it per request
        self.global_limit: GlobalLimiter | None = None
        if config.global_limit > 0:  # --global-limit 0: endpoint limits only
            self.global_limit = GlobalLimiter(window, self.storage, config.global_limit, config.global_window_ms,
                                              config.global_penalty_seconds * 1000)

    def reset(self) -> None:
        self.storage.clear()

    def rewind(self, now_ms: int) -> None:
        """The mock's clock was moved (admin API): entries after `now_ms` are forgotten."""
        self.storage.rewind(now_ms)

    def snapshot(self, now_ms: int, ip: str | None = None, uid: str | None = None) -> dict[str, Any]:
        """The live counters of an IP (global + IP-keyed endpoints) and/or a UID (UID-keyed endpoints)."""
        out: dict[str, Any] = {"algorithm": self.algorithm}
        rows: list[dict[str, Any]] = []
        rules = self.endpoint.rules()
        if ip is not None:
            out["ip"] = ip
            out["global"] = self.global_limit.view(ip, now_ms) if self.global_limit is not None else None
            rows += [self.endpoint.view(r, ip, now_ms) for r in rules if not r.by_uid]
        if uid is not None:
            out["uid"] = uid
            rows += [self.endpoint.view(r, uid, now_ms) for r in rules if r.by_uid]
        out["endpoints"] = rows
        return out


def build_limiter(config: Config, endpoints: Iterable[Endpoint], storage: Storage | None = None) -> RateLimiter | None:
    """The limiter `config` asks for, or None for `--rate-limits off` (no endpoint nor global limit)."""
    table = load_table(config.rate_limits)
    return None if table is None else RateLimiter(config, table, endpoints, storage)

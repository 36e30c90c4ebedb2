"""Client-side pacing: stay under Bitget's per-endpoint and global limits before the server has to say 429.

The client keeps its own copy of the limits (docs/rules.md#rate-limits; doc value where the doc and SDKs
disagree), since it must not import the server. The window is a moving one, the strictest reading: no
more than N requests in ANY window of W ms, so a client paced here passes on the real exchange.

A slot is stamped when the request is sent and re-stamped when its answer arrives: the server saw the
request somewhere in between, so counting it until answer + W keeps the client under the limit whatever
the network delay. Sans-I/O: the pacer only says how long to wait; the caller sleeps.
"""

from __future__ import annotations

from dataclasses import dataclass

SECOND = 1000

# path -> requests per second (per UID for private paths, per IP for public ones; one client is both).
LIMITS: dict[str, int] = {
    "/api/v2/public/time": 20,
    "/api/v2/spot/public/coins": 3,
    "/api/v2/spot/public/symbols": 20,
    "/api/v2/spot/market/tickers": 20,
    "/api/v2/spot/market/orderbook": 20,
    "/api/v2/spot/market/candles": 20,
    "/api/v2/spot/market/fills": 10,
    "/api/v2/spot/market/fills-history": 20,
    "/api/v2/spot/market/history-candles": 20,
    "/api/v2/margin/currencies": 20,
    "/api/v2/spot/account/info": 1,
    "/api/v2/spot/account/assets": 10,
    "/api/v2/spot/account/bills": 10,
    "/api/v2/spot/account/transferRecords": 10,
    "/api/v2/common/trade-rate": 10,
    "/api/v2/spot/trade/place-order": 10,
    "/api/v2/spot/trade/cancel-order": 10,
    "/api/v2/spot/trade/batch-orders": 5,
    "/api/v2/spot/trade/batch-cancel-order": 10,
    "/api/v2/spot/trade/cancel-symbol-order": 10,
    "/api/v2/spot/trade/orderInfo": 20,
    "/api/v2/spot/trade/unfilled-orders": 20,
    "/api/v2/spot/trade/history-orders": 20,
    "/api/v2/spot/trade/fills": 10,
    "/api/v2/spot/trade/place-plan-order": 20,
    "/api/v2/spot/trade/modify-plan-order": 20,
    "/api/v2/spot/trade/cancel-plan-order": 20,
    "/api/v2/spot/trade/batch-cancel-plan-order": 5,
    "/api/v2/spot/trade/current-plan-order": 20,
    "/api/v2/spot/trade/history-plan-order": 20,
    "/api/v2/spot/trade/plan-sub-order": 20,
    "/api/v2/spot/trade/cancel-replace-order": 5,
    "/api/v2/spot/wallet/transfer": 10,
    "/api/v2/spot/wallet/withdrawal": 5,
    "/api/v2/spot/wallet/withdrawal-records": 10,
    "/api/v2/spot/wallet/deposit-address": 10,
    "/api/v2/spot/wallet/deposit-records": 10,
    "/api/v2/mix/market/contracts": 20,
    "/api/v2/mix/market/ticker": 20,
    "/api/v2/mix/market/tickers": 20,
    "/api/v2/mix/market/merge-depth": 20,
    "/api/v2/mix/market/candles": 20,
    "/api/v2/mix/market/history-candles": 20,
    "/api/v2/mix/market/history-index-candles": 20,
    "/api/v2/mix/market/history-mark-candles": 20,
    "/api/v2/mix/market/fills": 20,
    "/api/v2/mix/market/fills-history": 10,
    "/api/v2/mix/market/symbol-price": 20,
    "/api/v2/mix/market/open-interest": 20,
    "/api/v2/mix/market/current-fund-rate": 20,
    "/api/v2/mix/market/history-fund-rate": 20,
    "/api/v2/mix/market/funding-time": 20,
    "/api/v2/mix/market/query-position-lever": 10,
    "/api/v2/mix/account/accounts": 10,
    "/api/v2/mix/account/account": 10,
    "/api/v2/mix/account/bill": 10,
    "/api/v2/mix/account/set-leverage": 5,
    "/api/v2/mix/account/set-margin": 5,
    "/api/v2/mix/account/set-margin-mode": 5,
    "/api/v2/mix/account/set-position-mode": 5,
    "/api/v2/mix/order/place-order": 10,
    "/api/v2/mix/order/batch-place-order": 5,
    "/api/v2/mix/order/cancel-order": 10,
    "/api/v2/mix/order/batch-cancel-orders": 10,
    "/api/v2/mix/order/cancel-all-orders": 10,
    "/api/v2/mix/order/modify-order": 10,
    "/api/v2/mix/order/close-positions": 1,
    "/api/v2/mix/order/detail": 10,
    "/api/v2/mix/order/orders-pending": 10,
    "/api/v2/mix/order/orders-history": 10,
    "/api/v2/mix/order/fills": 10,
    "/api/v2/mix/order/fill-history": 10,
    "/api/v2/mix/order/place-plan-order": 10,
    "/api/v2/mix/order/place-tpsl-order": 10,
    "/api/v2/mix/order/place-pos-tpsl": 10,
    "/api/v2/mix/order/modify-plan-order": 10,
    "/api/v2/mix/order/modify-tpsl-order": 10,
    "/api/v2/mix/order/cancel-plan-order": 10,
    "/api/v2/mix/order/orders-plan-pending": 10,
    "/api/v2/mix/order/orders-plan-history": 10,
    "/api/v2/mix/order/plan-sub-order": 10,
    "/api/v2/mix/position/single-position": 10,
    "/api/v2/mix/position/all-position": 5,
    "/api/v2/mix/position/history-position": 10,
}
DEFAULT_PRIVATE = 10  # per second, for a path missing from the table (docs/rules.md#rate-limits)
DEFAULT_PUBLIC = 20
GLOBAL_LIMIT = (6000, 60 * SECOND)  # per IP, every path


def is_public(path: str) -> bool:
    """Whether Bitget serves `path` without authentication (market data and reference data)."""
    return "/public/" in path or "/market/" in path or path == "/api/v2/margin/currencies"


class _Slot:
    __slots__ = ("t",)

    def __init__(self, t: int) -> None:
        self.t = t


class _Window:
    """At most `limit` slots in any half-open window (t - span, t]."""

    def __init__(self, limit: int, span_ms: int) -> None:
        self.limit = limit
        self.span = span_ms
        self.slots: list[_Slot] = []

    def wait_ms(self, now: int) -> int:
        self.slots = [s for s in self.slots if s.t > now - self.span]
        for slot in self.slots:  # a clock stepped backwards must not stall the client for longer than a window
            slot.t = min(slot.t, now)
        excess = len(self.slots) - self.limit
        if excess < 0:
            return 0
        oldest = sorted(s.t for s in self.slots)[excess]  # once it leaves the window, there is room
        return max(1, oldest + self.span - now)


@dataclass
class Ticket:
    """The slot one request holds (in its endpoint's window and the global one); `done()` re-stamps it
    with the time the answer arrived."""

    slot: _Slot

    def done(self, now: int) -> None:
        self.slot.t = max(self.slot.t, now)


class Pacer:
    """Moving-window pacer over the per-endpoint table plus the global per-IP limit.

    Share one Pacer between clients that share a UID or an IP. `limits` overrides rows of LIMITS.
    """

    def __init__(self, limits: dict[str, int] | None = None, *, global_limit: tuple[int, int] | None = GLOBAL_LIMIT,
                 window_ms: int = SECOND) -> None:
        self.limits = {**LIMITS, **(limits or {})}
        self.window_ms = window_ms
        self._windows: dict[str, _Window] = {}
        self._global = _Window(*global_limit) if global_limit is not None else None

    def limit_for(self, path: str) -> int:
        return self.limits.get(path, DEFAULT_PUBLIC if is_public(path) else DEFAULT_PRIVATE)

    def _window(self, path: str) -> _Window:
        window = self._windows.get(path)
        if window is None:
            window = self._windows[path] = _Window(self.limit_for(path), self.window_ms)
        return window

    def wait_ms(self, path: str, now: int) -> int:
        """How long to wait before a request to `path` may be sent at `now` (0: send now)."""
        wait = self._window(path).wait_ms(now)
        if self._global is not None:
            wait = max(wait, self._global.wait_ms(now))
        return wait

    def take(self, path: str, now: int) -> Ticket:
        """Record a request to `path` sent at `now` (call when `wait_ms` said 0)."""
        slot = _Slot(now)
        self._window(path).slots.append(slot)
        if self._global is not None:
            self._global.slots.append(slot)
        return Ticket(slot)

"""Where rate-limit counters live: the Storage interface the algorithms use, and the in-memory store.

Each operation on one key is atomic (one call, no await inside), so a shared store can implement
the same interface later (Redis: a Lua script per operation, keys with a TTL of their window) and
several server processes then share one set of counters without touching the algorithms.

Time is always passed in (`now_ms` from the server's injectable clock); nothing here reads a clock.
Times may come out of order (a request that read the clock before its body arrived is admitted after
a later one): an entry is recorded at max(now, the key's newest entry), so each log stays in order, an
entry is only ever forgotten once its own window has ended, and at most `limit` entries lie in any
window. Only an explicit `rewind` (the mock's clock set back) forgets entries "from the future".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Hashable

# The memory store sweeps idle keys when it has grown to twice its size after the last sweep (and
# at least this many keys): the sweep's cost, O(keys), is spread over the inserts that caused it.
MIN_SWEEP_KEYS = 1024


class Storage(ABC):
    """Counters for moving windows (timestamp logs), fixed windows (slot counters) and penalties."""

    @abstractmethod
    def acquire_moving(self, key: Hashable, now_ms: int, window_ms: int, limit: int,
                       always: bool = False) -> tuple[bool, int, int]:
        """Count `key`'s entries in the half-open window (at - window, at], where `at` is the later of
        `now` and the key's newest entry; add one at `at` when that keeps the count within `limit`
        (or in any case, with `always`).

        Returns (admitted, used, oldest): admitted means used <= limit after the call; used counts
        the window's entries after the call; oldest is the timestamp of the window's oldest entry
        (when it leaves, a slot frees), or `at` for an empty window.
        """

    @abstractmethod
    def peek_moving(self, key: Hashable, now_ms: int, window_ms: int) -> int:
        """How many entries `key` has after now - window, changing nothing the caller can see."""

    @abstractmethod
    def acquire_counter(self, key: Hashable, now_ms: int, slot: int, expires_ms: int, limit: int,
                        always: bool = False) -> tuple[bool, int]:
        """Fixed window (`now_ms` falls in `slot`): add one to `key`'s counter for `slot` (a new slot
        starts at 0; a slot older than the counter's counts in the counter's) when that keeps it
        within `limit` (or in any case, with `always`). Returns (admitted, count after the call).
        `expires_ms` is when the slot ends: the store may forget the counter from then on."""

    @abstractmethod
    def peek_counter(self, key: Hashable, slot: int) -> int:
        """`key`'s count in `slot` (0 when it has none)."""

    @abstractmethod
    def penalty_until(self, key: Hashable) -> int | None:
        """When `key`'s penalty ends (ms), or None when it has none."""

    @abstractmethod
    def set_penalty(self, key: Hashable, until_ms: int) -> None: ...

    @abstractmethod
    def rewind(self, now_ms: int) -> None:
        """The clock was set back to `now_ms`: forget entries and slots after it (else they would
        hold their windows until the clock caught up with them)."""

    @abstractmethod
    def clear(self) -> None:
        """Forget every counter and penalty."""


class _Log:
    """A moving window's entries, run-length encoded: requests in the same ms share one entry."""

    __slots__ = ("counts", "expires", "times", "total")

    def __init__(self) -> None:
        self.times: deque[int] = deque()
        self.counts: deque[int] = deque()
        self.total = 0
        self.expires = 0


class _Counter:
    __slots__ = ("count", "expires", "since", "slot")

    def __init__(self, slot: int, expires: int, since: int) -> None:
        self.slot = slot
        self.count = 0
        self.expires = expires
        self.since = since  # the earliest time counted in this slot (a rewind before it drops the slot)


class MemoryStorage(Storage):
    """Counters in this process's memory. Memory stays bounded: a log never holds entries older than
    its window (trimmed on access), and keys whose entries have all expired are swept out, amortised
    over the inserts of new keys."""

    def __init__(self) -> None:
        self._logs: dict[Hashable, _Log] = {}
        self._counters: dict[Hashable, _Counter] = {}
        self._penalties: dict[Hashable, int] = {}
        self._sweep_at = MIN_SWEEP_KEYS

    def __len__(self) -> int:
        return len(self._logs) + len(self._counters) + len(self._penalties)

    # -- moving window ------------------------------------------------------------------
    def _new_log(self, key: Hashable, now_ms: int) -> _Log:
        if len(self._logs) + len(self._counters) >= self._sweep_at:
            self.sweep(now_ms)
        log = self._logs[key] = _Log()
        return log

    @staticmethod
    def _trim(log: _Log, now_ms: int, window_ms: int) -> None:
        times, counts = log.times, log.counts
        cutoff = now_ms - window_ms
        while times and times[0] <= cutoff:
            times.popleft()
            log.total -= counts.popleft()

    def acquire_moving(self, key: Hashable, now_ms: int, window_ms: int, limit: int,
                       always: bool = False) -> tuple[bool, int, int]:
        log = self._logs.get(key)
        if log is None:
            log = self._new_log(key, now_ms)
        times, counts = log.times, log.counts
        used = log.total
        if times:  # _trim, inlined: this runs on every request
            if times[-1] > now_ms:  # out of order: recorded at the newest entry, see the module doc
                now_ms = times[-1]
            cutoff = now_ms - window_ms
            while times and times[0] <= cutoff:
                times.popleft()
                used -= counts.popleft()
            log.total = used
        admitted = used < limit
        if admitted or always:
            if times and times[-1] == now_ms:
                counts[-1] += 1
            else:
                times.append(now_ms)
                counts.append(1)
            used += 1
            log.total = used
            log.expires = now_ms + window_ms
        return admitted, used, times[0] if times else now_ms

    def peek_moving(self, key: Hashable, now_ms: int, window_ms: int) -> int:
        log = self._logs.get(key)
        if log is None:
            return 0
        self._trim(log, now_ms, window_ms)
        return log.total

    # -- fixed window -------------------------------------------------------------------
    def acquire_counter(self, key: Hashable, now_ms: int, slot: int, expires_ms: int, limit: int,
                        always: bool = False) -> tuple[bool, int]:
        counter = self._counters.get(key)
        if counter is None:
            if len(self._logs) + len(self._counters) >= self._sweep_at:
                self.sweep(now_ms)
            counter = self._counters[key] = _Counter(slot, expires_ms, now_ms)
        elif counter.slot != slot:
            if counter.slot < slot:
                counter.slot, counter.count, counter.expires, counter.since = slot, 0, expires_ms, now_ms
            # else times out of order: a request of an older slot counts in the counter's newer one
        elif now_ms < counter.since:
            counter.since = now_ms
        admitted = counter.count < limit
        if admitted or always:
            counter.count += 1
        return admitted, counter.count

    def peek_counter(self, key: Hashable, slot: int) -> int:
        counter = self._counters.get(key)
        return counter.count if counter is not None and counter.slot == slot else 0

    # -- penalties ----------------------------------------------------------------------
    def penalty_until(self, key: Hashable) -> int | None:
        return self._penalties.get(key)

    def set_penalty(self, key: Hashable, until_ms: int) -> None:
        self._penalties[key] = until_ms

    # -- housekeeping -------------------------------------------------------------------
    def rewind(self, now_ms: int) -> None:
        for log in self._logs.values():
            while log.times and log.times[-1] > now_ms:
                log.times.pop()
                log.total -= log.counts.pop()
        self._counters = {k: v for k, v in self._counters.items() if v.since <= now_ms}

    def sweep(self, now_ms: int) -> None:
        """Drop every key whose window (or slot, or penalty) has ended by `now_ms`."""
        self._logs = {k: v for k, v in self._logs.items() if v.expires > now_ms}
        self._counters = {k: v for k, v in self._counters.items() if v.expires > now_ms}
        self._penalties = {k: v for k, v in self._penalties.items() if v > now_ms}
        self._sweep_at = max(MIN_SWEEP_KEYS, 2 * (len(self._logs) + len(self._counters)))

    def clear(self) -> None:
        self._logs.clear()
        self._counters.clear()
        self._penalties.clear()
        self._sweep_at = MIN_SWEEP_KEYS

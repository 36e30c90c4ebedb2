"""Injectable clocks: the only place in the server that may read the wall clock."""

from __future__ import annotations

import time
from typing import Callable, Protocol

from .store.recorder import mutation


def wall_ms() -> int:
    """Milliseconds since the epoch from the operating system."""
    return time.time_ns() // 1_000_000


class Clock(Protocol):
    def now_ms(self) -> int: ...


class SystemClock:
    """Wall-clock time, optionally shifted by a fixed offset."""

    def __init__(self, source: Callable[[], int] = wall_ms, offset_ms: int = 0) -> None:
        self._source = source
        self.offset_ms = offset_ms

    def now_ms(self) -> int:
        return self._source() + self.offset_ms


class ManualClock:
    """A virtual clock that only moves when told to."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self._now = int(start_ms)

    def now_ms(self) -> int:
        return self._now

    def set(self, ms: int) -> int:
        self._now = int(ms)
        return self._now

    def advance(self, ms: int) -> int:
        self._now += int(ms)
        return self._now


class ExchangeClock:
    """The server's clock: system time (plus an offset) until someone sets or advances it, virtual from then on.

    `POST /_mock/clock` on a server started with the system clock switches it to a manual clock
    that starts at the current time, so tests can freeze a running sandbox; `set_offset` goes back to
    following system time, shifted (a server whose clock runs 45 s ahead of its clients).
    """

    def __init__(self, base: Clock | None = None, manual: bool = False, start_ms: int | None = None) -> None:
        base = base if base is not None else SystemClock()
        self._base: Clock = base
        # plain wall time (no injected source): read inline, as it is on every request
        self._system = base if type(base) is SystemClock and base._source is wall_ms else None
        self.offset_ms = 0
        self._manual: ManualClock | None = None
        if manual:
            self._manual = ManualClock(start_ms if start_ms is not None else self._base.now_ms())

    @property
    def is_manual(self) -> bool:
        return self._manual is not None

    def now_ms(self) -> int:
        manual = self._manual
        if manual is not None:
            return manual._now
        system = self._system
        if system is not None:  # the common case, read without the two calls it wraps (every request)
            return time.time_ns() // 1_000_000 + system.offset_ms + self.offset_ms
        return self._base.now_ms() + self.offset_ms

    def set_offset(self, ms: int) -> int:
        """Follow system time again, `ms` ahead of it (behind when negative)."""
        return self.restore(None, int(ms))

    def set(self, ms: int) -> int:
        return self.restore(int(ms), self.offset_ms)

    def advance(self, ms: int) -> int:
        return self.restore(self.now_ms() + int(ms), self.offset_ms)

    def saved(self) -> tuple[int | None, int]:
        """(the virtual time, or None when following system time; the offset): what `restore` takes."""
        return (self._manual._now if self._manual is not None else None), self.offset_ms

    @mutation
    def restore(self, manual_ms: int | None, offset_ms: int) -> int:
        """Frozen at `manual_ms` (None: follow system time), `offset_ms` ahead of it when following it.
        Every move of the clock ends here with its outcome, so a replay needs no system time."""
        self.offset_ms = offset_ms
        if manual_ms is None:
            self._manual = None
        elif self._manual is None:
            self._manual = ManualClock(manual_ms)
        else:
            self._manual.set(manual_ms)
        return self.now_ms()

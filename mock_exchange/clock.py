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
        # wall_ms inline for the common source: every request reads the clock, one frame less each time
        source = self._source
        return (time.time_ns() // 1_000_000 if source is wall_ms else source()) + self.offset_ms


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

    now_ms: Callable[[], int]  # bound to the clock in force: one call per read, on every request

    def __init__(self, base: Clock | None = None, manual: bool = False, start_ms: int | None = None) -> None:
        self._base: Clock = base if base is not None else SystemClock()
        self.offset_ms = 0
        self._manual: ManualClock | None = None
        if manual:
            self._manual = ManualClock(start_ms if start_ms is not None else self._base.now_ms())
        self._rebind()

    def _rebind(self) -> None:
        """Point `now_ms` at the clock in force, so a read costs no dispatch on which one it is."""
        if self._manual is not None:
            self.now_ms = self._manual.now_ms
        elif self.offset_ms == 0:
            self.now_ms = self._base.now_ms  # a SystemClock's own offset, even one set later, still counts
        else:
            base_now, offset = self._base.now_ms, self.offset_ms
            self.now_ms = lambda: base_now() + offset

    @property
    def is_manual(self) -> bool:
        return self._manual is not None

    def set_offset(self, ms: int) -> int:
        """Follow system time again, `ms` ahead of it (behind when negative)."""
        return self.restore(None, int(ms))

    def set(self, ms: int) -> int:
        return self.restore(int(ms), self.offset_ms)

    def advance(self, ms: int) -> int:
        return self.restore(self.now_ms() + int(ms), self.offset_ms)

    def saved(self) -> tuple[int | None, int]:
        """(the virtual time, or None when following system time; the offset): what `restore` takes."""
        return (self._manual.now_ms() if self._manual is not None else None), self.offset_ms

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
        self._rebind()
        return self.now_ms()

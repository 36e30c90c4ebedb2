"""Socket faults set through the admin API: delay or reorder pushes, skip book updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import invalid


@dataclass
class SocketFaults:
    delay_ms: int = 0  # every push waits this long on the server's clock before it is sent
    reorder: bool = False  # pushes go out pairwise swapped: each one is held until the next is sent
    skip_books: int = 0  # the next N `books` deltas are not sent (a client's checksum then fails)

    def view(self) -> dict[str, Any]:
        return {"delayMs": self.delay_ms, "reorder": self.reorder, "skipBookUpdates": self.skip_books}

    def update(self, body: dict[str, Any]) -> None:
        """Apply `{"delayMs"?, "reorder"?, "skipBookUpdates"?}`; anything invalid changes nothing."""
        known = {"delayMs", "reorder", "skipBookUpdates"}
        if not body or not set(body) <= known:
            raise invalid(next(iter(set(body) - known), "delayMs"))
        delay = body.get("delayMs", self.delay_ms)
        skip = body.get("skipBookUpdates", self.skip_books)
        reorder = body.get("reorder", self.reorder)
        for name, value in (("delayMs", delay), ("skipBookUpdates", skip)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 86_400_000:
                raise invalid(name)
        if not isinstance(reorder, bool):
            raise invalid("reorder")
        self.delay_ms, self.skip_books, self.reorder = delay, skip, reorder

    def clear(self) -> None:
        self.delay_ms, self.reorder, self.skip_books = 0, False, 0

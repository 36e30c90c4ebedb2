"""Progress of a long run on stderr: a bar redrawn in place on a terminal, plain lines otherwise (CI logs)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    """`update(done, failures, phase)` as the run goes, `finish()` at the end."""

    def __init__(self, total: int, what: str, stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.total = max(1, total)
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self._drawn = 0.0
        self._next = 0.0  # plain mode: the count at which to print the next line (every tenth of the total)
        self._phase = ""

    def _text(self, done: int, failures: int, phase: str) -> str:
        failed = f", {failures} distinct failure{'s' if failures != 1 else ''}" if failures else ""
        return f"{min(done, self.total)}/{self.total} {self.what}{failed}{f' ({phase})' if phase else ''}"

    def update(self, done: int, failures: int = 0, phase: str = "") -> None:
        text = self._text(done, failures, phase)
        if self.interactive:
            now = time.monotonic()  # repaint at most 10 times a second
            if now - self._drawn < 0.1 and done < self.total:
                return
            self._drawn = now
            filled = WIDTH * min(done, self.total) // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {text}\x1b[K")
            self.stream.flush()
        elif done >= self._next or phase != self._phase:
            self.stream.write(f"{text}\n")
            self.stream.flush()
            self._next = (done * 10 // self.total + 1) * self.total / 10
        self._phase = phase

    def finish(self, done: int, failures: int = 0) -> None:
        text = self._text(done, failures, "done")
        self.stream.write((f"\r{text}\x1b[K\n") if self.interactive else f"{text}\n")
        self.stream.flush()

"""What a check is (an id, a title, a severity, a function of the context) and what it concludes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ..evidence import Evidence

if TYPE_CHECKING:
    from ..context import Context


class Severity(StrEnum):
    CRITICAL = "critical"  # the client cannot be trusted with money
    MAJOR = "major"  # the client breaks in ordinary conditions
    MINOR = "minor"  # a weakness that bites rarely

    @property
    def blocking(self) -> bool:
        """Whether a failure of this severity fails the run (exit code 1)."""
        return self is not Severity.MINOR


class Status(StrEnum):
    PASS = "pass"  # noqa: S105  (a verdict, not a password)
    FAIL = "fail"
    SKIP = "skip"  # only when the adapter declares that its client lacks an operation
    ERROR = "error"  # the harness or the mock could not run the check: nothing is known about the client


class CheckFailed(Exception):
    """Raised inside a check: the client did something wrong (the message says what)."""


CheckFunction = Callable[["Context"], None]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: Severity
    function: CheckFunction = field(repr=False, compare=False)

    @property
    def category(self) -> str:
        """SIGN, TIME, RATE, ... from the id."""
        return self.id.partition("-")[0]

    @property
    def doc(self) -> str:
        """What the check does and why, from its function's docstring."""
        return " ".join((self.function.__doc__ or "").split())


@dataclass
class Verdict:
    check: Check
    status: Status
    message: str = ""
    notes: list[str] = field(default_factory=list)  # what was observed, for the report
    seconds: float = 0.0
    evidence: Evidence = field(default_factory=Evidence)  # the requests the mock saw, for the report
    # what the mock accepted but the real exchange is reported to refuse: shown in every report, never a failure
    warnings: list[str] = field(default_factory=list)

    @property
    def blocking_failure(self) -> bool:
        return self.status in (Status.FAIL, Status.ERROR) and self.check.severity.blocking


def check(id: str, title: str, severity: Severity) -> Callable[[CheckFunction], Check]:
    """Decorator: turn `def fn(ctx)` into a Check. The function passes by returning, fails by raising
    CheckFailed (ctx.fail / ctx.expect*), and is skipped when the adapter raises Unsupported."""

    def wrap(fn: CheckFunction) -> Check:
        return Check(id, title, severity, fn)

    return wrap


CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

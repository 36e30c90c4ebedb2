"""Run checks against one adapter and one in-process mock, one fresh adapter and a reset mock per check."""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mock_exchange.clock import Clock
from mock_exchange.journal import JournalEntry

from . import portability
from .adapters.base import Adapter, Credentials, Unsupported
from .checks.base import Check, CheckFailed, Status, Verdict
from .context import AdapterFactory, Context
from .evidence import Evidence, collect, masker
from .mock import KEYS, MockError, MockServer, RemoteMock


@dataclass
class RunResult:
    adapter: str
    verdicts: list[Verdict] = field(default_factory=list)
    seconds: float = 0.0
    properties: dict[str, str] = field(default_factory=dict)  # what was run, for the reports
    command: list[str] = field(default_factory=list)  # the command that reruns the run (the reports add --checks)
    interrupted: bool = False  # Ctrl-C stopped the run: the verdicts are those reached before it

    def count(self, status: Status) -> int:
        return sum(1 for v in self.verdicts if v.status is status)

    @property
    def blocking_failures(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.blocking_failure]

    def exit_code(self, strict: bool = False) -> int:
        """1 when a critical or major check failed or could not run (any failure when `strict`), else 0."""
        if strict:
            return int(any(v.status in (Status.FAIL, Status.ERROR) for v in self.verdicts))
        return int(bool(self.blocking_failures))


def run_check(check: Check, mock: RemoteMock, make_adapter: AdapterFactory, **context: Any) -> Verdict:
    """Reset the mock, run one check with fresh adapters, and turn what happened into a verdict."""
    started = time.perf_counter()
    ctx = Context(mock, make_adapter, **context)
    status, message = Status.PASS, ""
    try:
        mock.reset()
        check.function(ctx)
    except Unsupported as exc:
        status, message = Status.SKIP, f"the adapter does not support {exc}"
    except CheckFailed as exc:
        status, message = Status.FAIL, str(exc)
    except MockError as exc:
        status, message = Status.ERROR, f"the mock could not do what the check needs: {exc}"
    except Exception as exc:
        status, message = Status.FAIL, _unexpected(ctx, exc)
    finally:
        ctx.close()
    keys = {creds.api_key: creds.secret_key for creds, _ in KEYS}
    given = [s for c in (*ctx.given, *(creds for creds, _ in KEYS)) for s in (c.secret_key, c.passphrase)]
    mask = masker([*keys.values(), *given])  # no secret in any report, whatever the client put in its errors
    journal = _journal(mock)
    warnings = list(ctx.warnings)
    if journal is not None and status is not Status.ERROR:
        warnings += portability.warnings(journal, keys)
    return Verdict(check, status, mask(message), [mask(n) for n in ctx.notes], time.perf_counter() - started,
                   evidence=collect(journal, keys, given) if journal is not None else Evidence(),
                   warnings=[mask(w) for w in warnings])


def _journal(mock: RemoteMock) -> list[JournalEntry] | None:
    """What the mock saw during the check, for the evidence and the portability warnings (None when it
    cannot say)."""
    try:
        return mock.journal()
    except MockError:
        return None


def _unexpected(ctx: Context, exc: Exception) -> str:
    """A client call the check expected to succeed raised: typed (the client reported an error) or not."""
    if not ctx.has_adapter:
        return f"the adapter could not be built: {type(exc).__name__}: {exc}"
    category = ctx.classify(exc)
    if category is None:
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
        return f"the client crashed with an untyped {type(exc).__name__}: {exc}\n{tb}"
    return f"the call failed with a {category.value} error: {type(exc).__name__}: {exc}"


class Runner:
    """Runs checks against one adapter class (or factory) on a mock it starts and stops itself, or on the
    mock already running at `base_url`."""

    def __init__(self, adapter: type[Adapter] | AdapterFactory, *, seed: int = 42, fuzz_examples: int = 25,
                 adapter_options: dict[str, Any] | None = None, rate_limits: str = "bitget",
                 clock: Clock | None = None, base_url: str | None = None, admin_token: str | None = None) -> None:
        options = adapter_options or {}
        self.name = getattr(adapter, "name", getattr(adapter, "__name__", "adapter"))
        self.make_adapter: AdapterFactory = partial(_build, adapter, options)
        self.seed = seed
        self.fuzz_examples = fuzz_examples
        self.rate_limits = rate_limits
        self.clock = clock  # the mock's clock (wall time by default); tests share a virtual one with the client
        self.base_url = base_url
        self.admin_token = admin_token

    def mock(self) -> RemoteMock:
        """The mock of a run (not started): the one at `base_url`, or a new in-process one."""
        if self.base_url is not None:
            return RemoteMock(self.base_url, admin_token=self.admin_token)
        return MockServer(seed=self.seed, rate_limits=self.rate_limits, clock=self.clock)

    def run(self, checks: Sequence[Check], on_verdict: Callable[[Verdict], None] | None = None,
            mock: RemoteMock | None = None) -> RunResult:
        """Every check in order on one mock (its own, or a running `mock` to share between runs);
        `on_verdict` sees each verdict as it is reached. Raises MockUnavailable when `base_url` has no
        usable mock."""
        started = time.perf_counter()
        result = RunResult(str(self.name), properties={"seed": str(self.seed),
                                                        "fuzz_examples": str(self.fuzz_examples)})
        with contextlib.ExitStack() as stack:
            if mock is None:
                mock = stack.enter_context(self.mock())
            result.properties["mock_url"] = mock.url
            runnable = _runnable(checks, self.fuzz_examples)
            try:
                for check in runnable:
                    verdict = run_check(check, mock, self.make_adapter, fuzz_examples=self.fuzz_examples,
                                        seed=self.seed)
                    result.verdicts.append(verdict)
                    if on_verdict is not None:
                        on_verdict(verdict)
            except KeyboardInterrupt:
                result.interrupted = True
                result.properties["interrupted"] = f"after {len(result.verdicts)} of {len(runnable)} checks"
        result.seconds = time.perf_counter() - started
        return result

    def probe(self) -> None:
        """Build and close one adapter, so that options its constructor refuses fail before the run
        (as a usage error) rather than in every check; raises AdapterOptionsRefused."""
        try:
            self.make_adapter("http://127.0.0.1:9", Credentials("bg_probe", "probe", "probe")).close()
        except Exception as exc:
            raise AdapterOptionsRefused(f"adapter {self.name!r} cannot be built with these options: "
                                        f"{type(exc).__name__}: {exc}") from exc


class AdapterOptionsRefused(ValueError):
    """The adapter's constructor refused the options given (`--adapter-option`)."""


def _build(adapter: Any, options: dict[str, Any], base_url: str, credentials: Credentials) -> Adapter:
    made = adapter(base_url, credentials, **options)
    if not isinstance(made, Adapter):
        raise TypeError(f"{adapter!r} built {type(made).__name__}, not an Adapter")
    return made


def _runnable(checks: Iterable[Check], fuzz_examples: int) -> list[Check]:
    """The checks to run: the FUZZ ones only when fuzzing is on."""
    return [c for c in checks if c.category != "FUZZ" or fuzz_examples > 0]

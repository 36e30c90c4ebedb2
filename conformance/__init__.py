"""The conformance harness: drives a Bitget client through a catalogue of checks against the mock,
fuzzes it with hypothesis, and reports in JUnit XML, a terminal table and HTML."""

from .adapters import Adapter, Credentials, ErrorCategory, Unsupported, load_adapter
from .checks import CATALOGUE, Check, Severity, Status, Verdict, select
from .runner import Runner, RunResult

__all__ = [
    "CATALOGUE",
    "Adapter",
    "Check",
    "Credentials",
    "ErrorCategory",
    "RunResult",
    "Runner",
    "Severity",
    "Status",
    "Unsupported",
    "Verdict",
    "load_adapter",
    "select",
]

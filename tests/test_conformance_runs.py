"""The catalogue against real clients: the reference client passes it, ccxt shows its known weaknesses,
and deliberately broken adapters fail exactly the checks aimed at what they break."""

from __future__ import annotations

import pytest

from client import RetryPolicy
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import CATALOGUE

from .conformance_support import (
    BlindRetryAdapter,
    FloatAdapter,
    HammeringAdapter,
    LocalTimeAdapter,
    NoLookupAdapter,
    ReorderedQueryAdapter,
    SwallowingAdapter,
    UnpacedAdapter,
    UntypedErrorsAdapter,
    VirtualMock,
    WrongSecretAdapter,
    failed,
    statuses,
)

pytestmark = pytest.mark.long  # the whole catalogue, several adapters


def test_reference_client_passes_the_whole_catalogue(vm: VirtualMock) -> None:
    result = vm.run(ReferenceAdapter, fuzz_examples=8)
    bad = {v.check.id: v.message for v in result.verdicts if v.status.value != "pass"}
    assert bad == {}
    assert [v.check.id for v in result.verdicts] == [c.id for c in CATALOGUE]
    assert result.exit_code(strict=True) == 0
    assert len(CATALOGUE) >= 20 and len({c.id for c in CATALOGUE}) == len(CATALOGUE)


# ccxt 4.5's known weaknesses, each seen by a check: it does not re-sync its clock after 40008 by default,
# maps 43009 to a generic ExchangeError, parses numbers as floats, and takes malformed or truncated
# answers for empty data (or crashes on them with an IndexError, which FUZZ-003 also finds when its
# examples include a malformed ticker).
# Its DEBUG log (logger ccxt.base.exchange) holds every request's headers, ACCESS-PASSPHRASE among them.
CCXT_FINDINGS = {"TIME-002", "ERR-008", "DATA-003", "ROBUST-001", "ROBUST-004", "ROBUST-006", "FUZZ-003",
                 "SECRET-002"}
# Left out of the suite for time: the RATE bursts (ccxt paces in real time, about 1.5 s each; they pass, and
# ci/verdict_stability.py runs them) and the TIME variants that repeat TIME-002's finding.
CCXT_NOT_RUN = {"RATE-001", "RATE-002", "RATE-006", "TIME-003", "TIME-004", "TIME-005"}


def test_ccxt_runs_a_full_session_against_the_mock() -> None:
    pytest.importorskip("ccxt")
    from conformance.adapters.ccxt_adapter import CcxtAdapter
    from conformance.runner import Runner

    result = Runner(CcxtAdapter, fuzz_examples=5).run([c for c in CATALOGUE if c.id not in CCXT_NOT_RUN])
    got = statuses(result)
    session = ("SIGN-001", "SIGN-002", "SIGN-003", "SIGN-004", "SIGN-005", "SIGN-007", "SIGN-008", "ORDER-001",
               "ORDER-002", "ORDER-005", "ERR-001", "ERR-005", "ERR-006", "DATA-001", "DATA-002", "RATE-003",
               "FUT-001", "FUT-002", "FUT-003", "FUT-004", "FUT-005")
    assert {c: got[c] for c in session} == dict.fromkeys(session, "pass")
    assert failed(result) <= CCXT_FINDINGS, {v.check.id: v.message for v in result.verdicts}
    assert {"TIME-002", "DATA-003", "SECRET-002"} <= failed(result)
    assert result.exit_code() == 1


@pytest.mark.parametrize(("adapter", "patterns", "expected"), [
    (WrongSecretAdapter, ["SIGN-001", "SIGN-002", "SIGN-003"], {"SIGN-001", "SIGN-002", "SIGN-003"}),
    (ReorderedQueryAdapter, ["SIGN-001", "SIGN-003", "SIGN-004"], {"SIGN-001", "SIGN-004"}),
    (UntypedErrorsAdapter, ["ERR-001", "ERR-004", "ERR-006"], {"ERR-001", "ERR-004", "ERR-006"}),
    (BlindRetryAdapter, ["ORDER-001", "ORDER-004"], {"ORDER-004"}),
    (FloatAdapter, ["DATA-001", "DATA-003"], {"DATA-003"}),
    (LocalTimeAdapter, ["TIME-001", "TIME-002"], {"TIME-001"}),
    (UnpacedAdapter, ["RATE-*"], {"RATE-001", "RATE-002"}),
    (HammeringAdapter, ["RATE-*"], {"RATE-001", "RATE-002", "RATE-004", "RATE-006"}),
    (SwallowingAdapter, ["ROBUST-003", "ROBUST-004"], {"ROBUST-003", "ROBUST-004"}),
])
def test_a_broken_client_fails_the_checks_aimed_at_its_bug(vm: VirtualMock, adapter: type[ReferenceAdapter],
                                                          patterns: list[str], expected: set[str]) -> None:
    result = vm.run(adapter, patterns)
    assert failed(result) == expected, {v.check.id: v.message for v in result.verdicts}
    assert all(v.message for v in result.verdicts if v.check.id in expected)


def test_a_client_that_only_reacts_to_429s_passes_every_critical_and_major_check(vm: VirtualMock) -> None:
    """The fair policy: not pacing is best practice (minor); backing off after a 429 is what counts."""
    result = vm.run(UnpacedAdapter, fuzz_examples=3)
    assert result.exit_code() == 0, {v.check.id: v.message for v in result.blocking_failures}
    assert failed(result) == {"RATE-001", "RATE-002"}
    assert all(v.check.severity.value == "minor" for v in result.verdicts if v.check.id in failed(result))


def test_crashes_on_broken_answers_fail_the_robustness_checks(vm: VirtualMock) -> None:
    result = vm.run(UntypedErrorsAdapter, ["ROBUST-001", "ROBUST-003"], retry=RetryPolicy(max_attempts=1))
    assert failed(result) == {"ROBUST-001", "ROBUST-003"}
    assert all("UNTYPED" in v.message for v in result.verdicts)


def test_a_missing_operation_skips_only_the_checks_that_need_it(vm: VirtualMock) -> None:
    result = vm.run(NoLookupAdapter, ["SIGN-006", "SIGN-007"])
    assert statuses(result) == {"SIGN-006": "pass", "SIGN-007": "skip"}
    assert "fetch_order_by_client_oid" in result.verdicts[1].message
    assert result.exit_code(strict=True) == 0


def test_a_blocking_failure_gives_exit_code_1_and_a_minor_one_only_when_strict(vm: VirtualMock) -> None:
    minor = vm.run(FloatAdapter, ["DATA-003"])
    assert (minor.exit_code(), minor.exit_code(strict=True)) == (0, 1)
    major = vm.run(WrongSecretAdapter, ["SIGN-003"])
    assert (major.exit_code(), len(major.blocking_failures)) == (1, 1)

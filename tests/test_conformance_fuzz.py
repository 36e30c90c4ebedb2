"""The fuzzer finds a client's crash and a signing bug and shrinks them within budget (the reference
client's clean fuzz run is part of test_conformance_runs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conformance import fuzz
from conformance.adapters.base import Ticker
from conformance.adapters.reference import ReferenceAdapter

from .conformance_support import ReorderedQueryAdapter, VirtualMock, failed


@pytest.fixture(scope="module")
def vm() -> Iterator[VirtualMock]:
    """A mock on virtual time for the whole module."""
    mock = VirtualMock()
    with mock.server:
        yield mock


class CrashOnNonAscii(ReferenceAdapter):
    """Crashes with a bare TypeError on any symbol that is not ASCII."""

    name = "crash-non-ascii"
    calls = 0

    def fetch_ticker(self, symbol: str) -> Ticker:
        type(self).calls += 1
        if not symbol.isascii():
            raise TypeError("cannot handle non-ASCII symbols")
        return super().fetch_ticker(symbol)


def test_the_fuzzer_finds_an_untyped_crash_and_shrinks_it_within_budget(vm: VirtualMock) -> None:
    CrashOnNonAscii.calls = 0
    result = vm.run(CrashOnNonAscii, ["FUZZ-002"], fuzz_examples=60)
    assert failed(result) == {"FUZZ-002"}
    message = result.verdicts[0].message
    assert message.startswith("fetch_ticker(") and "crashed: TypeError: cannot handle non-ASCII" in message
    assert any("replay:" in n and "--seed 42" in n for n in result.verdicts[0].notes)
    assert CrashOnNonAscii.calls <= 60 + fuzz.SHRINK_BUDGET + 1


def test_the_fuzzer_sees_a_signature_the_mock_refuses(vm: VirtualMock) -> None:
    result = vm.run(ReorderedQueryAdapter, ["FUZZ-001"], fuzz_examples=40)
    assert failed(result) == {"FUZZ-001"}
    assert "refused with 40009" in result.verdicts[0].message


def test_fault_rules_drawn_by_the_fuzzer_are_ones_the_mock_accepts() -> None:
    from hypothesis import given, settings

    from mock_exchange.faults import parse_rule

    @settings(max_examples=40)
    @given(fuzz.faults)
    def accepted(rule: dict[str, Any]) -> None:
        assert parse_rule(rule, 1).path == rule["path"]

    accepted()

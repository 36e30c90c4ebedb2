"""The fuzzer finds a client's crash and a signing bug and shrinks them within budget (the reference
client's clean fuzz run is part of test_conformance_runs); `bitget-conformance fuzz` runs operation
sequences, saves each distinct failure shrunk, and `replay` says FIXED or FAILED."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conformance import campaign, fuzz
from conformance.adapters.base import Adapter, Credentials, Ticker
from conformance.adapters.reference import ReferenceAdapter
from conformance.cli import main
from conformance.progress import Progress

from .conformance_support import BlindRetryAdapter, ReorderedQueryAdapter, VirtualMock, failed


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


# -- bitget-conformance fuzz / replay: operation sequences -------------------------------------------------
def _factory(vm: VirtualMock, adapter: type[ReferenceAdapter]) -> Any:
    def make(base_url: str, credentials: Credentials) -> Adapter:
        return adapter(base_url, credentials, clock=vm.time.now_ms, sleep=vm.time.sleep)

    return make


def test_a_sequence_campaign_shrinks_a_signing_bug_to_one_step_and_repeats_with_its_seed(vm: VirtualMock) -> None:
    runs = [campaign.fuzz(vm.server, _factory(vm, ReorderedQueryAdapter), 15, 1, shrink_examples=25)
            for _ in range(2)]
    first, again = runs
    [found] = [f for k, f in first.found.items() if k.startswith("signature:")]
    assert len(found.sequence) == 1 and found.sequence[0].op is not None
    assert "refused with 40009" in found.problem.message
    assert {k: [s.to_json() for s in f.sequence] for k, f in first.found.items()} == \
        {k: [s.to_json() for s in f.sequence] for k, f in again.found.items()}  # the same seed, the same run


def test_a_crash_on_an_odd_symbol_is_its_own_failure(vm: VirtualMock) -> None:
    result = campaign.fuzz(vm.server, _factory(vm, CrashOnNonAscii), 25, 2, shrink_examples=25)
    typed = [f for k, f in result.found.items() if k == "typed:fetch_ticker:TypeError"]
    assert typed and "crashed: TypeError: cannot handle non-ASCII" in typed[0].problem.message
    [step] = [s for s in typed[0].sequence if s.op is not None]
    assert step.op is not None and not str(step.op.args[0]).isascii()


def test_a_lost_answer_re_sent_without_a_client_oid_is_a_doubled_order(vm: VirtualMock) -> None:
    lost = [campaign.Step(fault={"path": "/api/v2/spot/trade/place-order", "kind": "drop", "phase": "after",
                                 "count": 1}),
            campaign.Step(op=fuzz.Op("place_limit_order", ("BTCUSDT", "buy", Decimal("20000"), Decimal("0.001"),
                                                           None)))]
    problem = campaign.execute(vm.server, _factory(vm, BlindRetryAdapter), lost)
    assert problem is not None and problem.prop == "single-order" and "placed 2 orders" in problem.message
    assert campaign.execute(vm.server, _factory(vm, ReferenceAdapter), lost) is None


def test_steps_survive_the_file_they_are_saved_to(tmp_path: Path) -> None:
    from hypothesis import given, settings

    @settings(max_examples=60)
    @given(campaign.sequences)
    def round_trip(sequence: list[campaign.Step]) -> None:
        found = campaign.Found(campaign.Problem("typed", "typed:x:Y", "m"), sequence)
        path = campaign.save(found, tmp_path, "reference", [], 7)
        assert campaign.load(path)["sequence"] == sequence

    round_trip()


def test_fuzz_saves_each_failure_and_replay_says_failed_then_fixed(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "found"
    code = main(["fuzz", "--adapter", "tests.conformance_support:UntypedErrorsAdapter", "--max-examples", "5",
                 "--seed", "1", "--shrink-examples", "5", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert "/5 sequences" in captured.err and "distinct failure" in captured.err  # plain progress lines
    files = sorted(out.glob("typed-*.json"))
    assert files and f"bitget-conformance replay {files[0]}" in captured.out
    assert main(["replay", str(files[0])]) == 1
    assert "FAILED: step " in capsys.readouterr().out
    assert main(["replay", str(files[0]), "--adapter", "reference"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("FIXED: ")


@pytest.mark.parametrize(("content", "says"), [(None, "cannot read"), ("{", "is not JSON"),
                                               ('{"format": "other"}', "is not a failure saved by")])
def test_replay_of_a_bad_file_is_one_line_and_exit_2(tmp_path: Path, content: str | None, says: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "failure.json"
    if content is not None:
        path.write_text(content)
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise() -> None:
    tty, log = io.StringIO(), io.StringIO()
    bar, lines = Progress(20, "sequences", tty, interactive=True), Progress(20, "sequences", log, interactive=False)
    for done in range(1, 21):
        bar.update(done, done // 10)
        lines.update(done, done // 10, "shrinking" if done > 15 else "")
    bar.finish(20, 2)
    lines.finish(20, 2)
    assert tty.getvalue().startswith("\r[") and "[" + "#" * 30 + "] 20/20 sequences" in tty.getvalue()
    assert "\r" not in log.getvalue()
    shown = log.getvalue().splitlines()
    assert 10 <= len(shown) <= 13 and shown[-1] == "20/20 sequences, 2 distinct failures (done)"
    assert any(line.endswith("(shrinking)") for line in shown)

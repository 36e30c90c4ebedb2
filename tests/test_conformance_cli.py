"""`bitget-conformance`: exit codes, reports on disk, adapter lookup, check selection."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.adapters import AdapterNotFound, ErrorCategory, category_for_code, load_adapter
from conformance.adapters.reference import ReferenceAdapter
from conformance.checks import CATALOGUE, NoChecksSelected, select
from conformance.cli import main

from .conformance_support import FloatAdapter

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("argv", [
    ["run", "--adapter", "nope"],
    ["run", "--adapter", "no.such.module:Adapter"],
    ["run", "--adapter", "conformance.adapters.base:Credentials"],
    ["run", "--adapter", "reference", "--checks", "NOPE-*"],
    ["run", "--adapter", "reference", "--adapter-option", "not an option"],
    ["run", "--adapter", "reference", "--fuzz-examples", "-1"],
    ["list", "--checks", "ZZZ-*"],
])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("bitget-conformance: ")


def test_argparse_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run"])  # --adapter is required
    assert exc.value.code == 2


def test_all_passing_run_exits_0_and_writes_both_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, page = tmp_path / "out" / "junit.xml", tmp_path / "report.html"
    code = main(["run", "--adapter", "reference", "--checks", "SIGN-003,ERR-006", "--fuzz-examples", "0",
                 "--report-junit", str(junit), "--report-html", str(page)])
    out = capsys.readouterr().out
    assert code == 0
    assert "SIGN-003" in out and "ERR-006" in out and "2 passed, 0 failed" in out
    cases = [c.get("name", "").split()[0] for c in ET.parse(junit).getroot().iter("testcase")]
    assert cases == ["SIGN-003", "ERR-006"]
    assert "passed" in page.read_text(encoding="utf-8")


def test_a_failed_major_check_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--adapter", "tests.conformance_support:WrongSecretAdapter", "--checks", "SIGN-003",
                 "--quiet", "--fuzz-examples", "0"])
    assert code == 1
    assert "1 critical/major failure" in capsys.readouterr().out


def test_a_failed_minor_check_exits_0_unless_strict() -> None:
    argv = ["run", "--adapter", "tests.conformance_support:FloatAdapter", "--checks", "DATA-003", "--quiet"]
    assert main(argv) == 0
    assert main([*argv, "--strict"]) == 1


def test_list_shows_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [c.id for c in CATALOGUE]


def test_console_script_is_declared_and_the_module_runs() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["bitget-conformance"] == "conformance.cli:main"
    done = subprocess.run([sys.executable, "-m", "conformance.cli", "list", "--checks", "SIGN-00[12]"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and [line.split()[0] for line in done.stdout.splitlines()] == ["SIGN-001", "SIGN-002"]


def test_adapters_are_found_by_name_or_dotted_path() -> None:
    assert load_adapter("reference") is ReferenceAdapter
    assert load_adapter("tests.conformance_support:FloatAdapter") is FloatAdapter
    with pytest.raises(AdapterNotFound, match="module:Class"):
        load_adapter("tests.conformance_support")
    with pytest.raises(AdapterNotFound, match="not a subclass"):
        load_adapter("conformance.adapters.base:NoSuchThing")


def test_check_selection_by_glob_exclusion_and_case() -> None:
    assert [c.id for c in select(["sign-00[12]"])] == ["SIGN-001", "SIGN-002"]
    assert all(c.category != "RATE" for c in select(["!RATE-*"]))
    assert [c.id for c in select(["TIME-*", "!TIME-00[2-5]"])] == ["TIME-001"]
    with pytest.raises(NoChecksSelected):
        select(["!*"])


def test_every_check_has_a_title_a_severity_and_a_docstring() -> None:
    for c in CATALOGUE:
        assert c.title and c.doc and c.category in {"SIGN", "HDR", "SECRET", "TIME", "RATE", "ERR", "ORDER",
                                                    "RETRY", "FUT", "DATA", "ROBUST", "WS", "FUZZ"}


@pytest.mark.parametrize(("code", "status", "category"), [
    ("40009", 400, ErrorCategory.AUTH), ("40014", 400, ErrorCategory.PERMISSION),
    ("429", 429, ErrorCategory.RATE_LIMIT), ("40008", 400, ErrorCategory.TIMESTAMP),
    ("43012", 400, ErrorCategory.INSUFFICIENT_FUNDS), ("43001", 400, ErrorCategory.ORDER_NOT_FOUND),
    ("40034", 400, ErrorCategory.BAD_REQUEST), ("40015", 503, ErrorCategory.TRANSPORT),
    ("99999", 200, ErrorCategory.OTHER), (None, 429, ErrorCategory.RATE_LIMIT),
])
def test_category_for_code(code: str | None, status: int, category: ErrorCategory) -> None:
    assert category_for_code(code, status) is category


def test_the_docs_list_every_check_with_its_severity() -> None:
    doc = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    for c in CATALOGUE:
        assert f"| {c.id} | {c.severity.value} | {c.title} |" in doc

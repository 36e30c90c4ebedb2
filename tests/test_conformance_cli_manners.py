"""`bitget-conformance` manners: a bad option is one usage line, Ctrl-C keeps the partial report and exits
130, --quiet still names failures, and `module:Class` adapters import from the current directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    """The subprocess imports this checkout's packages whatever its working directory."""
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.mark.parametrize("option", ["nonsense=1", "rsa_private_key=not-a-pem", "api_key=1"])
def test_an_option_the_adapter_refuses_is_one_usage_line(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--adapter", "reference", "--adapter-option", option, "--checks", "SIGN-*"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no check ran
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bitget-conformance: adapter 'reference' cannot be built"), lines


def test_quiet_still_names_each_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--adapter", "tests.conformance_support:WrongSecretAdapter", "--checks", "SIGN-00[13],TIME-001",
                 "--quiet", "--fuzz-examples", "0"])
    out = capsys.readouterr().out
    assert code == 1
    assert "SIGN-001" in out and "SIGN-003" in out and "40009" in out
    assert "TIME-001" not in out  # a pass is not listed in quiet mode
    assert "2 failed" in out


def test_ctrl_c_writes_the_partial_report_and_exits_130(tmp_path: Path) -> None:
    junit, page = tmp_path / "junit.xml", tmp_path / "report.html"
    # RATE-001 paces 30 calls at 20/s (about 1.5 s): the interrupt lands inside it
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "run", "--adapter", "reference", "--checks",
         "SIGN-003,RATE-001,RATE-002", "--fuzz-examples", "0", "--report-junit", str(junit),
         "--report-html", str(page)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env())
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("SIGN-003"):
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    # Known, not yet fixed: under heavy load the in-process server's uvicorn sometimes logs "Exception in
    # ASGI application" for the request the interrupt cut off (README "What is not built"). The harness's
    # own output must hold no traceback.
    own = err.split("ERROR:    Exception in ASGI application")[0]
    assert "Traceback" not in own and "KeyboardInterrupt" not in err and "interrupted after 1 of 3 checks" in err
    cases = [c.get("name", "").split()[0] for c in ET.parse(junit).getroot().iter("testcase")]
    assert cases == ["SIGN-003"]
    assert "interrupted" in page.read_text(encoding="utf-8")


def test_a_module_class_adapter_imports_from_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "mybot_adapter.py").write_text(textwrap.dedent("""
        from conformance.adapters.reference import ReferenceAdapter

        class MyAdapter(ReferenceAdapter):
            name = "mybot"
    """), encoding="utf-8")
    script = Path(sys.executable).with_name("bitget-conformance")
    if not script.exists():
        pytest.skip(f"the console script is not installed next to {sys.executable}")
    done = subprocess.run([str(script), "run", "--adapter", "mybot_adapter:MyAdapter", "--checks", "SIGN-003",
                           "--fuzz-examples", "0", "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 checks on adapter 'mybot': 1 passed" in done.stdout


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`bitget-conformance list | head -1`: the pipe closes under the writer."""
    proc = subprocess.Popen([sys.executable, "-c", "from conformance.cli import main; raise SystemExit(main())",
                             "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # as `head` does once it has what it wants: before the list is written
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"Exception ignored" not in err

"""Process adapters: the line-delimited JSON protocol (driven here through a small Python script around the
reference client, tests/process_adapter.py) and the shipped adapter for ccxt's JavaScript build, run with
the machine's Node.js on the npm package installed at test time (skipped only where node or npm is absent)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.adapters import AdapterNotFound, load_adapter
from conformance.checks import select
from conformance.cli import main
from conformance.mock import MockServer
from conformance.runner import Runner, RunResult

from .conformance_support import statuses

SCRIPT = Path(__file__).with_name("process_adapter.py")
NODE, NPM = shutil.which("node"), shutil.which("npm")
CCXT_JS = "ccxt@4.5.84"  # pinned: the verdicts below are this version's


PIPE = f"cmd:{shlex.join([sys.executable, str(SCRIPT)])}"


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def run(mock: MockServer, adapter: str, patterns: str, mode: str | None = None) -> RunResult:
    options = {"mode": mode} if mode else {}
    return Runner(load_adapter(adapter), fuzz_examples=0, adapter_options=options).run(
        select(patterns.split(",")), mock=mock)


def by_id(result: RunResult) -> dict[str, str]:
    return {v.check.id: v.message for v in result.verdicts}


def test_a_client_behind_the_protocol_passes_and_its_errors_keep_their_category(mock: MockServer) -> None:
    result = run(mock, PIPE, "SIGN-001,SIGN-007,ERR-001,ERR-004,ORDER-003,DATA-001,DATA-002")
    assert set(statuses(result).values()) == {"pass"}, [v.message for v in result.verdicts]


def test_an_unsupported_operation_skips_its_checks(mock: MockServer) -> None:
    assert statuses(run(mock, PIPE, "SIGN-007,SIGN-006", "no-lookup")) == {"SIGN-007": "skip", "SIGN-006": "pass"}


def test_an_error_of_no_category_is_a_crash_named_as_the_process_named_it(mock: MockServer) -> None:
    result = run(mock, PIPE, "DATA-001", "crash-ticker")
    assert statuses(result) == {"DATA-001": "fail"}
    assert "crashed with an untyped TypeError: 'NoneType' object is not subscriptable" in result.verdicts[0].message


def test_a_process_that_exits_fails_the_check_with_its_stderr_and_is_restarted(mock: MockServer) -> None:
    result = run(mock, PIPE, "SIGN-003,SIGN-001,SIGN-002", "exit-balance")
    assert statuses(result) == {"SIGN-001": "pass", "SIGN-003": "fail", "SIGN-002": "pass"}
    message = by_id(result)["SIGN-003"]
    assert "exited during fetch_balance, exit code 3" in message and "giving up" in message


def test_stdout_noise_is_a_protocol_error(mock: MockServer) -> None:
    result = run(mock, PIPE, "SIGN-003", "noise")
    assert statuses(result) == {"SIGN-003": "fail"}
    assert "not JSON on stdout (logs belong on stderr): 'DEBUG: answering" in result.verdicts[0].message


@pytest.mark.parametrize(("adapter", "says"), [
    (f"{PIPE} old-protocol", "not protocol 1"),
    ("cmd:/no/such/adapter --flag", "cannot start /no/such/adapter --flag"),
    ("cmd:", "give the command"),
    ("cmd:node 'unbalanced", "No closing quotation"),
])
def test_an_adapter_process_that_cannot_start_is_a_usage_error(adapter: str, says: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(AdapterNotFound, match=says):
        load_adapter(adapter)
    assert main(["run", "--adapter", adapter, "--checks", "SIGN-001"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bitget-conformance: ") and err.count("\n") == 1


# -- ccxt's JavaScript build --------------------------------------------------------------------------
def _ccxt_js() -> Path:
    root = Path(os.environ.get("BITGET_MOCK_NPM_CACHE", Path.home() / ".cache" / "bitget-mock" / "npm")) / CCXT_JS
    if not (root / "node_modules" / "ccxt" / "package.json").exists():
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(NPM), "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(root), CCXT_JS],
                       check=True, timeout=300, capture_output=True)
    return root / "node_modules"


@pytest.mark.skipif(NODE is None or NPM is None, reason="Node.js and npm are not installed")
def test_ccxt_js_from_npm_runs_the_catalogue(mock: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_PATH", str(_ccxt_js()))
    adapter = load_adapter("ccxt-js")
    assert adapter.start()["client"].startswith("ccxt 4.5.84 on node v")  # type: ignore[attr-defined]
    result = run(mock, "ccxt-js", "SIGN-001,SIGN-002,SIGN-004,SIGN-007,TIME-001,TIME-002,ERR-001,ERR-005,ERR-008,"
                                  "ORDER-003,DATA-001,DATA-003,ROBUST-001,ROBUST-003,SECRET-002,RETRY-003")
    assert statuses(result) == {
        "SIGN-001": "pass", "SIGN-002": "pass", "SIGN-004": "pass", "SIGN-007": "pass", "TIME-001": "pass",
        "TIME-002": "fail",  # no clock re-sync after a 40008 with ccxt's defaults
        "ERR-001": "pass", "ERR-005": "pass",
        "ERR-008": "fail",  # 43009 is a generic ExchangeError
        "ORDER-003": "pass", "DATA-001": "pass",
        "DATA-003": "fail",  # numbers are JavaScript doubles
        "ROBUST-001": "fail",  # a malformed ticker answer comes back as an empty ticker
        "ROBUST-003": "pass",
        "SECRET-002": "fail",  # its verbose log prints the ACCESS-PASSPHRASE header
        "RETRY-003": "pass",  # a batch through the optional place_limit_orders
    }, [(v.check.id, v.message) for v in result.verdicts]
    by_id = {v.check.id: v for v in result.verdicts}
    assert "InvalidNonce [timestamp]" in by_id["TIME-002"].message
    assert "98765432109876.55 (float)" in by_id["DATA-003"].message

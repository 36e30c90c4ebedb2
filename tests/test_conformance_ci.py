"""ci/: the helper script really starts a sandbox, runs a command against it, stops it and passes the
exit code on; the workflow and the accounts file are valid."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mock_exchange.server import free_port
from mock_exchange.state.seed import load_accounts_file

CI = Path(__file__).resolve().parent.parent / "ci"
SCRIPT = CI / "run-conformance.sh"
PROBE = """
import json, os, sys, urllib.request
url = os.environ["BITGET_MOCK_URL"]
with urllib.request.urlopen(url + "/api/v2/public/time", timeout=5) as r:
    assert json.load(r)["code"] == "00000"
print("key", os.environ["BITGET_API_KEY"])
sys.exit(int(sys.argv[1]))
"""

pytestmark = [pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash"),
              pytest.mark.long]  # a live sandbox in a subprocess per test


def run_script(tmp_path: Path, *command: str, **env: str) -> tuple[subprocess.CompletedProcess[str], int]:
    port = free_port()
    full_env = {**os.environ, "MOCK_PORT": str(port), "REPORT_DIR": str(tmp_path / "reports"),
                "PYTHON": sys.executable, "MOCK_EXCHANGE": f"{sys.executable} -m mock_exchange.cli",
                "HEALTH_TIMEOUT": "20", **env}
    done = subprocess.run(["bash", str(SCRIPT), *command], capture_output=True, text=True, env=full_env,
                          timeout=60, cwd=tmp_path)
    return done, port


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("status", [0, 5])
def test_the_script_runs_a_command_against_a_live_sandbox_and_passes_its_status_on(tmp_path: Path,
                                                                                   status: int) -> None:
    done, port = run_script(tmp_path, sys.executable, "-c", PROBE, str(status))
    assert done.returncode == status, done.stderr
    assert "key bg_c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1" in done.stdout
    assert f"sandbox healthy at http://127.0.0.1:{port}" in done.stdout
    assert port_is_free(port)  # stopped, whatever the command did
    journal = tmp_path / "reports" / "mock-journal.json"
    assert journal.exists() == (status != 0)
    if status:
        paths = [e["path"] for e in json.loads(journal.read_text(encoding="utf-8"))["entries"]]
        assert "/api/v2/public/time" in paths


def test_a_sandbox_that_cannot_start_fails_fast_with_its_output(tmp_path: Path) -> None:
    done, _ = run_script(tmp_path, "true", MOCK_ACCOUNTS=str(tmp_path / "missing.toml"))
    assert done.returncode == 3
    assert "exited before it was healthy" in done.stderr and "cannot read accounts file" in done.stderr


def test_the_accounts_file_seeds_a_trading_and_a_read_only_key() -> None:
    (account,) = load_accounts_file(CI / "accounts.toml")
    assert account.balances["USDT"] == "100000" and "龙币" in account.balances
    assert [sorted(k.permissions) for k in account.keys] == [["read", "spot_trade", "transfer"], ["read"]]


def test_the_workflow_starts_the_sandbox_waits_runs_the_harness_and_uploads() -> None:
    flow = yaml.safe_load((CI / "github-actions.yml").read_text(encoding="utf-8"))
    (job,) = flow["jobs"].values()
    steps = [s.get("run", "") + s.get("uses", "") for s in job["steps"]]
    order = ["actions/checkout", "actions/setup-python", "pip install",
             "mock-exchange serve --accounts ci/accounts.toml", "/_mock/health", "bitget-conformance run --adapter",
             "actions/upload-artifact"]
    found = [next(i for i, s in enumerate(steps) if needle in s) for needle in order]
    assert found == sorted(found)
    assert "--report-junit" in steps[found[5]]
    key = load_accounts_file(CI / "accounts.toml")[0].keys[0]
    env = next(s["env"] for s in job["steps"] if "BITGET_API_KEY" in s.get("env", {}))
    assert (env["BITGET_API_KEY"], env["BITGET_SECRET_KEY"], env["BITGET_PASSPHRASE"]) == \
        (key.api_key, key.secret, key.passphrase)

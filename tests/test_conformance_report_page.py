"""The report to debug from, on a real run of a client that signs one query order and sends another:
the HTML page (verdict and families first; the failure's requests as the mock saw them, secrets masked;
both prehashes; a replay command that works as printed, run here; a rate timeline) drawn by headless
Chromium without a console message, and the JSON report for machines."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.mock import KEYS
from conformance.report_json import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECRETS = [s for creds, _ in KEYS for s in (creds.secret_key, creds.passphrase)]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any], str]]:
    out = tmp_path_factory.mktemp("report")
    page, machine = out / "report.html", out / "report.json"
    code = main(["run", "--adapter", "tests.conformance_support:ReorderedQueryAdapter", "--checks",
                 "SIGN-001,SIGN-003,RATE-004", "--fuzz-examples", "0", "--quiet",
                 "--report-html", str(page), "--report-json", str(machine)])
    assert code == 1
    yield page, json.loads(machine.read_text(encoding="utf-8")), page.read_text(encoding="utf-8")


def test_the_page_opens_with_the_verdict_and_a_summary_per_family(reports: tuple[Path, dict[str, Any], str]) -> None:
    _, _, page = reports
    head = page[:page.index("<h2>Failures")]
    assert "FAILED: <code>reordered-query</code>, 1 critical/major failure(s)" in head
    assert '<td><b>SIGN</b></td><td>2</td><td>1</td><td>1</td>' in head and 'href="#SIGN-001"' in head
    assert '<td><b>RATE</b></td><td>1</td><td>1</td><td>0</td>' in head


def test_a_failure_shows_its_requests_both_prehashes_and_no_secret(reports: tuple[Path, dict[str, Any], str]) -> None:
    _, report, page = reports
    failure = page[page.index('<article class="failure critical status-fail" id="SIGN-001">'):]
    failure = failure[:failure.index("</article>")]
    row = "/api/v2/spot/trade/unfilled-orders</td><td>symbol=BTCUSDT&amp;limit=100</td><td>400</td><td>40009"
    assert row in failure
    assert "access-passphrase: ***" in failure and "access-sign: " in failure
    assert "{&quot;code&quot;:&quot;40009&quot;,&quot;msg&quot;:&quot;sign signature error&quot;" in failure
    assert "the server computed</th><td><code>" in failure
    assert "the client signed the query&#x27;s keys sorted" in failure
    [refused] = report["checks"][0]["refusedSignatures"]
    assert refused["serverPrehash"].endswith("GET/api/v2/spot/trade/unfilled-orders?symbol=BTCUSDT&limit=100")
    assert refused["clientPrehash"].endswith("GET/api/v2/spot/trade/unfilled-orders?limit=100&symbol=BTCUSDT")
    assert refused["serverPrehash"][:13] == refused["clientPrehash"][:13]  # the same ACCESS-TIMESTAMP
    text = json.dumps(report)
    assert not [s for s in SECRETS if s in page or s in text]


def test_a_rate_limited_endpoint_gets_a_timeline_with_its_429(reports: tuple[Path, dict[str, Any], str]) -> None:
    _, report, page = reports
    rate = next(c for c in report["checks"] if c["id"] == "RATE-004")
    [line] = rate["timelines"]
    assert line["path"] == "/api/v2/spot/market/tickers" and line["limit"] == {"count": 20, "windowMs": 1000,
                                                                               "basis": "ip"}
    assert [p["refused"] for p in line["points"]] == [True, False]  # the injected 429, then the retry
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"') == 1
    assert '<circle class="refused"' in page and 'class="limit"' in page


def test_the_json_report_follows_its_schema(reports: tuple[Path, dict[str, Any], str]) -> None:
    _, report, _ = reports
    assert report["schema"] == SCHEMA and report["verdict"] == "failed" and report["exitCode"] == 1
    assert [c["id"] for c in report["checks"]] == ["SIGN-001", "SIGN-003", "RATE-004"]
    first = report["checks"][0]
    assert {"status": first["status"], "severity": first["severity"], "blocking": first["blocking"]} == \
        {"status": "fail", "severity": "critical", "blocking": True}
    assert first["requests"][0]["query"] == "symbol=BTCUSDT&limit=100" and first["requests"][0]["code"] == "40009"
    assert [f["family"] for f in report["families"]] == ["SIGN", "RATE"]


def test_the_replay_command_works_as_printed(reports: tuple[Path, dict[str, Any], str]) -> None:
    _, report, page = reports
    printed = report["checks"][0]["replay"]
    assert printed in page.replace("&#x27;", "'")
    argv = shlex.split(printed)
    assert argv[:2] == ["bitget-conformance", "run"] and argv[-2:] == ["--checks", "SIGN-001"]
    script = Path(sys.executable).with_name("bitget-conformance")  # the console script of this environment
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the adapter lives in this repository's tests package
    done = subprocess.run([str(script), *argv[1:]], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 1, done.stderr
    assert "SIGN-001    critical FAIL" in done.stdout and "1 checks on adapter 'reordered-query'" in done.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_headless_chromium_draws_the_page_without_a_console_message(reports: tuple[Path, dict[str, Any], str],
                                                                    tmp_path: Path) -> None:
    page, _, _ = reports
    done = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
                           "--window-size=1280,2000", "--dump-dom", page.as_uri() + "#SIGN-001"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # no script error, and nothing the page's CSP refused to load
    dom = done.stdout
    assert 'data-failures="1"' in dom and 'data-charts-drawn="1"' in dom  # the script ran after layout
    failure = dom[dom.index('id="SIGN-001"'):]
    assert "<details open=" in failure  # the failure linked from the URL is opened
    assert "the client signed the query's keys sorted" in failure and "symbol=BTCUSDT&amp;limit=100" in failure

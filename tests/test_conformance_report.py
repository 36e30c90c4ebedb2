"""The reports: JUnit XML that parses (whatever the messages hold), the terminal rows, the HTML page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from conformance.checks.base import CRITICAL, MAJOR, MINOR, Check, Status, Verdict
from conformance.report import junit_xml, summary, table_head, verdict_line
from conformance.report_html import html_report
from conformance.runner import RunResult


def _noop(ctx: object) -> None:
    return None


def make_result(message: str = "the mock refused it <&> \"quoted\"") -> RunResult:
    checks = [Check("SIGN-001", "A signed GET verifies", CRITICAL, _noop),
              Check("RATE-001", "A burst stays under the limit", MAJOR, _noop),
              Check("DATA-003", "Exact balances", MINOR, _noop),
              Check("SIGN-007", "Lookup by clientOid", MAJOR, _noop),
              Check("ROBUST-001", "Malformed body", MAJOR, _noop)]
    verdicts = [Verdict(checks[0], Status.PASS, notes=["GET /x query as sent: 'a=1&b=2'"], seconds=0.05),
                Verdict(checks[1], Status.FAIL, message + "\nsecond line", ["30 calls -> 31 requests"], 1.5),
                Verdict(checks[2], Status.FAIL, "available USDT is 1.0 (float)", seconds=0.1),
                Verdict(checks[3], Status.SKIP, "the adapter does not support fetch_order_by_client_oid"),
                Verdict(checks[4], Status.ERROR, "the mock could not do what the check needs")]
    return RunResult("my-sdk", verdicts, 1.65, {"seed": "42", "mock_url": "http://127.0.0.1:1"})


def test_junit_xml_parses_and_counts_every_outcome() -> None:
    root = ET.fromstring(junit_xml(make_result()))
    assert root.tag == "testsuites"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": "5", "failures": "2", "errors": "1", "skipped": "1"}
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "bitget-conformance.my-sdk"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["adapter"] == "my-sdk" and props["seed"] == "42"
    cases = {c.get("name", "").split()[0]: c for c in suite.iter("testcase")}
    assert list(cases) == ["SIGN-001", "RATE-001", "DATA-003", "SIGN-007", "ROBUST-001"]
    assert cases["SIGN-001"].get("classname") == "conformance.SIGN"
    failure = cases["RATE-001"].find("failure")
    assert failure is not None and failure.get("type") == "major"
    assert failure.get("message") == 'the mock refused it <&> "quoted"'  # first line only, escaped and read back
    assert "30 calls -> 31 requests" in (failure.text or "")
    minor = cases["DATA-003"].find("failure")
    assert minor is not None and minor.get("type") == "minor"
    assert cases["SIGN-007"].find("skipped") is not None
    assert cases["ROBUST-001"].find("error") is not None
    assert cases["SIGN-001"].find("failure") is None and cases["SIGN-001"].find("system-out") is not None


@given(st.text(max_size=40))
def test_junit_xml_parses_whatever_a_message_contains(message: str) -> None:
    root = ET.fromstring(junit_xml(make_result(message)))
    assert root.get("failures") == "2"


def test_terminal_rows_show_status_and_the_reason_of_a_failure() -> None:
    result = make_result()
    rows = [verdict_line(v) for v in result.verdicts]
    assert rows[0].startswith("SIGN-001    critical PASS") and "\n" not in rows[0]
    assert "FAIL" in rows[1] and "-> the mock refused it" in rows[1] and "second line" not in rows[1]
    assert "skip" in rows[3] and "ERROR" in rows[4]
    assert all(len(line) <= 120 for row in rows for line in row.splitlines())
    assert table_head().splitlines()[0].startswith("check")
    assert summary(result).startswith("5 checks on adapter 'my-sdk': 1 passed, 2 failed, 1 errors, 1 skipped; 2 ")


def test_html_report_is_one_escaped_page() -> None:
    page = html_report(make_result("<script>alert(1)</script>"))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "FAILED" in page and "RATE-001" in page and "<style>" in page
    assert "<link" not in page and "src=" not in page  # self-contained: nothing loaded from elsewhere

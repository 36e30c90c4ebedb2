"""Formats a run's verdicts: JUnit XML for CI, a terminal table, a single-file HTML report. Only formats."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from .checks.base import Status, Verdict
from .runner import RunResult

# characters XML 1.0 cannot carry at all (fuzzed inputs may contain any of them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MARK = {Status.PASS: "PASS", Status.FAIL: "FAIL", Status.SKIP: "skip", Status.ERROR: "ERROR"}


def xml_text(text: str) -> str:
    """`text` with what XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def summary(result: RunResult) -> str:
    blocking = len(result.blocking_failures)
    warned = sum(1 for v in result.verdicts if v.warnings)
    warnings = f", {warned} with portability warnings" if warned else ""
    return (f"{len(result.verdicts)} checks on adapter {result.adapter!r}: {result.count(Status.PASS)} passed, "
            f"{result.count(Status.FAIL)} failed, {result.count(Status.ERROR)} errors, "
            f"{result.count(Status.SKIP)} skipped{warnings}; {blocking} critical/major failure(s) in "
            f"{result.seconds:.1f} s")


def warning_lines(v: Verdict) -> list[str]:
    """A verdict's warnings, one line each, as every format shows them."""
    return [f"WARNING: {w}" for w in v.warnings]


def _body(v: Verdict) -> str:
    parts = [v.message] if v.message else []
    if v.notes:
        parts.append("observed:\n" + "\n".join(f"  - {n}" for n in v.notes))
    return "\n".join(parts)


# -- JUnit XML -------------------------------------------------------------------------------------
def junit_xml(result: RunResult) -> bytes:
    """One <testsuite> with one <testcase> per check; failures carry the severity as their type."""
    def attrs(tests: Iterable[Verdict]) -> dict[str, str]:
        vs = list(tests)
        return {"tests": str(len(vs)),
                "failures": str(sum(v.status is Status.FAIL for v in vs)),
                "errors": str(sum(v.status is Status.ERROR for v in vs)),
                "skipped": str(sum(v.status is Status.SKIP for v in vs)),
                "time": f"{sum(v.seconds for v in vs):.3f}"}

    root = ET.Element("testsuites", {"name": "bitget-conformance", **attrs(result.verdicts)})
    suite = ET.SubElement(root, "testsuite", {"name": f"bitget-conformance.{xml_text(result.adapter)}",
                                              **attrs(result.verdicts)})
    props = ET.SubElement(suite, "properties")
    for name, value in {"adapter": result.adapter, **result.properties}.items():
        ET.SubElement(props, "property", {"name": xml_text(name), "value": xml_text(value)})
    for v in result.verdicts:
        case = ET.SubElement(suite, "testcase", {"classname": f"conformance.{v.check.category}",
                                                "name": xml_text(f"{v.check.id} {v.check.title}"),
                                                "time": f"{v.seconds:.3f}"})
        first_line = xml_text(v.message.splitlines()[0] if v.message else "")
        if v.status is Status.FAIL:
            ET.SubElement(case, "failure", {"message": first_line, "type": v.check.severity.value}).text = \
                xml_text(_body(v))
        elif v.status is Status.ERROR:
            ET.SubElement(case, "error", {"message": first_line, "type": "harness"}).text = xml_text(_body(v))
        elif v.status is Status.SKIP:
            ET.SubElement(case, "skipped", {"message": first_line})
        if v.warnings:
            props = ET.SubElement(case, "properties")
            for w in v.warnings:
                ET.SubElement(props, "property", {"name": "warning", "value": xml_text(w)})
        if v.notes or v.warnings:
            ET.SubElement(case, "system-out").text = xml_text("\n".join([*warning_lines(v), *v.notes]))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# -- terminal: a table, printed one row per verdict as the run goes ------------------------------------
def verdict_line(v: Verdict, width: int = 120) -> str:
    """One table row: id, severity, status, seconds, title; the reason under a failure."""
    title = v.check.title if len(v.check.title) <= width - 36 else v.check.title[: width - 39] + "..."
    line = f"{v.check.id:<11} {v.check.severity.value:<8} {_MARK[v.status]:<5} {v.seconds:6.2f}s  {title}"
    if v.status is not Status.PASS and v.message:
        first = v.message.splitlines()[0]
        line += "\n" + " " * 12 + "-> " + (first if len(first) <= width - 15 else first[: width - 18] + "...")
    for w in warning_lines(v):
        line += "\n" + " " * 12 + "!  " + w
    return line


def table_head(width: int = 120) -> str:
    return f"{'check':<11} {'severity':<8} {'':<5} {'time':>7}  title\n" + "-" * width


# -- HTML ------------------------------------------------------------------------------------------
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#1d2330;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} .sum{color:#4a5160;margin-bottom:1.5em}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.35em .6em;vertical-align:top}
th{background:#eef0f4;font-weight:600} tr{border-bottom:1px solid #e3e6ec}
.pass{color:#137333;font-weight:600} .fail{color:#b3261e;font-weight:700} .skip{color:#8a8f99}
.error{color:#a0520b;font-weight:700} .sev-critical{color:#b3261e} .sev-major{color:#a0520b}
.sev-minor{color:#5f6673} code,pre{font:12px ui-monospace,monospace} pre{white-space:pre-wrap;margin:.3em 0;
background:#f6f7f9;padding:.5em;border-radius:4px} details summary{cursor:pointer;color:#4a5160}
.warn{background:#fff4d6;border-left:3px solid #c98a00;padding:.3em .6em;margin:.3em 0}
"""


def html_report(result: RunResult) -> str:
    """A self-contained page (inline CSS, no script) with every verdict and what was observed."""
    e = html.escape
    rows = []
    for v in result.verdicts:
        detail = ""
        if v.message:
            detail += f"<pre>{e(v.message)}</pre>"
        for w in warning_lines(v):
            detail += f"<p class=\"warn\">{e(w)}</p>"
        if v.notes:
            items = "".join(f"<li><code>{e(n)}</code></li>" for n in v.notes)
            detail += f"<details><summary>observed</summary><ul>{items}</ul></details>"
        rows.append(
            f"<tr><td><code>{e(v.check.id)}</code></td>"
            f"<td class=\"sev-{v.check.severity.value}\">{v.check.severity.value}</td>"
            f"<td class=\"{v.status.value}\">{_MARK[v.status]}</td><td>{v.seconds:.2f}&nbsp;s</td>"
            f"<td>{e(v.check.title)}<div title=\"{e(v.check.doc)}\">{detail}</div></td></tr>")
    props = "".join(f"<li>{e(k)}: <code>{e(val)}</code></li>" for k, val in result.properties.items())
    verdict = "FAILED" if result.blocking_failures else "passed"
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>bitget-conformance: {e(result.adapter)} {verdict}</title><style>{_CSS}</style></head>"
            f"<body><h1>bitget-conformance: <code>{e(result.adapter)}</code> {verdict}</h1>"
            f"<p class=\"sum\">{e(summary(result))}</p><ul class=\"sum\">{props}</ul>"
            f"<table><thead><tr><th>check</th><th>severity</th><th>verdict</th><th>time</th><th>what</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")

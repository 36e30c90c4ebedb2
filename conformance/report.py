"""Formats a run's verdicts: JUnit XML for CI, a terminal table, the summary per family. Only formats
(the HTML report is report_html.py, the JSON one report_json.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

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


# -- per family ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FamilyRow:
    family: str
    checks: int
    passed: int
    failed: int
    errors: int
    skipped: int
    blocking: tuple[str, ...]  # ids of the critical/major checks that failed or could not run


def family_rows(result: RunResult) -> list[FamilyRow]:
    """One row per check family (SIGN, TIME, ...), in catalogue order."""
    groups: dict[str, list[Verdict]] = {}
    for v in result.verdicts:
        groups.setdefault(v.check.category, []).append(v)
    def count(vs: list[Verdict], status: Status) -> int:
        return sum(v.status is status for v in vs)

    return [FamilyRow(family, len(vs), count(vs, Status.PASS), count(vs, Status.FAIL), count(vs, Status.ERROR),
                      count(vs, Status.SKIP), tuple(v.check.id for v in vs if v.blocking_failure))
            for family, vs in groups.items()]

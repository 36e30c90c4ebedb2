"""The JSON report (`--report-json`): every verdict with its evidence, for machines. Schema
`bitget-conformance/report/1`, documented in docs/conformance.md ("The JSON report"); fields are only
ever added within a schema version."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .checks.base import Verdict
from .report import family_rows
from .report_html import replay_command
from .runner import RunResult
from .timeline import timelines

SCHEMA = "bitget-conformance/report/1"


def _check(result: RunResult, v: Verdict) -> dict[str, Any]:
    return {
        "id": v.check.id,
        "family": v.check.category,
        "title": v.check.title,
        "severity": v.check.severity.value,
        "status": v.status.value,
        "blocking": v.blocking_failure,
        "message": v.message,
        "notes": list(v.notes),
        "warnings": list(v.warnings),
        "seconds": round(v.seconds, 3),
        "replay": replay_command(result, v),
        "requests": v.evidence.requests,
        "requestsWithoutDetail": v.evidence.truncated,
        "refusedSignatures": [{"request": s.index, "serverPrehash": s.server, "clientPrehash": s.client,
                               "finding": s.finding} for s in v.evidence.signatures],
        "timelines": [{"method": t.method, "path": t.path,
                       "limit": {"count": t.limit.count, "windowMs": t.limit.window_ms, "basis": t.limit.basis},
                       "points": [{"atMs": p.at_ms, "inWindow": p.in_window, "refused": p.refused}
                                  for p in t.points]}
                      for t in timelines(v)],
    }


def report(result: RunResult, strict: bool = False) -> dict[str, Any]:
    blocking = result.blocking_failures
    return {
        "schema": SCHEMA,
        "adapter": result.adapter,
        "verdict": "failed" if blocking else "passed",
        "exitCode": result.exit_code(strict=strict),
        "seconds": round(result.seconds, 3),
        "properties": dict(result.properties),
        "command": list(result.command),
        "families": [{**asdict(row), "blocking": list(row.blocking)} for row in family_rows(result)],
        "checks": [_check(result, v) for v in result.verdicts],
    }


def json_report(result: RunResult, strict: bool = False) -> bytes:
    return json.dumps(report(result, strict), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"

"""`bitget-conformance run --adapter NAME ...`: drive a client through the catalogue against a mock (in-process,
or the one at --base-url); `fuzz` and `replay` are in cli_fuzz.py.

Exit codes: 0 when every critical and major check passed (minor failures are reported, not fatal, unless
--strict), 1 when one failed or could not run, 2 on a usage error (unknown adapter, no check selected).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import cli_fuzz
from .adapters import BUILTIN, AdapterNotFound, load_adapter
from .checks import CATALOGUE, NoChecksSelected, select
from .checks.base import Status, Verdict
from .mock import MockUnavailable
from .report import junit_xml, summary, table_head, verdict_line
from .report_html import html_report
from .report_json import json_report
from .runner import AdapterOptionsRefused, Runner

USAGE_ERROR = 2
ADAPTER_HELP = (f"{' | '.join(BUILTIN)} | package.module:Class (a subclass of conformance.adapters.Adapter) | "
                "'cmd:COMMAND' (a process adapter, docs/conformance.md)")
INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bitget-conformance",
                                     description="Check a Bitget V2 client against the bitget-mock sandbox.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the checks against one client")
    run.add_argument("--adapter", required=True, metavar="NAME", help=ADAPTER_HELP)
    run.add_argument("--adapter-option", action="append", default=[], metavar="KEY=JSON",
                     help="keyword argument for the adapter's constructor, value as JSON (repeatable), e.g. "
                          "options='{\"adjustForTimeDifference\": true}' for ccxt")
    run.add_argument("--checks", action="append", default=[], metavar="PATTERNS",
                     help="comma-separated id globs, e.g. 'SIGN-*,ERR-00?'; '!RATE-*' excludes (default: all)")
    run.add_argument("--report-junit", type=Path, metavar="FILE", help="write JUnit XML here")
    run.add_argument("--report-html", type=Path, metavar="FILE", help="write a single-file HTML report here")
    run.add_argument("--report-json", type=Path, metavar="FILE",
                     help="write the verdicts and evidence as JSON here (schema: docs/conformance.md)")
    run.add_argument("--fuzz-examples", type=int, default=25, metavar="N",
                     help="hypothesis examples per FUZZ property (0: no fuzzing; default 25)")
    run.add_argument("--seed", type=int, default=42, help="seed of the mock's market and of the fuzzer")
    _mock_arguments(run)
    run.add_argument("--strict", action="store_true", help="exit 1 on minor failures too")
    run.add_argument("--quiet", action="store_true", help="print only the summary")
    cli_fuzz.add_parsers(sub, ADAPTER_HELP, _mock_arguments)
    lst = sub.add_parser("list", help="list the checks")
    lst.add_argument("--checks", action="append", default=[], metavar="PATTERNS")
    return parser


def _mock_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", metavar="URL",
                        help="run against the mock already running at URL (mock-exchange serve), set up through its "
                             "admin API, instead of starting one in-process")
    parser.add_argument("--admin-token", metavar="TOKEN", default=os.environ.get("MOCK_EXCHANGE_ADMIN_TOKEN"),
                        help="the admin token of the mock at --base-url, if it has one (default: "
                             "$MOCK_EXCHANGE_ADMIN_TOKEN)")


def replay_argv(args: argparse.Namespace) -> list[str]:
    """The command that reruns this run as given (adapter, its options, seed, fuzzing, mock), without the
    checks and reports: the reports add `--checks ID`. The admin token is left to MOCK_EXCHANGE_ADMIN_TOKEN."""
    argv = ["bitget-conformance", "run", "--adapter", args.adapter]
    for option in args.adapter_option:
        argv += ["--adapter-option", option]
    argv += ["--seed", str(args.seed), "--fuzz-examples", str(args.fuzz_examples)]
    if args.base_url is not None:
        argv += ["--base-url", args.base_url]
    return argv


def _patterns(values: Sequence[str]) -> list[str]:
    return [p for v in values for p in v.split(",") if p.strip()]


def _options(values: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key.isidentifier():
            raise ValueError(f"--adapter-option {item!r}: expected KEY=JSON")
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw  # a bare word is taken as a string
    return out


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def run(args: argparse.Namespace) -> int:
    try:
        adapter = load_adapter(args.adapter)
        checks = select(_patterns(args.checks))
        options = _options(args.adapter_option)
    except (AdapterNotFound, NoChecksSelected, ValueError) as exc:
        print(f"bitget-conformance: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if args.fuzz_examples < 0:
        print("bitget-conformance: --fuzz-examples must be 0 or more", file=sys.stderr)
        return USAGE_ERROR
    runner = Runner(adapter, seed=args.seed, fuzz_examples=args.fuzz_examples, adapter_options=options,
                    base_url=args.base_url, admin_token=args.admin_token)
    try:
        runner.probe()
    except AdapterOptionsRefused as exc:
        print(f"bitget-conformance: {_one_line(str(exc))}", file=sys.stderr)
        return USAGE_ERROR

    def show(verdict: Verdict) -> None:
        if not args.quiet or verdict.status in (Status.FAIL, Status.ERROR):  # --quiet still names failures
            print(verdict_line(verdict), flush=True)

    try:
        mock = runner.mock().start()
    except MockUnavailable as exc:
        print(f"bitget-conformance: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        if args.base_url is not None and not mock.rate_limits_enabled():
            print(f"warning: the mock at {args.base_url} has its rate limits off: the RATE checks see no 429 "
                  "from its limiter", file=sys.stderr)
        if not args.quiet:
            print(table_head())
        result = runner.run(checks, on_verdict=show, mock=mock)
        result.command = replay_argv(args)
    finally:
        mock.stop()
    print(("\n" + summary(result)) if not args.quiet else summary(result))
    if result.interrupted:
        print(f"bitget-conformance: interrupted {result.properties['interrupted']}", file=sys.stderr)
    if args.report_junit is not None:
        _write(args.report_junit, junit_xml(result))
        print(f"JUnit XML: {args.report_junit}")
    if args.report_html is not None:
        _write(args.report_html, html_report(result).encode("utf-8"))
        print(f"HTML report: {args.report_html}")
    if args.report_json is not None:
        _write(args.report_json, json_report(result, strict=args.strict))
        print(f"JSON report: {args.report_json}")
    return INTERRUPTED if result.interrupted else result.exit_code(strict=args.strict)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def list_checks(args: argparse.Namespace) -> int:
    try:
        checks = select(_patterns(args.checks)) if args.checks else list(CATALOGUE)
    except NoChecksSelected as exc:
        print(f"bitget-conformance: {exc}", file=sys.stderr)
        return USAGE_ERROR
    for c in checks:
        print(f"{c.id:<11} {c.severity.value:<8} {c.title}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "list":
            code = list_checks(args)
        elif args.command in cli_fuzz.COMMANDS:
            code = cli_fuzz.main(args, _options)
        else:
            code = run(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at the interpreter's exit
        return code
    except KeyboardInterrupt:  # outside the run itself (which keeps its partial report): nothing to keep
        print("bitget-conformance: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the reader went away (`list | head`): no traceback, and none at exit either
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

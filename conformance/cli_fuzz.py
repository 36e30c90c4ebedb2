"""`bitget-conformance fuzz` (operation sequences, each distinct failure shrunk and saved) and
`bitget-conformance replay FILE` (FIXED or FAILED). Exit codes: fuzz 0 when nothing failed, 1 when a
failure was saved; replay 0 FIXED, 1 FAILED; both 2 on a usage error."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import campaign
from .adapters import AdapterNotFound, load_adapter
from .mock import MockUnavailable
from .progress import Progress
from .runner import Runner

USAGE_ERROR = 2
COMMANDS = ("fuzz", "replay")
OptionsParser = Callable[[list[str]], dict[str, Any]]


def add_parsers(sub: Any, adapter_help: str, mock_arguments: Callable[[argparse.ArgumentParser], None]) -> None:
    fz = sub.add_parser("fuzz", help="fuzz one client with generated operation sequences, saving each failure")
    fz.add_argument("--adapter", required=True, metavar="NAME", help=adapter_help)
    fz.add_argument("--adapter-option", action="append", default=[], metavar="KEY=JSON",
                    help="keyword argument for the adapter's constructor, value as JSON (repeatable)")
    fz.add_argument("--max-examples", type=int, default=100, metavar="N", help="sequences to generate (100)")
    fz.add_argument("--seed", type=int, default=42, help="seed of the generator: the same seed, the same run")
    fz.add_argument("--shrink-examples", type=int, default=campaign.SHRINK_EXAMPLES, metavar="N",
                    help=f"sequences run after the first failure to shrink it ({campaign.SHRINK_EXAMPLES})")
    fz.add_argument("--out", type=Path, default=Path("fuzz-failures"), metavar="DIR",
                    help="where each distinct failure is saved, shrunk, as JSON (fuzz-failures/)")
    mock_arguments(fz)
    rp = sub.add_parser("replay", help="rerun a failure saved by fuzz: prints FIXED or FAILED")
    rp.add_argument("file", type=Path, metavar="FILE")
    rp.add_argument("--adapter", metavar="NAME", help="another adapter than the one the file names")
    rp.add_argument("--adapter-option", action="append", default=None, metavar="KEY=JSON",
                    help="options instead of the file's (repeatable)")
    mock_arguments(rp)


def _fail(message: str) -> int:
    print(f"bitget-conformance: {' '.join(message.split())[:400]}", file=sys.stderr)
    return USAGE_ERROR


def main(args: argparse.Namespace, parse_options: OptionsParser) -> int:
    return fuzz(args, parse_options) if args.command == "fuzz" else replay(args, parse_options)


def _runner(name: str, raw_options: list[str], args: argparse.Namespace, parse_options: OptionsParser,
            run_seed: int) -> Runner:
    adapter = load_adapter(name)
    return Runner(adapter, seed=run_seed, adapter_options=parse_options(raw_options), base_url=args.base_url,
                  admin_token=args.admin_token)


def fuzz(args: argparse.Namespace, parse_options: OptionsParser) -> int:
    if args.max_examples < 1 or args.shrink_examples < 0:
        return _fail("--max-examples must be 1 or more, --shrink-examples 0 or more")
    try:
        runner = _runner(args.adapter, args.adapter_option, args, parse_options, args.seed)
        mock = runner.mock().start()
    except (AdapterNotFound, ValueError, MockUnavailable) as exc:
        return _fail(str(exc))
    bar = Progress(args.max_examples, "sequences")

    def show(state: campaign.Campaign) -> None:
        done = args.max_examples if state.shrinking else state.examples
        bar.update(done, len(state.found), "shrinking" if state.shrinking else "")

    try:
        result = campaign.fuzz(mock, runner.make_adapter, args.max_examples, args.seed, progress=show,
                               shrink_examples=args.shrink_examples)
    finally:
        mock.stop()
    bar.finish(args.max_examples, len(result.found))
    for found in sorted(result.found.values(), key=lambda f: f.problem.key):
        path = campaign.save(found, args.out, args.adapter, args.adapter_option, args.seed)
        print(f"FAILURE [{found.problem.prop}] {found.problem.message}")
        print(f"  {len(found.sequence)} step(s): {'; '.join(str(s) for s in found.sequence)}"[:600])
        print(f"  saved to {path}; rerun: {shlex.join(['bitget-conformance', 'replay', os.fspath(path)])}")
    print(f"{result.examples} sequence(s) run with seed {args.seed} (shrinking included): {len(result.found)} "
          "distinct failure(s)")
    return 1 if result.found else 0


def replay(args: argparse.Namespace, parse_options: OptionsParser) -> int:
    try:
        saved = campaign.load(args.file)
        options = args.adapter_option if args.adapter_option is not None else saved.get("adapterOptions", [])
        runner = _runner(args.adapter or str(saved["adapter"]), list(options), args, parse_options,
                         int(saved.get("seed", 42)))
        mock = runner.mock().start()
    except (campaign.BadFailureFile, AdapterNotFound, ValueError, MockUnavailable) as exc:
        return _fail(str(exc))
    sequence = saved["sequence"]
    try:
        problem = campaign.execute(mock, runner.make_adapter, sequence)
    finally:
        mock.stop()
    print(f"{len(sequence)} step(s): {'; '.join(str(s) for s in sequence)}"[:600])
    if problem is None:
        print(f"FIXED: {saved.get('failure', '')}")
        return 0
    print(f"FAILED: {problem.message}")
    return 1

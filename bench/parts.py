"""What each part of a request costs: instructions per request of an in-process scenario with one part
of the pipeline cut out, counted by valgrind as `bench/instructions.py` counts them.

    python bench/parts.py place-order                 # the whole request, then each part cut out
    python bench/parts.py mix-place-order auth handler

Parts: `auth` (the signature check answers the account's key at once), `journal` and `faults` (the
layer left out of the stack), `parse` and `place` (the order's parse, or its placing in the state,
answered by what the first request gave; `parse` includes reading the JSON body, which only the
parser asks for), `handler` (the endpoint answers a fixed dict). The cost of a
part is the whole figure less the figure without it. A part cut out changes nothing else: the same
requests, the same answers' statuses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from instructions import COUNTS, collected, ensure_valgrind, measured, prepared

PARTS = ("auth", "journal", "faults", "parse", "place", "handler")


def _first_answer(fn: Any) -> Any:
    """`fn`, answering every call after the first with the first call's answer."""
    kept: list[Any] = []

    def once(*args: Any, **kwargs: Any) -> Any:
        if not kept:
            kept.append(fn(*args, **kwargs))
        return kept[0]
    return once


def cut(app: Any, part: str, scenario: str) -> None:
    """Take `part` out of `app` (see the module docstring)."""
    from mock_exchange import app as app_module
    from mock_exchange import dispatch
    from mock_exchange.routes import mix_order, spot_plans, spot_trade

    futures = scenario.startswith("mix-")
    if part == "auth":
        key = next(iter(app.services.exchange.accounts.keys.values()))
        dispatch.verify = lambda *_args, **_kwargs: key
    elif part in ("journal", "faults"):
        app.api = app_module.build_stack([layer for layer in app.layers if layer.name != part],
                                         app.dispatcher.__call__)
    elif part == "parse":
        module: Any = mix_order if futures else spot_plans if "plan" in scenario else spot_trade
        name = "parse_plan" if module is spot_plans else "parse_order"
        setattr(module, name, _first_answer(getattr(module, name)))
    elif part == "place":
        owner = app.services.exchange.futures.trading if futures else (
            app.services.exchange.plans if "plan" in scenario else app.services.exchange.trading)
        owner.place = _first_answer(owner.place)
    elif part == "handler":
        for methods in app.dispatcher.routes.values():
            for ep in methods.values():
                object.__setattr__(ep, "handler", lambda _svc, _req: {"orderId": "1", "clientOid": "x"})


def child(scenario: str, part: str, n: int) -> None:
    """Run inside valgrind: the scenario as `bench/instructions.py` counts it, with `part` cut out."""
    app, scope, body = prepared(scenario)
    if part != "whole":
        cut(app, part, scenario)
    measured(scenario, app, scope, body, n)


def count(scenario: str, part: str, tmp: Path) -> float:
    low, high = (collected([sys.executable, __file__, "--child", scenario, part, str(n)],
                           tmp / f"{scenario}.{part}.{n}.log") for n in COUNTS)
    return (high - low) / (COUNTS[1] - COUNTS[0])


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    import inprocess as ip

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario", choices=[s for s, v in ip.SCENARIOS.items() if v[0] == "mock"])
    ap.add_argument("parts", nargs="*", default=list(PARTS),
                    help=f"parts to cut out, one at a time (default: all of {', '.join(PARTS)})")
    args = ap.parse_args()
    unknown = [p for p in args.parts if p not in PARTS]
    if unknown:
        ap.error(f"unknown part(s) {unknown}: choose from {list(PARTS)}")
    ensure_valgrind()
    with tempfile.TemporaryDirectory(prefix="parts-") as tmp:
        whole = count(args.scenario, "whole", Path(tmp))
        print(f"{args.scenario}: {whole:>10,.0f} instructions/request", flush=True)
        for part in args.parts:
            without = count(args.scenario, part, Path(tmp))
            print(f"  without {part:8s} {without:>10,.0f}   {part} costs {whole - without:>8,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

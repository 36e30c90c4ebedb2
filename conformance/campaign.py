"""`bitget-conformance fuzz` and `replay`: hypothesis-generated operation sequences against one client.

A sequence mixes client operations (odd symbols, clientOids at the length and charset limits, prices and
sizes at and past the symbol's precision), injected server faults (some aimed at the path of the operation
that follows) and clock skew. Each sequence runs on a
reset mock with a fresh adapter; after each operation three properties are judged from what the mock saw
and what the client did:

- signature: no request is refused for its authentication (40009, 40006, 40012, 40002, 40005);
- typed: the client returns or raises one of its typed errors, never crashes;
- single order: one place_limit_order call never executes more than one order on the exchange.

Hypothesis generates the sequences (seeded: the same seed, the same run), all of them whatever fails;
each distinct failure (property, operation, error kind) is then shrunk on its own,
by dropping steps and simplifying arguments while it still fails the same way, within a budget of runs:
every run costs real requests, and hypothesis's own shrinker would spend hundreds. Each is saved, shrunk,
to a JSON file that `bitget-conformance replay FILE` reruns, printing FIXED or FAILED.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from mock_exchange.state.catalog import SPOT_SYMBOLS

from .adapters.base import Adapter, Credentials, Unsupported
from .checks.paths import PLACE_ORDER, UNFILLED
from .fuzz import AUTH_REFUSALS, Op, faults, order_ids, printable, sides
from .mock import RemoteMock

FORMAT = "bitget-conformance/fuzz-failure/1"
SHRINK_EXAMPLES = 60  # sequences run to shrink the failures found, in all
OID_ALLOWED = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+_#-"  # Bitget: [0-9A-Za-z+_#-]{1,50}
OID_MAX = 50
HISTORY = "/api/v2/spot/trade/history-orders"
SKEWS_MS = (-45_000, -5_000, 5_000, 45_000)  # within and beyond Bitget's 30 s window, both ways


# -- steps -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One step of a sequence: an operation of the adapter, a fault rule for the mock, or a clock skew."""

    op: Op | None = None
    fault: dict[str, Any] | None = None
    skew_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        if self.op is not None:
            return {"op": self.op.name, "args": [str(a) if isinstance(a, Decimal) else a for a in self.op.args]}
        if self.fault is not None:
            return {"fault": self.fault}
        return {"skewMs": self.skew_ms}

    @staticmethod
    def from_json(raw: dict[str, Any]) -> Step:
        if "op" in raw:
            args = list(raw.get("args", []))
            if raw["op"] == "place_limit_order":  # price and size go in as Decimals
                args[2:4] = [Decimal(str(a)) for a in args[2:4]]
            return Step(op=Op(str(raw["op"]), tuple(args)))
        if "fault" in raw:
            return Step(fault=dict(raw["fault"]))
        return Step(skew_ms=int(raw["skewMs"]))

    def __str__(self) -> str:
        if self.op is not None:
            return str(self.op)
        if self.fault is not None:
            return f"fault {json.dumps(self.fault, sort_keys=True)}"
        return f"clock {self.skew_ms:+d} ms"


# -- strategies ------------------------------------------------------------------------------------------
REAL = [s.symbol for s in SPOT_SYMBOLS]
odd_symbols = st.one_of(
    st.sampled_from(REAL),
    st.sampled_from(REAL).map(str.lower),
    st.sampled_from(REAL).map(lambda s: f" {s}"),
    st.sampled_from(REAL).map(lambda s: s.replace("USDT", "/USDT")),
    st.sampled_from(["BTC&USDT", "BTC#USDT", "BTC%20USDT", "BTC+USDT", "BTC=USDT", "BTCUSDT?x=1", "BTC USDT",
                     "龙币/USDT", "BTCUSDT" * 10, "\u200bBTCUSDT"]),
    printable,
)
client_oids = st.one_of(
    st.none(),
    st.integers(1, OID_MAX).flatmap(lambda n: st.text(st.sampled_from(OID_ALLOWED), min_size=n, max_size=n)),
    st.sampled_from(OID_ALLOWED).map(lambda c: c * OID_MAX),  # at the length limit, one character throughout
    st.text(st.sampled_from(OID_ALLOWED), min_size=OID_MAX + 1, max_size=OID_MAX + 3),  # one past it
    st.tuples(st.text(st.sampled_from(OID_ALLOWED), min_size=1, max_size=10),
              st.sampled_from([" ", "/", "=", "&", "?", "%", ".", "龙", "é", "\t"]))
      .map(lambda t: t[0] + t[1]),  # one character outside the charset
)


@st.composite
def precise_order(draw: st.DrawFn) -> Op:
    """A limit order on a real symbol with price and size at the symbol's precision, or one digit past it."""
    sym = draw(st.sampled_from(SPOT_SYMBOLS))
    extra_p, extra_q = draw(st.sampled_from([0, 0, 1])), draw(st.sampled_from([0, 0, 1]))
    tick = Decimal(1).scaleb(-(sym.price_precision + extra_p))
    lot = Decimal(1).scaleb(-(sym.quantity_precision + extra_q))
    factor = Decimal(draw(st.integers(30, 60))) / 100  # a buy well under the market: it rests
    price = max(tick, (sym.base_price * factor).quantize(tick) + draw(st.sampled_from([0, 1])) * tick)
    least = (sym.min_trade_usdt / price).quantize(lot, ROUND_UP)
    size = draw(st.sampled_from([lot, least, least + lot, least * 3]))
    return Op("place_limit_order", (sym.symbol, draw(sides), price, size, draw(client_oids)))


amounts = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal("10000000"), places=8)
operations = st.one_of(
    st.builds(lambda s: Op("fetch_ticker", (s,)), odd_symbols),
    st.builds(lambda s: Op("fetch_order_book", (s,)), odd_symbols),
    st.just(Op("fetch_balance", ())),
    st.builds(lambda s: Op("fetch_open_orders", (s,)), odd_symbols),
    precise_order(),
    st.builds(lambda s, side, p, q, oid: Op("place_limit_order", (s, side, p, q, oid)),
              odd_symbols, sides, amounts, amounts, client_oids),
    st.builds(lambda s, oid: Op("fetch_order", (s, oid)), odd_symbols, order_ids),
    st.builds(lambda s, oid: Op("cancel_order", (s, oid)), odd_symbols, order_ids),
    st.builds(lambda s, oid: Op("fetch_order_by_client_oid", (s, oid)), odd_symbols, client_oids.filter(bool)),
)
steps = st.one_of(
    operations.map(lambda op: Step(op=op)),
    operations.map(lambda op: Step(op=op)),
    faults.map(lambda rule: Step(fault=rule)),
    st.sampled_from(SKEWS_MS).map(lambda ms: Step(skew_ms=ms)),
)
# the path each operation requests first, so a fault can be aimed at the operation that follows it
OP_PATHS = {"fetch_ticker": "/api/v2/spot/market/tickers", "fetch_order_book": "/api/v2/spot/market/orderbook",
            "fetch_balance": "/api/v2/spot/account/assets", "place_limit_order": PLACE_ORDER,
            "fetch_order": "/api/v2/spot/trade/orderInfo", "fetch_order_by_client_oid": "/api/v2/spot/trade/orderInfo",
            "fetch_open_orders": UNFILLED, "cancel_order": "/api/v2/spot/trade/cancel-order"}
valid_operations = st.one_of(
    st.builds(lambda s: Op("fetch_ticker", (s,)), st.sampled_from(REAL)),
    st.builds(lambda s: Op("fetch_order_book", (s,)), st.sampled_from(REAL)),
    st.just(Op("fetch_balance", ())),
    st.builds(lambda s: Op("fetch_open_orders", (s,)), st.sampled_from(REAL)),
    precise_order(),
)
# every kind of broken answer the mock can give, before or after the handler ran (delays aside: they cost
# real time)
broken = st.one_of(
    st.builds(lambda status: {"kind": "status", "status": status}, st.sampled_from([429, 500, 502, 503, 504])),
    st.builds(lambda phase: {"kind": "malformed", "phase": phase}, st.sampled_from(["before", "after"])),
    st.builds(lambda phase: {"kind": "truncated", "phase": phase}, st.sampled_from(["before", "after"])),
    st.builds(lambda status, phase: {"kind": "html", "status": status, "phase": phase},
              st.sampled_from([500, 502, 503]), st.sampled_from(["before", "after"])),
    st.builds(lambda phase: {"kind": "drop", "phase": phase}, st.sampled_from(["before", "after"])),
).flatmap(lambda rule: st.integers(1, 3).map(lambda count: {**rule, "count": count}))
aimed = st.tuples(valid_operations, broken).map(
    lambda pair: [Step(fault={**pair[1], "path": OP_PATHS[pair[0].name]}), Step(op=pair[0])])
sequences = st.lists(st.one_of(aimed, steps.map(lambda s: [s]), aimed), min_size=1, max_size=4).map(
    lambda chunks: [s for chunk in chunks for s in chunk]).filter(lambda seq: any(s.op is not None for s in seq))


# -- running a sequence ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    prop: str  # signature | typed | single-order
    key: str  # what makes two failures the same: the property, the operation, the kind of error
    message: str


def execute(mock: RemoteMock, make_adapter: Callable[[str, Credentials], Adapter],
            sequence: Sequence[Step]) -> Problem | None:
    """Run `sequence` on a reset mock with a fresh adapter; the first property it breaks, or None."""
    mock.reset()
    adapter = make_adapter(mock.url, mock.credentials)
    try:
        for index, step in enumerate(sequence):
            if step.fault is not None:
                mock.add_faults(step.fault)
            elif step.skew_ms is not None:
                mock.clock.shift(step.skew_ms)
            elif step.op is not None:
                problem = _judge(mock, adapter, step.op)
                if problem is not None:
                    return Problem(problem.prop, problem.key, f"step {index + 1}, {problem.message}")
        return None
    finally:
        try:
            adapter.close()
        finally:
            mock.clear_faults()


def _orders(mock: RemoteMock, op: Op) -> int | None:
    """How many orders the exchange holds on the symbol of a place_limit_order (open and done), or None
    when the symbol is not one it lists."""
    symbol = str(op.args[0])
    if symbol not in REAL:
        return None
    rules = mock.admin("GET", "/faults")["rules"]
    if any(fnmatch.fnmatchcase(path, str(r.get("path"))) for r in rules for path in (UNFILLED, HISTORY)):
        return None  # the observer's look would meet (and use up) a fault meant for the client
    query = f"symbol={quote(symbol)}"
    return len(mock.observe(UNFILLED, query)) + len(mock.observe(HISTORY, query))


def _judge(mock: RemoteMock, adapter: Adapter, op: Op) -> Problem | None:
    before = _orders(mock, op) if op.name == "place_limit_order" else None
    mock.clear_journal()
    crash: str | None = None
    try:
        op(adapter)
    except Unsupported:
        return None
    except Exception as exc:
        if adapter.classify_error(exc) is None:
            crash = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            kind = type(exc).__name__
    seen = mock.journal()
    for entry in seen:
        if entry.get("code") in AUTH_REFUSALS:
            shown = f" (the mock's prehash: {entry['prehash']})" if entry.get("prehash") else ""
            return Problem("signature", f"signature:{op.name}:{entry['code']}",
                           f"{op}: {entry['method']} {entry['path']}?{entry['query']} refused with "
                           f"{entry['code']}{shown}")
    if crash is not None:
        return Problem("typed", f"typed:{op.name}:{kind}", f"{op} crashed: {crash}")
    if before is not None:
        placed = (_orders(mock, op) or 0) - before
        if placed > 1:
            sent = sum(1 for e in seen if e.get("path") == PLACE_ORDER)
            return Problem("single-order", "single-order", f"{op}: one call placed {placed} orders on the exchange "
                                                           f"({sent} place-order requests: a POST re-sent after a lost "
                                                           "answer, without a clientOid to make it idempotent)")
    return None


# -- the campaign ---------------------------------------------------------------------------------------------
@dataclass
class Found:
    problem: Problem
    sequence: list[Step]

    @property
    def size(self) -> tuple[int, int]:
        return len(self.sequence), len(json.dumps([s.to_json() for s in self.sequence], ensure_ascii=False))


@dataclass
class Campaign:
    examples: int = 0  # sequences run, generating and shrinking
    shrinking: bool = False
    found: dict[str, Found] = field(default_factory=dict)  # key -> its smallest failing sequence


Progress = Callable[[Campaign], None]
Runner = Callable[[Sequence[Step]], Problem | None]


def fuzz(mock: RemoteMock, make_adapter: Callable[[str, Credentials], Adapter], max_examples: int, run_seed: int,
         progress: Progress | None = None, shrink_examples: int = SHRINK_EXAMPLES) -> Campaign:
    """Up to `max_examples` generated sequences; then each distinct failure shrunk within `shrink_examples`
    more runs in all; every distinct failure with its smallest sequence."""
    campaign = Campaign()

    def attempt(sequence: Sequence[Step]) -> Problem | None:
        campaign.examples += 1
        problem = execute(mock, make_adapter, sequence)
        if progress is not None:
            progress(campaign)
        return problem

    # Hypothesis only draws the sequences: a failure is recorded, not raised, so every one of the
    # `max_examples` is run (a raised failure would end generation there and start hypothesis's shrinker)
    @seed(run_seed)
    @settings(max_examples=max_examples, deadline=None, database=None, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @given(sequences)
    def generate(sequence: list[Step]) -> None:
        if campaign.examples >= max_examples:
            return
        problem = attempt(sequence)
        if problem is not None and problem.key not in campaign.found:
            campaign.found[problem.key] = Found(problem, list(sequence))

    generate()
    campaign.shrinking = True
    budget = [shrink_examples]
    for key, found in list(campaign.found.items()):
        campaign.found[key] = shrink(found, attempt, budget)
    return campaign


def shrink(found: Found, attempt: Runner, budget: list[int]) -> Found:
    """The smallest sequence that still fails the same way: steps dropped one by one (the faults and skews
    too), then each operation's arguments simplified, as long as `budget[0]` runs remain."""
    best = found

    def still(sequence: list[Step]) -> Found | None:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        problem = attempt(sequence)
        return Found(problem, sequence) if problem is not None and problem.key == found.problem.key else None

    changed = True
    while changed:
        changed = False
        for i in range(len(best.sequence) - 1, -1, -1):
            shorter = best.sequence[:i] + best.sequence[i + 1:]
            if shorter and any(s.op is not None for s in shorter) and (got := still(shorter)) is not None:
                best, changed = got, True
                break
    for i, step in enumerate(best.sequence):
        for simpler in _simpler(step):
            if (got := still([*best.sequence[:i], simpler, *best.sequence[i + 1:]])) is not None:
                best = got
                break
    return best


def _simpler(step: Step) -> list[Step]:
    """Simpler forms of a step: an operation on BTCUSDT, without its clientOid; a fault firing once."""
    if step.fault is not None and step.fault.get("count", 1) != 1:
        return [Step(fault={**step.fault, "count": 1})]
    if step.op is None:
        return []
    args, out = step.op.args, []
    if args and args[0] != "BTCUSDT":
        out.append(Step(op=Op(step.op.name, ("BTCUSDT", *args[1:]))))
    if step.op.name == "place_limit_order" and args[4] is not None:
        out.append(Step(op=Op(step.op.name, (*args[:4], None))))
    return out


def failure_file(found: Found, adapter: str, adapter_options: list[str], run_seed: int) -> dict[str, Any]:
    return {"format": FORMAT, "adapter": adapter, "adapterOptions": list(adapter_options), "seed": run_seed,
            "property": found.problem.prop, "key": found.problem.key, "failure": found.problem.message,
            "steps": [s.to_json() for s in found.sequence]}


def save(found: Found, directory: Path, adapter: str, adapter_options: list[str], run_seed: int) -> Path:
    """Write one failure to `directory`/<property>-<hash of its key and adapter>.json; its path."""
    digest = hashlib.sha256(f"{adapter}\n{found.problem.key}".encode()).hexdigest()[:10]
    path = directory / f"{found.problem.prop}-{digest}.json"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(failure_file(found, adapter, adapter_options, run_seed), ensure_ascii=False,
                               indent=1) + "\n", encoding="utf-8")
    return path


class BadFailureFile(ValueError):
    """The file is not a failure `bitget-conformance fuzz` saved."""


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadFailureFile(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BadFailureFile(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadFailureFile(f"{path} is not a failure saved by bitget-conformance fuzz (format {FORMAT})")
    try:
        data["sequence"] = [Step.from_json(s) for s in data["steps"]]
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise BadFailureFile(f"{path}: a step cannot be read: {exc}") from None
    return data

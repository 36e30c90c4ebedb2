"""Hypothesis-driven fuzzing of a client through its adapter: arbitrary inputs, and arbitrary server faults.

Each property is run by hypothesis for a bounded number of examples; a failure is shrunk (within a
budget of extra calls) to a short, replayable operation, reported with the seed that reproduces it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from mock_exchange.state.catalog import SPOT_SYMBOLS

from .adapters.base import Adapter, Credentials, Unsupported
from .mock import RemoteMock

AUTH_REFUSALS = frozenset({"40002", "40005", "40006", "40009", "40012"})
OID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-+_#"
SHRINK_BUDGET = 60  # calls allowed after the first failure, to shrink it


@dataclass(frozen=True)
class Op:
    """One adapter call: an operation name and its arguments."""

    name: str
    args: tuple[Any, ...]

    def __call__(self, adapter: Adapter) -> Any:
        return getattr(adapter, self.name)(*self.args)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(repr(a) for a in self.args)})"


# -- strategies ------------------------------------------------------------------------------------
printable = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=16)
symbols = st.one_of(st.sampled_from([s.symbol for s in SPOT_SYMBOLS]), printable)
client_oids = st.one_of(st.none(), st.text(st.sampled_from(OID_ALPHABET), min_size=1, max_size=50), printable)
amounts = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("100000000"), allow_nan=False,
                      allow_infinity=False, places=6)
order_ids = st.one_of(st.integers(1, 10**19).map(str), printable)
sides = st.sampled_from(["buy", "sell"])


def operations(symbol: st.SearchStrategy[str] = symbols) -> st.SearchStrategy[Op]:
    """Every operation of the adapter protocol, with arbitrary arguments."""
    return st.one_of(
        st.builds(lambda s: Op("fetch_ticker", (s,)), symbol),
        st.builds(lambda s: Op("fetch_order_book", (s,)), symbol),
        st.just(Op("fetch_balance", ())),
        st.builds(lambda s: Op("fetch_open_orders", (s,)), symbol),
        st.builds(lambda s, side, p, q, oid: Op("place_limit_order", (s, side, p, q, oid)),
                  symbol, sides, amounts, amounts, client_oids),
        st.builds(lambda s, oid: Op("fetch_order", (s, oid)), symbol, order_ids),
        st.builds(lambda s, oid: Op("cancel_order", (s, oid)), symbol, order_ids),
        st.builds(lambda s, oid: Op("fetch_order_by_client_oid", (s, oid)), symbol, client_oids.filter(bool)),
    )


FAULT_PATHS = ("/api/v2/spot/market/tickers", "/api/v2/spot/market/orderbook", "/api/v2/spot/account/assets",
               "/api/v2/spot/trade/place-order", "/api/v2/spot/trade/orderInfo",
               "/api/v2/spot/trade/unfilled-orders", "/api/v2/spot/trade/cancel-order")
faults = st.one_of(
    st.builds(lambda s: {"kind": "status", "status": s}, st.sampled_from([429, 500, 502, 503, 504])),
    st.just({"kind": "malformed"}),
    st.builds(lambda phase: {"kind": "drop", "phase": phase}, st.sampled_from(["before", "after"])),
).flatmap(lambda rule: st.builds(lambda path, count: {**rule, "path": path, "count": count},
                                 st.sampled_from(FAULT_PATHS), st.integers(1, 3)))
valid_symbols = st.sampled_from([s.symbol for s in SPOT_SYMBOLS])


# -- running a property ------------------------------------------------------------------------------
@dataclass
class FuzzResult:
    examples: int = 0
    failure: str | None = None  # what went wrong on the smallest failing example found
    notes: list[str] = field(default_factory=list)


class _Budget:
    """Counts calls after the first failure; when spent, the property stops failing so shrinking ends."""

    def __init__(self) -> None:
        self.failed = False
        self.spent = 0

    def exhausted(self) -> bool:
        if self.failed:
            self.spent += 1
        return self.spent > SHRINK_BUDGET


Property = Callable[[Adapter, Any], str | None]  # returns what is wrong, or None


def run_property(mock: RemoteMock, make_adapter: Callable[[str, Credentials], Adapter],
                 strategy: st.SearchStrategy[Any], prop: Property, examples: int, run_seed: int) -> FuzzResult:
    """Run `prop` over `examples` inputs drawn from `strategy`, against one adapter on a reset mock."""
    result = FuzzResult()
    budget = _Budget()
    mock.reset()
    adapter = make_adapter(mock.url, mock.credentials)
    failures: list[str] = []

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              phases=(Phase.explicit, Phase.generate, Phase.shrink),
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(example: Any) -> None:
        if budget.exhausted():
            return
        result.examples += 1
        problem = prop(adapter, example)
        if problem is not None:
            budget.failed = True
            failures.append(problem)
            raise AssertionError(problem)

    try:
        check()
    except AssertionError:
        result.failure = failures[-1] if failures else "failed"
        result.notes.append(f"{len(failures)} failing example(s); smallest: {result.failure}")
        result.notes.append(f"replay: this check with --seed {run_seed} and --fuzz-examples {examples} (the reports "
                            "print the whole command); `bitget-conformance fuzz` saves each failure to replay")
    finally:
        try:
            adapter.close()
        finally:
            mock.clear_faults()
    result.notes.insert(0, f"{result.examples} example(s) run, seed {run_seed}")
    return result


def _call(adapter: Adapter, op: Op) -> tuple[bool, str | None]:
    """(ok, problem): call `op`; a problem when the client raised something it did not mean to."""
    try:
        op(adapter)
    except Unsupported:
        return True, None
    except Exception as exc:
        if adapter.classify_error(exc) is None:
            tb = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return False, f"{op} crashed: {tb}"
        return False, None
    return True, None


def signatures_property(mock: RemoteMock) -> Property:
    """No request the client sends for any input is refused for its authentication."""

    def prop(adapter: Adapter, op: Op) -> str | None:
        mock.clear_journal()
        _call(adapter, op)
        for entry in mock.journal():
            if entry.get("code") in AUTH_REFUSALS:
                shown = f" (the mock's prehash: {entry['prehash']})" if entry.get("prehash") else ""
                return f"{op}: {entry['method']} {entry['path']}?{entry['query']} refused with {entry['code']}{shown}"
        return None

    return prop


def typed_errors_property(mock: RemoteMock) -> Property:
    """Whatever the input, the client returns or raises one of its typed errors."""

    def prop(adapter: Adapter, op: Op) -> str | None:
        return _call(adapter, op)[1]

    return prop


def faults_property(mock: RemoteMock) -> Property:
    """Whatever the server does (429, 5xx, malformed body, dropped connection), the client returns or
    raises one of its typed errors."""

    def prop(adapter: Adapter, example: tuple[dict[str, Any], Op]) -> str | None:
        rule, op = example
        mock.clear_faults()
        mock.add_faults(rule)
        problem = _call(adapter, op)[1]
        return None if problem is None else f"with fault {rule}: {problem}"

    return prop


def fault_examples() -> st.SearchStrategy[tuple[dict[str, Any], Op]]:
    return st.tuples(faults, operations(valid_symbols))

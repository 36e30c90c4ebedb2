"""FUZZ: hypothesis draws arbitrary inputs and server faults; the client must sign every request right
and never crash (conformance/fuzz.py runs the properties)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import fuzz
from .base import CRITICAL, MAJOR, check

if TYPE_CHECKING:
    from ..context import Context


def _verdict(ctx: Context, result: fuzz.FuzzResult) -> None:
    for line in result.notes:
        ctx.note(line)
    ctx.expect(result.examples > 0, "no example ran")
    if result.failure is not None:
        ctx.fail(result.failure)


@check("FUZZ-001", "Arbitrary symbols, clientOids, prices and sizes: no request is refused for its signature",
       CRITICAL)
def signatures(ctx: Context) -> None:
    """Any operation with arbitrary arguments (non-ASCII and reserved characters included): the mock may
    refuse the input (40034, 40020...), but never the signature, key or passphrase (40009, 40006, 40012...)."""
    _verdict(ctx, fuzz.run_property(ctx.mock, ctx.make_adapter, fuzz.operations(),
                                    fuzz.signatures_property(ctx.mock), ctx.fuzz_examples, ctx.seed))


@check("FUZZ-002", "Arbitrary inputs: every failure is one of the client's typed errors", MAJOR)
def typed_errors(ctx: Context) -> None:
    """The same inputs: the client returns, or raises an error its adapter can classify, never a
    TypeError or KeyError from inside."""
    _verdict(ctx, fuzz.run_property(ctx.mock, ctx.make_adapter, fuzz.operations(),
                                    fuzz.typed_errors_property(ctx.mock), ctx.fuzz_examples, ctx.seed))


@check("FUZZ-003", "Arbitrary server faults (429, 5xx, malformed, dropped): typed errors only", MAJOR)
def server_faults(ctx: Context) -> None:
    """A random fault rule on a random path, then a valid operation: success or a typed error."""
    _verdict(ctx, fuzz.run_property(ctx.mock, ctx.make_adapter, fuzz.fault_examples(),
                                    fuzz.faults_property(ctx.mock), ctx.fuzz_examples, ctx.seed))

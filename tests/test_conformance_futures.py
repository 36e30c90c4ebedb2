"""The FUT checks (conformance/checks/futures.py): the reference client passes them, a client without
futures operations skips them, and a deliberately broken adapter fails each one for the bug it has."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conformance.adapters.base import Adapter, Order, OrderRef, Position
from conformance.adapters.reference import FUTURES, MARGIN_COIN, ReferenceAdapter, order_from

from .conformance_support import VirtualMock, failed, statuses

FUT = ["FUT-*"]


class StateFieldAdapter(ReferenceAdapter):
    """Reads a futures order's status from `status`, as spot's orderInfo names it; order/detail says `state`."""

    name = "state-field"

    def fetch_futures_order(self, symbol: str, order_id: str) -> Order:
        return order_from(self.client.futures_order(symbol, FUTURES, order_id=order_id))


class IntuitiveCloseAdapter(ReferenceAdapter):
    """Closes a hedge-mode long with side sell + tradeSide close: the trade's side, not Bitget's position side."""

    name = "intuitive-close"

    def place_futures_order(self, symbol: str, side: str, size: Decimal, price: Decimal | None = None, *,
                            hedged: bool = True, reduce_only: bool = False) -> OrderRef:
        if not (hedged and reduce_only):
            return super().place_futures_order(symbol, side, size, price, hedged=hedged, reduce_only=reduce_only)
        data = self.client.futures_place_order(symbol, FUTURES, MARGIN_COIN, "crossed", side, "market", size,
                                               trade_side="close")
        return OrderRef(str(data["orderId"]))


class DroppedReduceOnlyAdapter(ReferenceAdapter):
    """Never sends reduceOnly in one-way mode."""

    name = "dropped-reduce-only"

    def place_futures_order(self, symbol: str, side: str, size: Decimal, price: Decimal | None = None, *,
                            hedged: bool = True, reduce_only: bool = False) -> OrderRef:
        return super().place_futures_order(symbol, side, size, price, hedged=hedged,
                                           reduce_only=reduce_only and hedged)


class OnePositionAdapter(ReferenceAdapter):
    """Keeps one position per symbol (the first listed), as a client written for one-way mode does."""

    name = "one-position"

    def fetch_futures_positions(self, symbol: str) -> list[Position]:
        return super().fetch_futures_positions(symbol)[:1]


class CachedLeverageAdapter(ReferenceAdapter):
    """Remembers the leverage locally and never tells the exchange."""

    name = "cached-leverage"

    def set_futures_leverage(self, symbol: str, leverage: int) -> None:
        self.leverage = leverage


class SpotOnlyAdapter(ReferenceAdapter):
    """A spot-only client: none of the futures operations."""

    name = "spot-only"
    set_futures_position_mode = Adapter.set_futures_position_mode
    set_futures_leverage = Adapter.set_futures_leverage
    place_futures_order = Adapter.place_futures_order
    cancel_futures_order = Adapter.cancel_futures_order
    fetch_futures_order = Adapter.fetch_futures_order
    fetch_futures_positions = Adapter.fetch_futures_positions


def test_the_reference_client_passes_the_futures_checks(vm: VirtualMock) -> None:
    result = vm.run(ReferenceAdapter, FUT)
    assert statuses(result) == dict.fromkeys(["FUT-001", "FUT-002", "FUT-003", "FUT-004", "FUT-005"], "pass"), {
        v.check.id: v.message for v in result.verdicts}


@pytest.mark.parametrize(("adapter", "expected", "why"), [
    (StateFieldAdapter, "FUT-001", "reported as 'None'"),
    (IntuitiveCloseAdapter, "FUT-002", "closing the long failed"),
    (DroppedReduceOnlyAdapter, "FUT-003", "without reduceOnly"),
    (OnePositionAdapter, "FUT-004", "reported positions"),
    (CachedLeverageAdapter, "FUT-005", "the mock's leverage is 20"),
])
def test_a_broken_futures_client_fails_the_check_aimed_at_its_bug(vm: VirtualMock, adapter: type[ReferenceAdapter],
                                                                 expected: str, why: str) -> None:
    result = vm.run(adapter, FUT)
    assert failed(result) == {expected}, {v.check.id: v.message for v in result.verdicts}
    [verdict] = [v for v in result.verdicts if v.check.id == expected]
    assert why in verdict.message, verdict.message
    assert result.exit_code() == 1


def test_a_client_without_futures_skips_the_futures_checks(vm: VirtualMock) -> None:
    result = vm.run(SpotOnlyAdapter, FUT)
    assert set(statuses(result).values()) == {"skip"}
    assert result.exit_code(strict=True) == 0

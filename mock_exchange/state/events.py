"""State events: what just changed in the state (orders, fills, balances, the clock), told synchronously
to whoever listens (the WebSocket fan-out). The state layer emits them; it knows nothing of its listeners.

Events are emitted inside the state transition that caused them, so a listener that renders them at
once sees exactly what a REST read would answer at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .orders import Fill, Order

if TYPE_CHECKING:  # futures/ imports the account store, which imports this module
    from .futures.model import FuturesFill, FuturesOrder
    from .futures.plan_model import FuturesPlan
    from .plans import PlanOrder

PLACED, CLOSED = "placed", "closed"
PLAN_PLACED, PLAN_MODIFIED, PLAN_CLOSED = "placed", "modified", "closed"


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """An order was placed (`kind` PLACED, status live) or closed (CLOSED: filled or cancelled)."""

    order: Order
    kind: str


@dataclass(frozen=True, slots=True)
class FillMade:
    """One fill of an order; the order already carries it (volumes, status, fee)."""

    order: Order
    fill: Fill


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    """A balance of one account changed (`account_type` as in Account.wallets: "spot", ...)."""

    uid: str
    coin: str
    account_type: str = "spot"


@dataclass(frozen=True, slots=True)
class ClockMoved:
    """Time-driven state has caught up with the clock at `now_ms` (which may be earlier than before)."""

    now_ms: int


@dataclass(frozen=True, slots=True)
class FuturesOrderChanged:
    """A futures order was placed, filled (`fill` set; the order already carries it) or closed."""

    order: FuturesOrder
    fill: FuturesFill | None = None


@dataclass(frozen=True, slots=True)
class FuturesAccountChanged:
    """Something of one account's futures product changed: a wallet, a position, a setting."""

    uid: str
    product: str


@dataclass(frozen=True, slots=True)
class FuturesPlanChanged:
    """A futures conditional order (trigger or TP/SL) was placed or modified (`plan.status` live), or
    ended: cancelled, executed (`plan.order_id` the order it placed) or fail_trigger."""

    plan: FuturesPlan


@dataclass(frozen=True, slots=True)
class PlanChanged:
    """A spot plan order was placed, modified, or closed (`plan.status`: executed with `plan.order_id`,
    fail_execute with `plan.reason`, or cancelled): the hook for the `orders-algo` channel."""

    plan: PlanOrder
    kind: str


Event = (OrderChanged | FillMade | BalanceChanged | ClockMoved | FuturesOrderChanged | FuturesAccountChanged
         | FuturesPlanChanged | PlanChanged)
Listener = Callable[[Event], None]


class Events:
    """The listeners of one mock's state. `listeners` is read by emitters to skip building an event
    nobody hears (the hot paths: every order placed)."""

    def __init__(self) -> None:
        self.listeners: list[Listener] = []

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self.listeners.append(listener)

        def remove() -> None:
            if listener in self.listeners:
                self.listeners.remove(listener)

        return remove

    def emit(self, event: Event) -> None:
        for listener in tuple(self.listeners):  # a listener may remove itself
            listener(event)

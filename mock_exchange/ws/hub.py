"""The socket fan-out: open connections, who is subscribed to what, per-IP connection limits, and the
state-event listener that turns each state change into pushes for the connections that want it.

Pushes are rendered while the state event is being emitted, inside the state transition, so what a
client receives is what REST answers at that moment. The listener is attached only while at least
one connection is open: without sockets the state's hot paths pay nothing for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import WS_TOO_MANY, WsError
from ..journal import JournalEntry
from ..state.events import (
    BalanceChanged,
    ClockMoved,
    Event,
    FillMade,
    FuturesAccountChanged,
    FuturesOrderChanged,
    FuturesPlanChanged,
    OrderChanged,
    PlanChanged,
)
from ..state.orders import Fill, Order
from ..state.wallet import FUTURES_WALLETS
from . import private_futures as pf
from .books import Level, applied, checksum
from .connection import GOING_AWAY, Connection, moving_window_full
from .faults import SocketFaults
from .feeds import PublicFeeds
from .limits import WsLimits, ws_limits
from .private import account_item, fill_item, order_item, plan_item
from .protocol import DEFAULT, SNAPSHOT, SPOT, UPDATE, Topic, push

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("mock_exchange.ws")
TICK_S = 0.05  # how often a system clock is looked at for walk steps, idle and lifetime cuts
_PRODUCT_OF_WALLET = {wallet: product for product, wallet in FUTURES_WALLETS.items()}


class Hub:
    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.limits: WsLimits = ws_limits(svc.config.ws_limits)
        self.faults = SocketFaults()
        # books topics whose subscribers missed deltas (skipBookUpdates): the (asks, bids) they hold
        self._held: dict[Topic, tuple[list[Level], list[Level]]] = {}
        ex = svc.exchange
        self.feeds = PublicFeeds(ex.market, ex.futures_market, ex.futures_series)
        self.connections: dict[int, Connection] = {}
        self.subscribers: dict[Topic, dict[Connection, bytes]] = {}
        self.by_uid: dict[str, set[Connection]] = {}
        self.attempts: dict[str, deque[int]] = {}
        self.open_by_ip: dict[str, int] = {}
        self._unlisten: Any = None
        self._ticker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._dirty: set[tuple[str, str]] = set()  # (uid, product) whose account/positions are to be pushed

    # -- connections --------------------------------------------------------------------
    def admit(self, ip: str, now_ms: int) -> WsError | None:
        """None when a new connection from `ip` may open; else the error it gets before the close."""
        times = self.attempts.setdefault(ip, deque())
        if moving_window_full(times, now_ms, self.limits.attempts_window_ms, self.limits.attempts):
            return WsError(WS_TOO_MANY)
        if self.open_by_ip.get(ip, 0) >= self.limits.connections:
            return WsError(WS_TOO_MANY)
        return None

    def open(self, conn: Connection) -> None:
        self.connections[conn.id] = conn
        self.open_by_ip[conn.ip] = self.open_by_ip.get(conn.ip, 0) + 1
        if self._unlisten is None:
            self._unlisten = self.svc.exchange.events.listen(self.on_event)
        self._loop = asyncio.get_running_loop()
        if self._ticker is None or self._ticker.done():
            self._ticker = self._loop.create_task(self._tick())
        self.record(conn, "connect")

    def remove(self, conn: Connection) -> None:
        if self.connections.pop(conn.id, None) is None:
            return
        left = self.open_by_ip.get(conn.ip, 1) - 1
        if left:
            self.open_by_ip[conn.ip] = left
        else:
            self.open_by_ip.pop(conn.ip, None)
        for topic in list(conn.subs):
            self.unsubscribe(conn, topic)
        if conn.uid is not None:
            self.by_uid.get(conn.uid, set()).discard(conn)
        self.record(conn, "close", code=conn.close_code, reason=conn.close_reason)
        if not self.connections and self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    def logged_in(self, conn: Connection) -> None:
        if conn.uid is not None:
            self.by_uid.setdefault(conn.uid, set()).add(conn)

    def drop(self, conn_id: int | None = None, code: int = GOING_AWAY, reason: str = "dropped") -> int:
        """Close one connection (by id) or all; returns how many were closed."""
        chosen = list(self.connections.values()) if conn_id is None else [self.connections[conn_id]] \
            if conn_id in self.connections else []
        for conn in chosen:
            conn.close(code, reason, flush=False)
        return len(chosen)

    def reset(self) -> None:
        """Admin reset: faults and per-IP counters cleared; open connections stay (their state is the
        sockets', not the exchange's)."""
        self.faults.clear()
        self._held.clear()
        self.attempts.clear()

    # -- subscriptions ------------------------------------------------------------------
    def subscribe(self, conn: Connection, topic: Topic, arg: Any) -> bool:
        """Add a subscription; False when the connection already had the topic (no second stream)."""
        if topic in conn.subs:
            return False
        arg_json = orjson.dumps(arg)
        conn.subs[topic] = arg_json
        self.subscribers.setdefault(topic, {})[conn] = arg_json
        return True

    def unsubscribe(self, conn: Connection, topic: Topic) -> None:
        if conn.subs.pop(topic, None) is None:
            return
        conn.futures_last.pop(topic, None)
        subs = self.subscribers.get(topic)
        if subs is not None:
            subs.pop(conn, None)
            if not subs:
                del self.subscribers[topic]
                self.feeds.forget(topic)
                self._held.pop(topic, None)

    # -- delivery -----------------------------------------------------------------------
    def deliver(self, conn: Connection, message: bytes, now_ms: int) -> None:
        """Send one push through the active faults (delay on the server's clock, pairwise reorder)."""
        faults = self.faults
        if faults.delay_ms:
            conn.held.append((now_ms + faults.delay_ms, message))
        elif faults.reorder:
            if conn.swap is None:
                conn.swap = message
            else:
                conn.send(message)
                conn.send(conn.swap)
                conn.swap = None
        else:
            conn.send(message)

    def _release(self, conn: Connection, now_ms: int) -> None:
        if conn.held:
            due = [m for t, m in conn.held if t <= now_ms]
            conn.held = [(t, m) for t, m in conn.held if t > now_ms]
            for message in due:
                conn.send(message)
        if conn.swap is not None and not self.faults.reorder:
            conn.send(conn.swap)
            conn.swap = None

    # -- state events -------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        try:
            now = self.svc.clock.now_ms()
            if isinstance(event, ClockMoved):
                self._clock_moved(event.now_ms)
            elif isinstance(event, FillMade):
                self._order(event.order, event.fill, now)
            elif isinstance(event, OrderChanged):
                self._order(event.order, None, now)
            elif isinstance(event, BalanceChanged):
                self._balance(event, now)
            elif isinstance(event, FuturesOrderChanged):
                self._futures_order(event, now)
            elif isinstance(event, FuturesAccountChanged):
                self._futures_changed(event.uid, event.product)
            elif isinstance(event, PlanChanged):
                spot_plan = event.plan
                targets = self._private(spot_plan.uid, "orders-algo", spot_plan.sym.symbol)
                if targets:
                    self._push_all(targets, orjson.dumps([plan_item(spot_plan)]), now)
            elif isinstance(event, FuturesPlanChanged):
                plan = event.plan
                targets = self._private(plan.uid, "orders-algo", plan.contract.symbol, plan.product)
                if targets:
                    self._push_all(targets, orjson.dumps([pf.plan_item(plan)]), now)
        except Exception:  # a bug of ours must never fail the state transition that emitted the event
            log.exception("socket push failed for %r", event)

    def _clock_moved(self, now: int) -> None:
        limits = self.limits
        for conn in list(self.connections.values()):
            if now - conn.last_ping_ms >= limits.idle_ms:
                conn.close(GOING_AWAY, "no ping")
            elif now - conn.opened_ms >= limits.lifetime_ms:
                conn.close(GOING_AWAY, "24h cut")
            else:
                self._release(conn, now)
        for topic, subs in list(self.subscribers.items()):
            if topic.private:
                continue
            before = None  # the book before this delta: only needed to start holding one
            if topic.channel == "books" and self.faults.skip_books and topic not in self._held:
                state = self.feeds.topics.get(topic)
                before = (state.asks, state.bids) if state is not None else None
            pushed = self.feeds.update(topic, now)
            if pushed is None:
                continue
            action, data = pushed
            if topic.channel == "books" and action == UPDATE and self._skipped(topic, before, data):
                continue
            for conn, arg_json in list(subs.items()):
                self.deliver(conn, push(action, arg_json, data, now), now)
        self._marks_moved(now)

    def _skipped(self, topic: Topic, before: tuple[list[Level], list[Level]] | None, data: bytes) -> bool:
        """Whether the `skipBookUpdates` fault drops this `books` delta. It drops deltas until one goes
        out that shows the gap: the subscribers' book (as it was before the first dropped delta, with
        this one applied) no longer hashes to the checksum this push carries. A dropped delta that the
        next one overwrites, or that changed only levels below the checksum's top 25, leaves a correct
        client nothing to detect, so the next delta is dropped too and the count waits."""
        held = self._held.get(topic)
        if held is None:
            if before is None:  # no fault in force
                return False
            self._held[topic] = before
            return True
        if not self.faults.skip_books:  # the fault was cleared meanwhile
            del self._held[topic]
            return False
        item = orjson.loads(data)[0]
        asks, bids = applied(held[0], item["asks"], True), applied(held[1], item["bids"], False)
        if checksum(bids, asks) == int(item["checksum"]):
            return True  # nothing to see yet: dropped as well, the subscribers' book stays as it was
        del self._held[topic]
        self.faults.skip_books -= 1
        return False

    def _marks_moved(self, now: int) -> None:
        """A clock step moves mark prices: each `account`/`positions` subscriber of an account holding
        positions of that product gets the snapshot again, only when it differs from the last one pushed."""
        positions = self.svc.exchange.futures.engine.positions
        for uid in sorted(self.by_uid):
            held = {p.product for p in positions.get(uid, {}).values()}
            for product in sorted(held):
                self._futures_snapshots(uid, product, now, changed_only=True)

    def _private(self, uid: str, channel: str, target: str, inst_type: str = SPOT) -> list[tuple[Connection, bytes]]:
        """The (connection, arg) pairs of `uid` subscribed to `channel` of `inst_type` for `target` or
        "default" (a demo S* instType streams its real product's state)."""
        out = []
        for conn in self.by_uid.get(uid, ()):
            for topic, arg_json in conn.subs.items():
                if topic.channel == channel and topic.inst_type == inst_type and topic.target in (target, DEFAULT):
                    out.append((conn, arg_json))
        return out

    def _push_all(self, targets: list[tuple[Connection, bytes]], data: bytes, now: int) -> None:
        for conn, arg_json in targets:
            self.deliver(conn, push(SNAPSHOT, arg_json, data, now), now)

    def _futures_order(self, event: FuturesOrderChanged, now: int) -> None:
        order, fill = event.order, event.fill
        targets = self._private(order.uid, "orders", order.contract.symbol, order.product)
        if targets:
            self._push_all(targets, orjson.dumps([pf.order_item(order, fill)]), now)
        if fill is not None:
            targets = self._private(order.uid, "fill", order.contract.symbol, order.product)
            if targets:
                self._push_all(targets, orjson.dumps([pf.fill_item(order, fill)]), now)

    def _futures_changed(self, uid: str, product: str) -> None:
        """Mark `uid`'s `product` for an `account` and `positions` push. Many changes in one state
        transition (a batch, a cancel-all, a clock step) make one push of each, sent right after it."""
        if uid not in self.by_uid:
            return
        if not self._dirty and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._flush)
        self._dirty.add((uid, product))

    def _flush(self) -> None:
        dirty, self._dirty = self._dirty, set()
        now = self.svc.clock.now_ms()
        try:
            for uid, product in sorted(dirty):
                self._futures_snapshots(uid, product, now)
        except Exception:
            log.exception("futures account push failed")

    def _futures_snapshots(self, uid: str, product: str, now: int, changed_only: bool = False) -> None:
        ex = self.svc.exchange
        for conn in sorted(self.by_uid.get(uid, ()), key=lambda c: c.id):
            for topic, arg_json in list(conn.subs.items()):
                if topic.inst_type != product or topic.channel not in ("account", "positions"):
                    continue
                data = pf.snapshot(ex, uid, topic, now)
                if changed_only and conn.futures_last.get(topic) == data:
                    continue
                conn.futures_last[topic] = data
                self.deliver(conn, push(SNAPSHOT, arg_json, data, now), now)

    def _order(self, order: Order, fill: Fill | None, now: int) -> None:
        targets = self._private(order.uid, "orders", order.sym.symbol)
        if targets:
            data = orjson.dumps([order_item(order, fill)])
            for conn, arg_json in targets:
                self.deliver(conn, push(SNAPSHOT, arg_json, data, now), now)
        if fill is not None:
            targets = self._private(order.uid, "fill", order.sym.symbol)
            if targets:
                data = orjson.dumps([fill_item(fill)])
                for conn, arg_json in targets:
                    self.deliver(conn, push(SNAPSHOT, arg_json, data, now), now)

    def _balance(self, event: BalanceChanged, now: int) -> None:
        if event.account_type != "spot":
            product = _PRODUCT_OF_WALLET.get(event.account_type)
            if product is not None:
                self._futures_changed(event.uid, product)
            return
        targets = self._private(event.uid, "account", event.coin)
        if not targets:
            return
        balance = self.svc.exchange.accounts.account(event.uid).balance(event.coin)
        data = orjson.dumps([account_item(event.coin, balance)])
        for conn, arg_json in targets:
            self.deliver(conn, push(SNAPSHOT, arg_json, data, now), now)

    # -- time ---------------------------------------------------------------------------
    async def _tick(self) -> None:
        """While sockets are open: catch the state up with a running clock (a manual clock moves only
        through the admin API, which catches up itself, so this then finds nothing to do)."""
        while self.connections:
            self.svc.exchange.catch_up(self.svc.clock.now_ms())
            await asyncio.sleep(TICK_S)

    # -- journal ------------------------------------------------------------------------
    def record(self, conn: Connection, event: str, code: int | None = None, key: str | None = None,
               arg: Any = None, reason: str | None = None) -> None:
        """One journal entry per socket event; only the key's id ever, never a passphrase or sign."""
        entry: JournalEntry = {
            "ts": self.svc.clock.now_ms(), "method": "WS", "path": "/v2/ws/private" if conn.private
            else "/v2/ws/public", "query": "", "ip": conn.ip, "status": None,
            "code": None if code is None else str(code), "uid": conn.uid, "key": key, "apiKey": conn.api_key,
            "bucket": None, "ws": event, "connection": conn.id,
        }
        if arg is not None:
            entry["arg"] = arg
        if reason is not None:
            entry["reason"] = reason
        self.svc.journal.record(entry)


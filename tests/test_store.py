"""The SQLite store: any sequence of state changes, reopened from the file, gives the same state;
refused calls leave no trace; the file is owner-only; files it cannot read are refused in one line."""

from __future__ import annotations

import os
import pickle
import pickletools
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Mapping
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mock_exchange.config import Config
from mock_exchange.errors import BitgetError
from mock_exchange.routes import ENDPOINTS
from mock_exchange.services import Services
from mock_exchange.state.events import Events
from mock_exchange.state.futures_market import FuturesMarket
from mock_exchange.state.futures_series import FuturesSeries
from mock_exchange.state.market import Market
from mock_exchange.state.plans import PlanEdit, PlanSpec
from mock_exchange.state.trading import OrderSpec
from mock_exchange.store import MemoryStore, SqliteStore, StateFileError, sqlite
from mock_exchange.store.codec import Codec, shape_of

from .helpers import NOW, UID, seed_accounts

# market data (pure functions of seed and clock, with caches filled by reads) and the event listeners
SKIP = (Market, FuturesMarket, FuturesSeries, Events)


def canon(obj: Any, seen: dict[int, int] | None = None) -> Any:
    """The state as nested plain values (order kept, shared objects named once, named tuples by value), to
    compare two copies."""
    seen = {} if seen is None else seen
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return obj
    if isinstance(obj, type):
        return ("type", obj.__qualname__)
    if isinstance(obj, Decimal):
        return ("D", str(obj))
    if isinstance(obj, random.Random):
        return ("rng", obj.getstate())
    if isinstance(obj, SKIP) or type(obj).__module__ == "mock_exchange.clock":
        return ("skip", type(obj).__name__)
    if type(obj) is not tuple and isinstance(obj, tuple):  # a named tuple is a value: whether it is shared is not state
        return ("tuple", type(obj).__qualname__, [canon(x, seen) for x in obj])
    if id(obj) in seen:
        return ("ref", type(obj).__qualname__)
    seen[id(obj)] = len(seen)
    if isinstance(obj, Mapping):
        # a lookup may leave an empty entry behind (a zero balance, no transfers yet): not state
        pairs = [(canon(k, seen), canon(v, seen)) for k, v in obj.items()]
        return ("map", [(k, v) for k, v in pairs if not _empty(v)])
    if isinstance(obj, (set, frozenset)):
        return ("set", sorted(repr(canon(x, seen)) for x in obj))
    if isinstance(obj, (list, tuple)) or type(obj).__name__ in ("deque", "array", "SortedList"):
        return ("seq", [canon(x, seen) for x in obj])
    if callable(obj) and not hasattr(obj, "__dict__") and not hasattr(obj, "__slots__"):
        return ("fn", getattr(obj, "__qualname__", repr(obj)))
    fields = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()):
            if hasattr(obj, name):
                fields[name] = getattr(obj, name)
    return (type(obj).__qualname__, [(k, canon(v, seen)) for k, v in sorted(fields.items())])


def _empty(value: Any) -> bool:
    if value in (None, 0, 2**63, ("D", "0"), ("map", []), ("seq", []), ("set", [])):  # 2**63: "no time yet"
        return True
    if isinstance(value, tuple) and value[:1] == ("type",):  # a factory, not content
        return True
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list) and value[0] not in (
        "map", "seq", "set") and all(isinstance(f, tuple) and _empty(f[1]) for f in value[1])


def state_of(svc: Services) -> Any:
    ex = svc.exchange
    return canon((ex.components(), ex.mint.count, svc.clock.saved()))


def open_services(path: Path) -> Services:
    return Services(Config(manual_clock=True, clock_start_ms=NOW, state_file=path), ENDPOINTS, seed_accounts())


def crash_copy(path: Path) -> Path:
    """The state file (and its write-ahead log) copied as they are on disk now, as a crash would leave
    them: a running mock holds its file exclusively, so a second mock reads a copy."""
    where = Path(tempfile.mkdtemp(prefix="crash-", dir=path.parent))
    for f in (path, Path(f"{path}-wal")):
        if f.exists():
            shutil.copyfile(f, where / f.name)
    return where / path.name


def db(svc: Services) -> sqlite3.Connection:
    store = svc.store
    assert isinstance(store, SqliteStore)
    return store.db


class StoreMachine(RuleBasedStateMachine):
    """Random changes through the state's own entry points (what handlers call); at every step a
    second mock opened on the file as a crash would leave it must hold exactly the live state."""

    @initialize()
    def start(self) -> None:
        self.dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"store-machine-{os.getpid()}-{random.random()}"
        self.dir.mkdir()
        self.path = self.dir / "state.db"
        self.svc = open_services(self.path)
        self.orders: list[str] = []
        self.plans: list[str] = []
        self.keys: list[str] = []
        self.uids = [UID]

    def teardown(self) -> None:
        if hasattr(self, "svc"):
            self.svc.store.close()
            for f in self.dir.iterdir():
                f.unlink()
            self.dir.rmdir()

    @property
    def now(self) -> int:
        return self.svc.clock.now_ms()

    def _try(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except BitgetError:
            return None

    @rule(side=st.sampled_from(["buy", "sell"]), ratio=st.sampled_from(["0.999", "1", "1.001", "0.5", "2"]),
          size=st.sampled_from(["0.001", "0.01", "5"]), kind=st.sampled_from(["limit", "market"]))
    def place(self, side: str, ratio: str, size: str, kind: str) -> None:
        ex = self.svc.exchange
        price = (ex.market.last_price(ex.market.symbol("BTCUSDT"), self.now) * Decimal(ratio)).quantize(Decimal("0.01"))
        spec = OrderSpec("BTCUSDT", side, kind, Decimal(size), "gtc", price if kind == "limit" else None)
        order = self._try(ex.trading.place, self.uids[0], spec, self.now)
        if order is not None:
            self.orders.append(str(order.oid))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        oid = data.draw(st.sampled_from(self.orders))
        self._try(self.svc.exchange.trading.cancel, UID, None, oid, None, self.now)

    @rule(ratio=st.sampled_from(["0.9995", "1", "1.0005", "3"]), kind=st.sampled_from(["limit", "market"]))
    def place_plan(self, ratio: str, kind: str) -> None:
        ex = self.svc.exchange
        trigger = (ex.market.last_price(ex.market.symbol("BTCUSDT"), self.now) * Decimal(ratio)).quantize(
            Decimal("0.01"))
        spec = PlanSpec("BTCUSDT", "buy", trigger, "fill_price", kind, Decimal("0.001"), "amount",
                        trigger if kind == "limit" else None)
        plan = self._try(ex.plans.place, self.uids[0], spec, self.now)
        if plan is not None:
            self.plans.append(str(plan.oid))

    @precondition(lambda self: self.plans)
    @rule(data=st.data(), ratio=st.sampled_from(["0.9995", "1.0005"]), cancel=st.booleans())
    def change_plan(self, data: st.DataObject, ratio: str, cancel: bool) -> None:
        ex = self.svc.exchange
        oid = data.draw(st.sampled_from(self.plans))
        if cancel:
            self._try(ex.plans.cancel, UID, oid, None, self.now)
            return
        trigger = (ex.market.last_price(ex.market.symbol("BTCUSDT"), self.now) * Decimal(ratio)).quantize(
            Decimal("0.01"))
        self._try(ex.plans.modify, UID, oid, None, PlanEdit(trigger, "market", Decimal("0.002")), self.now)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), ratio=st.sampled_from(["0.99", "1.2"]))
    def replace(self, data: st.DataObject, ratio: str) -> None:
        ex = self.svc.exchange
        oid = data.draw(st.sampled_from(self.orders))
        price = (ex.market.last_price(ex.market.symbol("BTCUSDT"), self.now) * Decimal(ratio)).quantize(
            Decimal("0.01"))
        order = self._try(ex.trading.replace, UID, "BTCUSDT", oid, None, price, Decimal("0.001"), None, {},
                          self.now)
        if order is not None:
            self.orders.append(str(order.oid))

    @rule(amount=st.sampled_from(["1", "250", "1000000"]), back=st.booleans())
    def transfer(self, amount: str, back: bool) -> None:
        a, b = ("usdt_futures", "spot") if back else ("spot", "usdt_futures")
        self._try(self.svc.exchange.wallet.transfer, UID, a, b, "USDT", Decimal(amount), None, None, self.now)

    @rule(size=st.sampled_from(["0.5", "3"]))
    def deposit(self, size: str) -> None:
        self._try(self.svc.exchange.wallet.deposit, UID, "BTC", Decimal(size), None, None, self.now)

    @rule()
    def new_account_and_key(self) -> None:
        accounts = self.svc.exchange.accounts
        account = accounts.create_account(self.now)
        accounts.set_balances(account.uid, {"USDT": "500"}, self.now)
        key, _ = accounts.create_key(account.uid, self.now, permissions=["spot_trade"])
        self.keys.append(key.api_key)
        self.uids.append(account.uid)

    @precondition(lambda self: self.keys)
    @rule()
    def delete_key(self) -> None:
        self.svc.exchange.accounts.delete_key(self.keys.pop())

    @rule(ms=st.sampled_from([1, 999, 1000, 7000, 60_000]))
    def advance_clock(self, ms: int) -> None:
        self.svc.clock.advance(ms)
        self.svc.on_clock_moved()

    @rule()
    def refused(self) -> None:
        with pytest.raises(BitgetError):
            self.svc.exchange.trading.cancel(UID, None, "1", None, self.now)

    @precondition(lambda self: random.random() < 0.1)  # now and then (the draw itself is not state)
    @rule()
    def reset(self) -> None:
        self.svc.reset()
        self.orders.clear()
        self.plans.clear()
        self.keys.clear()
        self.uids = [UID]

    @invariant()
    def reopened_file_holds_the_live_state(self) -> None:
        if not hasattr(self, "svc"):
            return
        copy = crash_copy(self.path)
        other = open_services(copy)
        try:
            assert state_of(other) == state_of(self.svc)
        finally:
            other.store.close()
            shutil.rmtree(copy.parent)


TestStoreMachine = StoreMachine.TestCase
TestStoreMachine.settings = settings(max_examples=12, stateful_step_count=12, deadline=None)


def test_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    svc = open_services(path)
    svc.exchange.accounts.create_account(NOW)
    for f in (path, Path(f"{path}-wal")):
        assert f.stat().st_mode & 0o777 == 0o600
    svc.store.close()


def test_memory_is_the_default_and_wraps_nothing() -> None:
    svc = Services(Config(manual_clock=True, clock_start_ms=NOW), ENDPOINTS, seed_accounts())
    assert isinstance(svc.store, MemoryStore)
    for part in svc.exchange.components().values():
        assert not any(callable(v) and getattr(v, "__name__", "") == "recorded" for v in vars(part).values())


def test_compaction_folds_changes_into_the_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite, "COMPACT_EVERY", 3)
    path = tmp_path / "s.db"
    svc = open_services(path)
    for n in range(7):
        svc.exchange.wallet.deposit(UID, "BTC", Decimal(n + 1), None, None, NOW)
    assert db(svc).execute("SELECT COUNT(*) FROM changes").fetchone() == (1,)
    assert state_of(open_services(crash_copy(path))) == state_of(svc)


def test_a_file_in_use_is_refused(tmp_path: Path) -> None:
    # two mocks on one file would interleave their logs: the second is refused at once, in one line
    path = tmp_path / "s.db"
    svc = open_services(path)
    with pytest.raises(StateFileError, match="in use by another process"):
        SqliteStore(path)
    svc.store.close()
    SqliteStore(path).close()  # free again once the first has stopped


@pytest.mark.parametrize("version", [0, 2, 99])
def test_other_schema_versions_are_refused(tmp_path: Path, version: int) -> None:
    path = tmp_path / "s.db"
    open_services(path).store.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(f"PRAGMA user_version={version}")
    with pytest.raises(StateFileError, match=f"schema version {version}, this mock reads version 1"):
        SqliteStore(path)


def test_a_changed_state_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_services(path).store.close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE meta SET value = 'elsewhere' WHERE name = 'state shape'")
    with pytest.raises(StateFileError, match="another shape"):
        SqliteStore(path)


def test_a_class_turned_from_tuple_to_dataclass_changes_the_shape() -> None:
    # the same fields, pickled another way: a file with the old pickles must be refused, not misread
    from dataclasses import dataclass
    from typing import NamedTuple

    class AsTuple(NamedTuple):
        a: int
        b: str

    @dataclass(slots=True)
    class AsSlots:
        a: int
        b: str

    assert shape_of(AsTuple) != shape_of(AsSlots)
    assert shape_of(AsTuple)[1:] == shape_of(AsSlots)[1:] == ["a", "b"]


def test_the_specs_pickle_as_their_arguments() -> None:
    # a recorded call carries its spec: stored as constructor arguments, not as a dict of field names
    from mock_exchange.state.futures.model import FuturesOrderSpec
    from mock_exchange.state.plans import PlanSpec

    codec = Codec({})
    specs = [OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.02"), "ioc", Decimal("100"), "c-1"),
             FuturesOrderSpec("BTCUSDT", "USDT-FUTURES", "USDT", "crossed", "buy", "limit", Decimal("0.01"),
                              Decimal("1000"), "ioc", "open", False, None, {"presetStopLossPrice": "900"}),
             PlanSpec("BTCUSDT", "buy", Decimal("900000"), "fill_price", "market", Decimal("20"), "total")]
    for spec in specs:
        data = codec.encode(spec)
        assert codec.decode(data) == spec
        assert b"client_oid" not in data and b"symbol" not in data


def test_loading_refuses_foreign_classes() -> None:
    codec = Codec({})
    with pytest.raises(pickle.UnpicklingError, match="not part of the mock's state"):
        codec.decode(pickle.dumps(os.system))
    assert codec.decode(codec.encode({"x": Decimal("1.5")})) == {"x": Decimal("1.5")}


class _ByName(pickle.Pickler):
    """A pickler that stores `os.system` by name, as the mock stores its constants and classes."""

    def persistent_id(self, obj: Any) -> Any:
        return ("os", "system") if obj is os.system else None


def test_loading_refuses_foreign_names_as_it_refuses_foreign_classes() -> None:
    """A crafted file naming something outside the mock (a persistent id, or the mock's own by-name
    reference) is refused: a name is no way around the class check."""
    import io

    from mock_exchange.store import codec as codec_module

    buf = io.BytesIO()
    _ByName(buf).dump([os.system])
    with pytest.raises(pickle.UnpicklingError, match="not part of the mock's state"):
        Codec({}).decode(buf.getvalue())
    class Crafted:
        def __reduce__(self) -> Any:
            return codec_module._by_name, (("os", "system"),)

    with pytest.raises(pickle.UnpicklingError, match="not part of the mock's state"):
        Codec({}).decode(pickle.dumps(Crafted()))


def test_recorded_calls_name_their_classes_and_constants_and_come_back_the_same() -> None:
    from mock_exchange.state.catalog import SYMBOLS_BY_NAME
    from mock_exchange.store.recorder import Call

    codec = Codec({})
    spec = OrderSpec("BTCUSDT", "buy", "limit", Decimal("0.02"), "ioc", Decimal("100"), "c-1")
    call = Call("trading", "place", (UID, spec, NOW), {"symbol": SYMBOLS_BY_NAME["BTCUSDT"]})
    data = codec.encode(call)
    imported = [arg for op, arg, _ in pickletools.genops(data) if op.name in ("GLOBAL", "STACK_GLOBAL")]
    assert len(imported) == 1  # `_by_name` only: every class and constant by its name, no import per class
    back = codec.decode(data)
    assert back == call and type(back) is Call and type(back.args[1]) is OrderSpec
    assert back.kwargs["symbol"] is SYMBOLS_BY_NAME["BTCUSDT"]

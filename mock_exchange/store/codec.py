"""State to bytes and back (pickle, with three rules): the live parts (clock, event listeners) stay
the running server's, the catalogue's shared constants (symbols, coins, chains) come back as the very
same objects, and loading accepts only the mock's own classes and a short list of standard ones.

Identity matters for the constants (`order.sym is symbol` is how the state compares them), so they
are stored by name, not copied; so are the classes, which saves pickle an import lookup per class in
every recorded call (a recorded place-order: 146k -> 78k instructions to encode). A stored name is
looked up only inside the mock's modules or among the standard classes loading accepts. Anything
without a pickle form of its own (RSA public keys, Bitget errors, read-only mappings) gets one here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import operator
import pickle
import pkgutil
import sys
from functools import lru_cache
from types import MappingProxyType, ModuleType
from typing import Any, Callable, TypeVar

PROTOCOL = pickle.HIGHEST_PROTOCOL
STATE_PACKAGE = "mock_exchange.state"
_SAFE = {  # standard classes the state is made of (loading anything else is refused)
    "builtins": {"set", "frozenset", "bytearray", "complex", "slice", "range", "dict", "list", "tuple", "int",
                 "float", "str", "bool", "bytes", "object"},
    "collections": {"deque", "OrderedDict", "defaultdict", "Counter"},
    "decimal": {"Decimal"},
    "random": {"Random"},
    "array": {"array", "_array_reconstructor"},
    "copyreg": {"_reconstructor"},
    "types": {"MappingProxyType", "SimpleNamespace"},
    "sortedcontainers.sortedlist": {"SortedList", "SortedKeyList"},
    "sortedcontainers.sorteddict": {"SortedDict"},
}


T = TypeVar("T", bound=type)
_BY_ARGUMENTS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def by_arguments(cls: T) -> T:
    """Pickle a dataclass's instances as the arguments of its constructor (every field, in order), as
    compact and as cheap as a NamedTuple's pickle, where copyreg's way stores a dict of slot names
    (~2x the work for a recorded order). For records built whole by __init__ that hold no reference
    back into the state: the request specs every recorded call carries."""
    _BY_ARGUMENTS[cls] = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))
    return cls


def _state_modules() -> list[ModuleType]:
    """Every module of the state package (all imported, so the answer never depends on import order)."""
    package = importlib.import_module(STATE_PACKAGE)
    names = sorted(info.name for info in pkgutil.walk_packages(package.__path__, STATE_PACKAGE + "."))
    return [package] + [importlib.import_module(name) for name in names]


def _is_constant(value: Any) -> bool:
    params = getattr(type(value), "__dataclass_params__", None)
    return params is not None and params.frozen and not isinstance(value, type)


def constants() -> dict[int, tuple[Any, ...]]:
    """id -> name of every shared constant of the state modules: module-level frozen dataclasses,
    those in module-level tuples, lists and dicts, and (one level down) in their tuple fields, plus
    module-level read-only mappings."""
    found: dict[int, tuple[Any, ...]] = {}

    def add(value: Any, name: tuple[Any, ...]) -> None:
        if id(value) in found:
            return
        found[id(value)] = name
        for f in dataclasses.fields(value):
            inner = getattr(value, f.name)
            if isinstance(inner, tuple):
                for i, item in enumerate(inner):
                    if _is_constant(item):
                        add(item, (*name, f.name, i))

    for module in _state_modules():
        for attr, value in sorted(vars(module).items()):
            where = (module.__name__, attr)
            if _is_constant(value):
                add(value, where)
            elif isinstance(value, MappingProxyType):
                found.setdefault(id(value), where)
            elif isinstance(value, (tuple, list)):
                for i, item in enumerate(value):
                    if _is_constant(item):
                        add(item, (*where, i))
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, (str, int)) and _is_constant(item):
                        add(item, (*where, key))
    return found


def classes() -> dict[int, tuple[str, str]]:
    """id -> (module, name) of the classes a state or a recorded call is made of: the state modules' own,
    the recorded call's, and the standard ones loading accepts. Stored by name like the constants, which
    spares pickle an import-machinery lookup of each class in every recorded call."""
    found: dict[int, tuple[str, str]] = {}
    modules = [*_state_modules(), importlib.import_module("mock_exchange.store.recorder")]
    for module in modules:
        for attr, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__ and value.__qualname__ == attr:
                found[id(value)] = (module.__name__, attr)
    for module_name, names in _SAFE.items():
        loaded = sys.modules.get(module_name)
        for attr in names:
            value = getattr(loaded, attr, None)
            if isinstance(value, type):
                found.setdefault(id(value), (module_name, attr))
    return found


def _loadable(name: tuple[Any, ...]) -> bool:
    """Whether a stored name may be looked up: in the mock's own modules, or a standard class loading accepts."""
    return (len(name) >= 2 and isinstance(name[0], str) and isinstance(name[1], str)
            and (name[0].startswith("mock_exchange.") or (len(name) == 2 and name[1] in _SAFE.get(name[0], ()))))


def _resolve(name: tuple[Any, ...]) -> Any:
    if not _loadable(name):
        raise pickle.UnpicklingError(f"{name!r} is not part of the mock's state")
    value: Any = sys.modules[name[0]]
    value = getattr(value, name[1])
    for step in name[2:]:
        value = getattr(value, step) if isinstance(step, str) and not isinstance(value, dict) else value[step]
    return value


def _rsa_public_key(pem: bytes) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    return load_pem_public_key(pem)


def _exception(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class _Pickler(pickle.Pickler):
    """Constants and live parts by name (`_by_name`), the rest as pickle does. Through `reducer_override`,
    not `persistent_id`: pickle asks the latter about every object, ints and strings included (a Python
    call each), the former only about objects of other types, which is where names can be."""

    def __init__(self, file: io.BytesIO, names: dict[int, Any]) -> None:
        super().__init__(file, PROTOCOL)
        self.names = names

    def reducer_override(self, obj: Any) -> Any:
        name = self.names.get(id(obj))
        if name is not None:
            return _by_name, (name,)
        arguments = _BY_ARGUMENTS.get(type(obj))
        if arguments is not None:
            return type(obj), arguments(obj)
        if isinstance(obj, tuple):  # a NamedTuple (exact tuples never get here): its fields, not copyreg's way
            return type(obj), tuple(obj)
        if isinstance(obj, BaseException):
            return _exception, (type(obj), obj.args, dict(vars(obj)))
        if isinstance(obj, MappingProxyType):
            return MappingProxyType, (dict(obj),)
        if isinstance(obj, _rsa_public_class()):
            from cryptography.hazmat.primitives import serialization

            pem = obj.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            return _rsa_public_key, (pem,)
        return NotImplemented


@lru_cache(maxsize=1)
def _rsa_public_class() -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.RSAPublicKey


def _by_name(name: Any) -> Any:
    """Stands for a live part or a constant in a pickle; `_Unpickler.find_class` puts its own lookup in
    its place, so this is never called."""
    raise pickle.UnpicklingError(f"{name!r} is resolved by the mock's own unpickler only")


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, live: dict[str, Any]) -> None:
        super().__init__(file)
        self.live = live

    def persistent_load(self, pid: Any) -> Any:  # a name: live parts by a string, constants by their path
        return self.live[pid] if isinstance(pid, str) else _resolve(tuple(pid))

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_by_name":
            return self.persistent_load
        if module == __name__ or module.startswith("mock_exchange.") or name in _SAFE.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the mock's state")


class Codec:
    """Encode and decode state and recorded calls for one server: its live parts (name -> object)
    stored by name, the constants by where they are defined."""

    def __init__(self, live: dict[str, Any]) -> None:
        self.live = live
        self.names: dict[int, Any] = {**classes(), **constants(), **{id(obj): name for name, obj in live.items()}}

    def encode(self, obj: Any) -> bytes:
        buf = io.BytesIO()
        _Pickler(buf, self.names).dump(obj)  # a new one each time: a pickler's memo never shrinks
        return buf.getvalue()

    def decode(self, data: bytes) -> Any:
        return _Unpickler(io.BytesIO(data), self.live).load()


def fingerprint() -> str:
    """A digest of the state's shape (`shape_of` each state class): a file written by a mock whose
    state had another shape cannot be read back faithfully."""
    parts = []
    for module in _state_modules():
        for name, cls in sorted(vars(module).items()):
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                parts.append(f"{module.__name__}.{name}:{','.join(shape_of(cls))}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def shape_of(cls: type) -> list[str]:
    """What a class's pickles depend on: its kind (the same fields pickle differently as a tuple and
    as a dataclass) and its fields, or the names its __init__ sets."""
    if dataclasses.is_dataclass(cls):
        return ["dataclass", *(f.name for f in dataclasses.fields(cls))]
    if hasattr(cls, "_fields"):
        return ["tuple", *cls._fields]
    if "__init__" in vars(cls):
        return sorted(set(vars(cls)["__init__"].__code__.co_names))
    return []

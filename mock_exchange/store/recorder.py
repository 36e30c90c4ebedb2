"""The store's one hook into the state: `@mutation` marks the methods whose calls change state, and a
Recorder writes each outermost such call (its object's name, method and arguments) before it returns.

Replaying the recorded calls, in order, on the state they started from gives the same state again:
the state is deterministic given its seeds and the calls' arguments (times are arguments; ids come
from seeded generators that live in the state). So a marked method must take everything it depends
on as arguments (the time included) and be given plain values, not live state objects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, TypeVar

from ..errors import BitgetError

F = TypeVar("F", bound=Callable[..., Any])
MARK = "__mutation__"
ROOT = "exchange"  # the root's own marked calls may rebuild its parts (reset): recorded, then re-attached
log = logging.getLogger("mock_exchange.store")


def mutation(method: F) -> F:
    """Mark a state method whose calls change state (see the module docstring for its contract)."""
    setattr(method, MARK, True)
    return method


class Root(Protocol):
    """The state's root: its parts by stable names (the names recorded calls refer to)."""

    def components(self) -> dict[str, Any]: ...

    def live_parts(self) -> dict[str, Any]: ...


class Call(NamedTuple):
    """One recorded call: `components()[path].method(*args, **kwargs)`."""

    path: str
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


_MARKED: dict[type, tuple[str, ...]] = {}


def marked(cls: type) -> tuple[str, ...]:
    """The names of `cls`'s @mutation methods (computed once per class)."""
    names = _MARKED.get(cls)
    if names is None:
        names = _MARKED[cls] = tuple(n for n in dir(cls) if getattr(getattr(cls, n, None), MARK, False))
    return names


class Recorder:
    """Wraps the marked methods of each part of `root` (on the instances: the classes, and a mock
    without a store, pay nothing) so that every outermost call is encoded before it runs (it may
    change its arguments) and handed to `write` once it has returned, refused or failed ones too: a
    refusal changes nothing a client can see, but a lookup on the way may have left an empty entry,
    and a replay must repeat exactly what was done."""

    def __init__(self, root: Root, encode: Callable[[Call], bytes], write: Callable[[bytes], None]) -> None:
        self.root = root
        self.encode = encode
        self.write = write
        self.depth = 0
        self._wrapped: list[tuple[Any, tuple[str, ...]]] = []

    def attach(self) -> None:
        self.detach()
        for path, part in self.root.components().items():
            names = marked(type(part))
            for name in names:
                setattr(part, name, self._wrap(path, name, getattr(part, name)))
            if names:
                self._wrapped.append((part, names))

    def detach(self) -> None:
        """Back to the plain methods (a snapshot pickles the parts without the wrappers)."""
        for part, names in self._wrapped:
            for name in names:
                part.__dict__.pop(name, None)
        self._wrapped = []

    def _wrap(self, path: str, name: str, bound: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if self.depth:  # inside another marked call: replaying that one redoes this one
                return bound(*args, **kwargs)
            call = self.encode(Call(path, name, args, kwargs))
            self.depth = 1
            try:
                result = bound(*args, **kwargs)
            except BaseException:
                self.depth = 0
                self.write(call)
                raise
            self.depth = 0
            self.write(call)
            if path == ROOT:
                self.attach()
            return result

        return recorded


def replay(root: Root, call: Call) -> None:
    """Apply one recorded call to `root` (not recorded again: the parts are not attached)."""
    try:
        getattr(root.components()[call.path], call.method)(*call.args, **call.kwargs)
    except BitgetError:
        pass  # refused when first made too
    except Exception:  # it failed when first made too: the replay repeats its effect and goes on
        log.exception("replayed %s.%s failed", call.path, call.method)

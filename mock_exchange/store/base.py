"""The Store interface (where the state lives) and the in-memory store, the default."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from .recorder import Root


class Store(ABC):
    """Where a mock's state lives. `load` is called once, at start-up, with a freshly seeded state:
    it answers the state to serve (the stored one, or `fresh` when there is none) and from then on
    keeps every change of it, each on its medium before the request that made it is answered.

    Handlers and the state never call a store: the state marks its changing methods (@mutation,
    recorder.py) and the store records their calls."""

    @abstractmethod
    def load(self, fresh: Root) -> Any: ...

    @abstractmethod
    def close(self) -> None:
        """Flush what is kept (a store may fold its log into a snapshot) and let go of the medium."""


class MemoryStore(Store):
    """State in this process only (gone when it ends): records nothing, so costs nothing."""

    def load(self, fresh: Root) -> Any:
        return fresh

    def close(self) -> None:
        return None


def open_store(state_file: Path | None) -> Store:
    """The store for `--state FILE` (SQLite), or memory without it. Raises StateFileError (a
    ValueError, one line) for a file it cannot use."""
    if state_file is None:
        return MemoryStore()
    from .sqlite import SqliteStore

    return SqliteStore(state_file)

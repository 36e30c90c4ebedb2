"""Where the state lives: memory (the default) or SQLite (`--state FILE`); see docs/persistence.md."""

from .base import MemoryStore, Store, open_store
from .recorder import Call, Recorder, mutation, replay
from .sqlite import SCHEMA_VERSION, SqliteStore, StateFileError

__all__ = [
    "SCHEMA_VERSION",
    "Call",
    "MemoryStore",
    "Recorder",
    "SqliteStore",
    "StateFileError",
    "Store",
    "mutation",
    "open_store",
    "replay",
]

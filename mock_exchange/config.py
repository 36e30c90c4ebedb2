"""Server configuration: one dataclass, filled by the CLI, the environment or tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .clock import Clock
from .state.constants import RETENTION_MS


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    seed: int = 42
    manual_clock: bool = False
    clock_start_ms: int | None = None
    base_clock: Clock | None = None  # the source of system time; tests inject one
    accounts_file: Path | None = None
    demo_account: bool = True
    rate_limits: str = "bitget"  # off | bitget | path to a TOML file
    limit_algorithm: str = "moving"  # moving | fixed
    global_limit: int = 6000
    global_window_ms: int = 60_000
    global_penalty_seconds: int = 300
    retry_after: bool = False
    timestamp_window_ms: int = 30_000
    debug_signatures: bool = True
    access_log: bool = True
    state_file: Path | None = None
    admin_token: str | None = None
    journal_size: int = 1000
    max_body_bytes: int = 1 << 20
    max_closed_orders: int = 100_000
    retention_ms: int = RETENTION_MS
    ws_limits: dict[str, str] = field(default_factory=dict)  # WebSocket limit name -> value (ws/limits.py)
    extra: dict[str, str] = field(default_factory=dict)

"""Server configuration: every setting with its default, its flag, its help and its validation, in one place."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

from .clock import Clock
from .state.constants import RETENTION_MS

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class ConfigError(ValueError):
    """A setting that cannot work. Its message is one line that names the setting."""


@dataclass(frozen=True)
class Setting:
    """How one Config field is set from outside: its flag (None: only from code), help, and rules.

    `convert` turns the text of a flag or an environment variable into a value; `check` raises
    ValueError("must be ...") for a value that cannot work, whichever way it was given.
    """

    help: str
    flag: str | None
    convert: Callable[[str], Any] = str
    check: Callable[[Any], None] = lambda value: None
    metavar: str | None = None
    switch: bool | None = None  # a flag without a value: sets the field to this

    def parse(self, text: str) -> Any:
        value = self.convert(text)
        self.check(value)
        return value


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"not an integer: {text!r}") from None


def _number(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"not a number: {text!r}") from None


def _int_range(low: int, high: int | None = None) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            span = f"between {low} and {high}" if high is not None else f"an integer >= {low}"
            raise ValueError(f"must be {span}, not {value!r}")
    return check


def _optional(check: Callable[[Any], None]) -> Callable[[Any], None]:
    def optional(value: Any) -> None:
        if value is not None:
            check(value)
    return optional


def _positive_seconds(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be a positive number of seconds, not {value!r}")


def _one_of(*choices: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
    return check


def _boolean(value: Any) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")


def _nonempty_text(value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must not be empty")


def _token(value: Any) -> None:
    # compared with a header value: visible ASCII only, or no header could ever match it
    if value is not None and (not isinstance(value, str) or not value or not value.isascii()
                              or not value.isprintable() or value != value.strip()):
        raise ValueError("must be printable ASCII without leading or trailing spaces")


def _trusted_proxies(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must name proxies: comma-separated IP addresses or networks, or *")
    for entry in value.split(","):
        entry = entry.strip()
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.1, 10.0.0.0/8, *)") from None


def _setting(default: Any, help: str, flag: str | None, **rules: Any) -> Any:
    return field(default=default, metadata={"setting": Setting(help, flag, **rules)})


def _internal(default: Any, check: Callable[[Any], None] = lambda value: None) -> Any:
    """A setting only code (tests, the harness) sets: no flag, same validation."""
    return _setting(default, "", None, check=check)


def _switch(default: bool, help: str, flag: str) -> Any:
    """A flag without a value; a `--no-...` flag turns a setting that is on by default off."""
    return _setting(default, help, flag, check=_boolean, switch=not default)


@dataclass
class Config:
    """Every setting of one mock. Invalid values raise ConfigError at construction."""

    host: str = _setting("127.0.0.1", "address to listen on; anything but loopback puts the mock on the network "
                         "(see --admin-token)", "--host", check=_nonempty_text, metavar="HOST")
    port: int = _setting(8080, "port to listen on, 0-65535 (0: a free port, shown in the banner)", "--port",
                         convert=_integer, check=_int_range(0, 65535), metavar="PORT")
    seed: int = _setting(42, "seed of the price walk, of ids and of the demo account's credentials (the same "
                         "seed gives the same credentials at every start)", "--seed",
                         convert=_integer, check=_int_range(0), metavar="N")
    manual_clock: bool = _switch(False, "start on a virtual clock that only the admin API moves", "--manual-clock")
    clock_start_ms: int | None = _setting(None, "with --manual-clock: the virtual clock's start in ms since the epoch "
                                          "(default: now)", "--clock-start-ms", convert=_integer,
                                          check=_optional(_int_range(0, 2**53 - 1)), metavar="MS")
    base_clock: Clock | None = _internal(None)  # the source of system time; tests inject one
    accounts_file: Path | None = _setting(None, "seed accounts, balances and keys with fixed credentials from a TOML "
                                          "file instead of the demo account (e.g. ci/accounts.toml)", "--accounts",
                                          convert=Path, metavar="FILE.toml")
    demo_account: bool = _internal(True, _boolean)
    rate_limits: str = _setting("bitget", "off, Bitget's per-endpoint table, or that table with the rows of a TOML "
                                "file overriding it", "--rate-limits", check=_nonempty_text,
                                metavar="off|bitget|FILE.toml")
    limit_algorithm: str = _setting("moving", "moving: at most N in any window; fixed: wall-aligned windows",
                                    "--limit-algorithm", check=_one_of("moving", "fixed"), metavar="moving|fixed")
    global_limit: int = _setting(6000, "requests per IP per minute over every non-admin path (0: no global limit)",
                                 "--global-limit", convert=_integer, check=_int_range(0), metavar="N")
    global_window_ms: int = _internal(60_000, _int_range(1))
    global_penalty_seconds: int = _setting(300, "how long an IP that went over the global limit gets 429 on "
                                           "everything", "--global-penalty-seconds", convert=_integer,
                                           check=_int_range(0), metavar="S")
    retry_after: bool = _switch(False, "send Retry-After (whole seconds) on 429 answers", "--retry-after")
    timestamp_window_ms: int = _setting(30_000, "allowed distance of ACCESS-TIMESTAMP from the server's time",
                                        "--timestamp-window-ms", convert=_integer, check=_int_range(0), metavar="MS")
    debug_signatures: bool = _switch(True, "leave X-Mock-Prehash (the string the server signed) out of 40009 "
                                     "answers", "--no-debug-signatures")
    access_log: bool = _switch(True, "no per-request log line (benchmarks)", "--no-access-log")
    state_file: Path | None = _setting(None, "keep the state (accounts, keys, balances, orders, fills, bills, wallet "
                                       "records, the clock) in this SQLite file, created owner-only; a restart "
                                       "carries on from it", "--state",
                                       convert=Path, metavar="FILE")
    admin_token: str | None = _setting(None, "require the header X-Mock-Admin-Token: T on /_mock/ and let callers "
                                       "other than loopback use the admin API", "--admin-token", check=_token,
                                       metavar="T")
    forwarded_allow_ips: str | None = _setting(
        None, "trust X-Forwarded-For / X-Forwarded-Proto from these proxies (comma-separated IPs or networks, or *) "
        "for the Bitget API; by default the caller's IP is the socket's and such headers are ignored",
        "--forwarded-allow-ips", check=_trusted_proxies, metavar="IPS")
    request_timeout: float = _setting(10.0, "close a connection that has not sent a complete request (headers and "
                                      "body) within this many seconds", "--request-timeout", convert=_number,
                                      check=_positive_seconds, metavar="S")
    max_connections: int = _setting(512, "open connections at most; further ones are closed at once, with a log line",
                                    "--max-connections", convert=_integer, check=_int_range(1), metavar="N")
    journal_size: int = _setting(1000, "requests kept in the journal (GET /_mock/journal)", "--journal-size",
                                 convert=_integer, check=_int_range(0), metavar="N")
    max_body_bytes: int = _internal(1 << 20, _int_range(1))
    max_closed_orders: int = _setting(100_000, "closed orders and fills kept per account", "--max-closed-orders",
                                      convert=_integer, check=_int_range(0), metavar="N")
    retention_ms: int = _internal(RETENTION_MS, _int_range(1))
    # WebSocket limit name -> value (ws/limits.py); from `--ws-limit NAME=VALUE`, which cli.py reads
    ws_limits: dict[str, str] = field(default_factory=dict, metadata={"setting": Setting("", None)})

    def __post_init__(self) -> None:
        for f in fields(self):
            setting: Setting = f.metadata["setting"]
            try:
                setting.check(getattr(self, f.name))
            except ValueError as exc:
                raise ConfigError(f"{setting.flag or f.name} {exc}") from None
        from .ws.limits import ws_limits  # here, not at the top: importing config stays light

        try:
            ws_limits(self.ws_limits)
        except ValueError as exc:
            raise ConfigError(f"--ws-limit: {exc}") from None
        if self.clock_start_ms is not None and not self.manual_clock:
            raise ConfigError("--clock-start-ms needs --manual-clock (the system clock cannot start elsewhere)")

    @property
    def loopback_only(self) -> bool:
        """Whether the server listens on loopback alone (nothing else on the network can reach it)."""
        host = self.host.strip("[]")
        if host in LOOPBACK_HOSTS:
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False


class Flag(NamedTuple):
    name: str  # the Config field
    flag: str
    default: Any
    setting: Setting


def flags() -> list[Flag]:
    """Every setting that has a flag, in declaration order."""
    out = []
    for f in fields(Config):
        setting: Setting = f.metadata["setting"]
        if setting.flag is not None:
            out.append(Flag(f.name, setting.flag, f.default, setting))
    return out

"""Rate limits as data: `Limit` (count per window, keyed by UID or IP), the defaults, and TOML overrides.

Every endpoint declares its own limit on its declaration (mock_exchange/endpoint.py, in the route
modules: Bitget's documented value, docs/rules.md "Rate limits"); an endpoint with no documented
limit gets `PRIVATE_DEFAULT` (10/s by UID) or `PUBLIC_DEFAULT` (20/s by IP). `endpoint_limits()` in
`mock_exchange/routes` is the resulting table.

`--rate-limits FILE.toml` overrides single rows; every other row keeps Bitget's value. One table per
path, each field optional (an omitted field keeps the row's value, or the default's for a new path):

    ["/api/v2/spot/market/tickers"]
    count = 5            # requests admitted per window (>= 1)
    window_ms = 1000     # window length in ms (>= 1)
    basis = "ip"         # "ip" or "uid"; "uid" on a public endpoint falls back to the caller's IP

    ["/api/v2/spot/trade/place-order"]
    count = 2

Unknown fields, a path that does not start with "/", or a value of the wrong type are refused when the
server starts (ValueError), so a typo never silently leaves the table unchanged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

UID = "uid"
IP = "ip"
SECOND = 1000


@dataclass(frozen=True)
class Limit:
    count: int
    window_ms: int
    basis: str  # UID or IP


def per_ip(count: int, window_ms: int = SECOND) -> Limit:
    return Limit(count, window_ms, IP)


def per_uid(count: int, window_ms: int = SECOND) -> Limit:
    return Limit(count, window_ms, UID)


PUBLIC_DEFAULT = per_ip(20)
PRIVATE_DEFAULT = per_uid(10)

_FIELDS = {"count": int, "window_ms": int, "basis": str}


@dataclass(frozen=True)
class LimitTable:
    """The limits in force: each endpoint's declared limit, with the rows a TOML file overrides."""

    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def limit_for(self, path: str, declared: Limit) -> Limit:
        override = self.overrides.get(path)
        return replace(declared, **override) if override else declared


def parse_overrides(data: Mapping[str, Any], source: str = "rate limits") -> dict[str, dict[str, Any]]:
    """Validated partial rows {path: {count?, window_ms?, basis?}} from a parsed TOML document."""
    out: dict[str, dict[str, Any]] = {}
    for path, row in data.items():
        if not path.startswith("/"):
            raise ValueError(f"{source}: {path!r} is not a path (it must start with '/')")
        if not isinstance(row, dict):
            raise ValueError(f"{source}: [{path!r}] must be a table with count / window_ms / basis")
        checked: dict[str, Any] = {}
        for name, value in row.items():
            kind = _FIELDS.get(name)
            if kind is None:
                raise ValueError(f"{source}: [{path!r}] has unknown field {name!r} (count, window_ms, basis)")
            if isinstance(value, bool) or not isinstance(value, kind):
                raise ValueError(f"{source}: [{path!r}] {name} must be {'an integer' if kind is int else 'a string'}")
            if isinstance(value, int) and value < 1:
                raise ValueError(f"{source}: [{path!r}] {name} must be at least 1")
            if name == "basis" and value not in (UID, IP):
                raise ValueError(f"{source}: [{path!r}] basis must be 'uid' or 'ip'")
            checked[name] = value
        out[path] = checked
    return out


def load_table(setting: str) -> LimitTable | None:
    """`off` -> None (no limits at all), `bitget` -> Bitget's table, anything else -> a TOML file of overrides."""
    choice = setting.strip()
    if choice.lower() == "off":
        return None
    if choice.lower() == "bitget":
        return LimitTable()
    path = Path(choice)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"--rate-limits: cannot read {choice!r}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"--rate-limits: {choice!r} is not valid TOML: {exc}") from None
    return LimitTable(overrides=parse_overrides(data, str(path)))

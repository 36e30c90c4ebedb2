"""THE table of per-endpoint rate limits (path -> count per window, keyed by UID or IP), and its TOML overrides.

Every number the mock enforces per endpoint is in `BITGET_LIMITS` below (bitget-v2.md section 5; the
doc's value where the doc and the SDKs disagree, DECISIONS.md "Rate limits"). A served endpoint that
has no row gets `PRIVATE_DEFAULT` (10/s by UID) or `PUBLIC_DEFAULT` (20/s by IP).

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


def _ip(count: int) -> Limit:
    return Limit(count, SECOND, IP)


def _uid(count: int) -> Limit:
    return Limit(count, SECOND, UID)


PUBLIC_DEFAULT = _ip(20)
PRIVATE_DEFAULT = _uid(10)

BITGET_LIMITS: dict[str, Limit] = {
    # public
    "/api/v2/public/time": _ip(20),
    "/api/v2/spot/public/coins": _ip(3),
    "/api/v2/spot/public/symbols": _ip(20),
    "/api/v2/margin/currencies": _ip(20),
    "/api/v2/spot/market/tickers": _ip(20),
    "/api/v2/spot/market/orderbook": _ip(20),
    "/api/v2/spot/market/candles": _ip(20),
    "/api/v2/spot/market/fills": _ip(10),  # doc 10/s; JKorf says 20/s
    "/api/v2/spot/market/fills-history": _ip(20),  # not in spec §5: DECISIONS default (doc page says 10/s)
    "/api/v2/spot/market/history-candles": _ip(20),  # doc 20/s (Get-History-Candle-Data); JKorf 20/s
    "/api/v2/mix/market/contracts": _ip(20),
    # spot account
    "/api/v2/spot/account/info": _uid(1),
    "/api/v2/spot/account/assets": _uid(10),
    "/api/v2/spot/account/bills": _uid(10),  # doc 10/s (Get-Account-Bills)
    "/api/v2/spot/account/transferRecords": _uid(10),  # not in spec §5: DECISIONS default (doc page says 20/s)
    "/api/v2/common/trade-rate": _uid(10),  # doc 10/s (Get-Trade-Rate)
    # spot trade
    "/api/v2/spot/trade/place-order": _uid(10),
    "/api/v2/spot/trade/cancel-order": _uid(10),
    "/api/v2/spot/trade/batch-orders": _uid(5),
    "/api/v2/spot/trade/batch-cancel-order": _uid(10),  # doc 10/s (Batch-Cancel-Orders)
    "/api/v2/spot/trade/cancel-symbol-order": _uid(10),  # not in spec §5: DECISIONS default
    "/api/v2/spot/trade/orderInfo": _uid(20),
    "/api/v2/spot/trade/unfilled-orders": _uid(20),
    "/api/v2/spot/trade/history-orders": _uid(20),
    "/api/v2/spot/trade/fills": _uid(10),
    # wallet
    "/api/v2/spot/wallet/transfer": _uid(10),
    "/api/v2/spot/wallet/withdrawal": _uid(5),  # doc 5/s; ccxt and JKorf say 10/s
    "/api/v2/spot/wallet/withdrawal-records": _uid(10),
    "/api/v2/spot/wallet/deposit-address": _uid(10),  # doc 10/s (Get-Deposit-Address)
    "/api/v2/spot/wallet/deposit-records": _uid(10),  # doc 10/s (Get-Deposit-Record)
    # futures
    "/api/v2/mix/account/accounts": _uid(10),
    "/api/v2/mix/order/place-order": _uid(10),
}

_FIELDS = {"count": int, "window_ms": int, "basis": str}


@dataclass(frozen=True)
class LimitTable:
    """Bitget's rows, the defaults for paths without a row, and the rows a TOML file overrides."""

    rows: Mapping[str, Limit] = field(default_factory=lambda: dict(BITGET_LIMITS))
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    public_default: Limit = PUBLIC_DEFAULT
    private_default: Limit = PRIVATE_DEFAULT

    def limit_for(self, path: str, private: bool) -> Limit:
        base = self.rows.get(path) or (self.private_default if private else self.public_default)
        override = self.overrides.get(path)
        return replace(base, **override) if override else base


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

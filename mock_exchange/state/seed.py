"""What a fresh mock starts with: the demo account, or accounts from a TOML file."""

from __future__ import annotations

import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BitgetError
from .accounts import check_ips, check_permissions

DEMO_BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500", "龙币": "100000"}
DEMO_PERMISSIONS = ["read", "spot_trade", "transfer"]


@dataclass(frozen=True)
class KeySeed:
    api_key: str
    secret: str | None
    passphrase: str
    permissions: frozenset[str]
    ips: tuple[str, ...] = ()
    label: str = ""
    public_key_pem: str | None = None


@dataclass(frozen=True)
class AccountSeed:
    uid: str
    balances: dict[str, str] = field(default_factory=dict)
    keys: tuple[KeySeed, ...] = ()


def demo_seed() -> AccountSeed:
    """The demo account: fresh credentials each start, printed by `mock-exchange serve`."""
    key = KeySeed(
        api_key="bg_" + secrets.token_hex(16),
        secret=secrets.token_hex(32),
        passphrase="demo" + secrets.token_hex(6) + "7",
        permissions=frozenset(DEMO_PERMISSIONS),
        label="demo",
    )
    return AccountSeed(uid="1000000001", balances=dict(DEMO_BALANCES), keys=(key,))


def load_accounts_file(path: Path) -> list[AccountSeed]:
    """Parse `--accounts FILE.toml`:

        [[accounts]]
        uid = "1000000001"
        balances = { USDT = "10000", BTC = "1" }
        [[accounts.keys]]
        apiKey = "bg_..."; secretKey = "..."; passphrase = "..."
        permissions = ["read", "spot_trade"]; ips = ["127.0.0.1"]
    """
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read accounts file {path}: {exc}") from exc
    return parse_accounts(doc)


def _pick(table: dict[str, Any], *names: str) -> Any:
    """The first of several accepted spellings of a field (camelCase as in the API, or snake_case)."""
    for name in names:
        if name in table:
            return table[name]
    return None


def parse_accounts(doc: dict[str, Any]) -> list[AccountSeed]:
    seeds = []
    accounts = doc.get("accounts", [])
    if not isinstance(accounts, list):
        raise ValueError("accounts must be an array of tables: [[accounts]]")
    for i, raw in enumerate(accounts):
        where = f"accounts[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("uid"), (str, int)):
            raise ValueError(f"{where}: needs a uid")
        balances = raw.get("balances", {})
        if not isinstance(balances, dict):
            raise ValueError(f"{where}.balances must be a table")
        keys = []
        for j, k in enumerate(_pick(raw, "keys", "apiKeys", "api_keys", "api-keys") or []):
            kw = f"{where}.keys[{j}]"
            if not isinstance(k, dict):
                raise ValueError(f"{kw} must be a table")
            api_key, secret = _pick(k, "apiKey", "api_key", "key"), _pick(k, "secretKey", "secret_key", "secret")
            passphrase, pem = k.get("passphrase"), _pick(k, "publicKey", "public_key")
            if not isinstance(api_key, str) or not api_key or not isinstance(passphrase, str) or not passphrase:
                raise ValueError(f"{kw}: apiKey and passphrase are required")
            if (secret is None) == (pem is None):
                raise ValueError(f"{kw}: give exactly one of secretKey (HMAC) or publicKey (RSA PEM)")
            try:
                perms = check_permissions(k.get("permissions", DEMO_PERMISSIONS))
                ips = check_ips(k.get("ips"))
            except BitgetError as exc:
                raise ValueError(f"{kw}: {exc.msg}") from None
            keys.append(KeySeed(api_key, secret, passphrase, perms, ips, str(k.get("label", "")), pem))
        seeds.append(AccountSeed(str(raw["uid"]), {str(c): str(v) for c, v in balances.items()}, tuple(keys)))
    return seeds

"""What a fresh mock starts with: the demo account (credentials derived from the seed), or accounts from a TOML file."""

from __future__ import annotations

import difflib
import hashlib
import random
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BitgetError
from .accounts import MAX_KEYS_PER_UID, check_ips, check_permissions, load_public_key, parse_amount
from .catalog import COINS_BY_NAME

DEMO_UID = "1000000001"
DEMO_BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500", "龙币": "100000", "USDC": "100000"}
DEMO_PERMISSIONS = ["read", "spot_trade", "contract_trade", "transfer"]  # the demo trades futures too
_UID = re.compile(r"[0-9A-Za-z_-]{1,64}")


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


def _derived(seed: int, purpose: str) -> bytes:
    return hashlib.sha256(f"bitget-mock demo account, seed {seed}: {purpose}".encode()).digest()


def demo_seed(seed: int) -> AccountSeed:
    """The demo account, printed by `mock-exchange serve`. Its credentials follow from `seed` alone, so a
    restart with the same seed gives the same ones; they are as public as the seed (a sandbox's)."""
    letters = random.Random(_derived(seed, "passphrase"))
    passphrase = ("".join(letters.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz") for _ in range(12))
                  + "".join(letters.choice("23456789") for _ in range(4)))  # Bitget's rule: letters and digits
    key = KeySeed(
        api_key="bg_" + _derived(seed, "api key")[:16].hex(),
        secret=_derived(seed, "secret key").hex(),
        passphrase=passphrase,
        permissions=frozenset(DEMO_PERMISSIONS),
        label="demo",
    )
    return AccountSeed(uid=DEMO_UID, balances=dict(DEMO_BALANCES), keys=(key,))


def load_accounts_file(path: Path) -> list[AccountSeed]:
    """Parse `--accounts FILE.toml` (README: "A seed file for --accounts"); errors name the file and the key."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        return parse_accounts(doc)
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read accounts file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"accounts file {path} is not valid TOML: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"accounts file {path}: {exc}") from None


# Each field with the spellings accepted for it: camelCase as in the API, or snake_case.
_ACCOUNT_FIELDS = {"uid": ("uid",), "balances": ("balances",), "keys": ("keys", "apiKeys", "api_keys")}
_KEY_FIELDS = {
    "apiKey": ("apiKey", "api_key"), "secretKey": ("secretKey", "secret_key"), "publicKey": ("publicKey", "public_key"),
    "passphrase": ("passphrase",), "permissions": ("permissions",), "ips": ("ips",), "label": ("label",),
}


def _fields(table: dict[str, Any], spellings: dict[str, tuple[str, ...]], where: str) -> dict[str, Any]:
    """The table's values by canonical name; an unknown or doubly spelled key is an error naming it."""
    known = {alias: name for name, aliases in spellings.items() for alias in aliases}
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = known.get(key)
        if name is None:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(spellings)})"
            raise ValueError(f"{where}: unknown key {key!r}{hint}")
        if name in out:
            both = " and ".join(a for a in spellings[name] if a in table)
            raise ValueError(f"{where}: {name!r} is given twice ({both})")
        out[name] = value
    return out


def _text(value: Any, where: str, max_len: int) -> str:
    # credentials travel in headers: visible ASCII, and no edge spaces (HTTP strips them, nothing would match)
    if (not isinstance(value, str) or not 0 < len(value) <= max_len or not value.isascii() or not value.isprintable()
            or value != value.strip()):
        raise ValueError(f"{where} must be 1-{max_len} printable ASCII characters without leading or trailing spaces")
    return value


def parse_accounts(doc: dict[str, Any]) -> list[AccountSeed]:
    for key in doc:
        if key != "accounts":
            close = difflib.get_close_matches(key, ["accounts"], n=1)
            raise ValueError(f"unknown table {key!r}" + (" (did you mean [[accounts]]?)" if close else
                                                        " (a seed file holds [[accounts]] tables only)"))
    accounts = doc.get("accounts")
    if accounts is not None and not isinstance(accounts, list):
        raise ValueError("accounts must be an array of tables: [[accounts]]")
    if not accounts:
        raise ValueError("no accounts: a seed file needs at least one [[accounts]] table")
    seeds: list[AccountSeed] = []
    seen_keys: set[str] = set()
    for i, raw in enumerate(accounts):
        seed = _account(raw, f"accounts[{i}]", seen_keys)
        if any(s.uid == seed.uid for s in seeds):
            raise ValueError(f"accounts[{i}]: uid {seed.uid!r} appears twice")
        seeds.append(seed)
    return seeds


def _account(raw: Any, where: str, seen_keys: set[str]) -> AccountSeed:
    if not isinstance(raw, dict):
        raise ValueError("accounts must be an array of tables: [[accounts]]")
    f = _fields(raw, _ACCOUNT_FIELDS, where)
    uid = f.get("uid")
    if isinstance(uid, int) and not isinstance(uid, bool) and uid >= 0:
        uid = str(uid)
    if not isinstance(uid, str) or not _UID.fullmatch(uid):
        raise ValueError(f"{where}: needs a uid of 1-64 letters, digits, '_' or '-'")
    balances = f.get("balances", {})
    if not isinstance(balances, dict):
        raise ValueError(f"{where}.balances must be a table, e.g. balances = {{ USDT = \"1000\" }}")
    for coin, amount in balances.items():
        if coin not in COINS_BY_NAME:
            raise ValueError(f"{where}.balances: unknown coin {coin!r} (the mock has {', '.join(COINS_BY_NAME)})")
        if not isinstance(amount, str):
            raise ValueError(f"{where}.balances.{coin} must be a decimal string, e.g. \"1000\" (not {amount!r})")
        try:
            parse_amount(amount, coin)
        except BitgetError:
            raise ValueError(f"{where}.balances.{coin}: {amount!r} is not a non-negative decimal") from None
    keys = f.get("keys", [])
    if not isinstance(keys, list):
        raise ValueError(f"{where}.keys must be an array of tables: [[accounts.keys]]")
    if len(keys) > MAX_KEYS_PER_UID:
        raise ValueError(f"{where}: {len(keys)} keys, Bitget allows {MAX_KEYS_PER_UID} per UID")
    parsed = tuple(_key(k, f"{where}.keys[{j}]", seen_keys) for j, k in enumerate(keys))
    return AccountSeed(uid, dict(balances), parsed)


def _key(raw: Any, where: str, seen_keys: set[str]) -> KeySeed:
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a table")
    f = _fields(raw, _KEY_FIELDS, where)
    if "apiKey" not in f or "passphrase" not in f:
        raise ValueError(f"{where}: apiKey and passphrase are required")
    api_key = _text(f["apiKey"], f"{where}.apiKey", 128)
    if api_key in seen_keys:
        raise ValueError(f"{where}: apiKey {api_key!r} appears twice")
    seen_keys.add(api_key)
    # Fixed credentials are taken as given (as the admin API takes them), not held to the 40070 rule
    # that keys the mock creates follow: recorded sessions use passphrases outside it (ccxt's
    # capture: "test_pass"), and replaying them is what a seed file is for (docs/rules.md, Keys).
    passphrase = _text(f["passphrase"], f"{where}.passphrase", 64)
    secret, pem = f.get("secretKey"), f.get("publicKey")
    if (secret is None) == (pem is None):
        raise ValueError(f"{where}: give exactly one of secretKey (HMAC) or publicKey (RSA PEM)")
    if secret is not None:
        secret = _text(secret, f"{where}.secretKey", 256)
    label = f.get("label", "")
    if not isinstance(label, str) or len(label) > 64:
        raise ValueError(f"{where}.label must be a string of at most 64 characters")
    try:
        perms = check_permissions(f.get("permissions", DEMO_PERMISSIONS))
    except BitgetError:
        raise ValueError(f"{where}.permissions must be a list of read, spot_trade, margin_trade, contract_trade, "
                         "transfer, withdraw") from None
    try:
        ips = check_ips(f.get("ips"))
    except BitgetError:
        raise ValueError(f"{where}.ips must be a list of at most 30 IP addresses") from None
    if pem is not None:
        try:
            load_public_key(pem)
        except BitgetError:
            raise ValueError(f"{where}.publicKey is not an RSA public key in PEM (at least 1024 bits)") from None
    return KeySeed(api_key, secret, passphrase, perms, ips, label, pem)

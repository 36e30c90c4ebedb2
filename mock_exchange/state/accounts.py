"""Accounts, API keys and balances. Knows nothing of HTTP."""

from __future__ import annotations

import hmac
import ipaddress
import random
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import NOT_FOUND, PARAM_NOT_FOUND, PARAMS_INVALID, PASSPHRASE_RULE, TOO_MANY_KEYS, BitgetError, invalid
from ..store.recorder import mutation
from .catalog import COINS_BY_NAME
from .constants import ACCOUNT_TYPES, ZERO
from .events import BalanceChanged, Events

PERMISSIONS = ("read", "spot_trade", "margin_trade", "contract_trade", "transfer", "withdraw")
MAX_KEYS_PER_UID = 10
MAX_WHITELIST_IPS = 30
_PASSPHRASE = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]{8,32}")
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"


@dataclass
class Balance:
    available: Decimal = ZERO
    frozen: Decimal = ZERO
    utime: int = 0  # ms of the last change

    @property
    def total(self) -> Decimal:
        return self.available + self.frozen


@dataclass
class ApiKey:
    api_key: str
    uid: str
    passphrase: str
    permissions: frozenset[str]
    ips: tuple[str, ...] = ()
    label: str = ""
    secret: str | None = None  # HMAC keys
    public_key: Any = None  # RSA keys: a cryptography RSAPublicKey
    created_ms: int = 0

    def public_view(self) -> dict[str, Any]:
        """What may be shown after creation: never the secret or the passphrase."""
        return {
            "apiKey": self.api_key,
            "uid": self.uid,
            "permissions": sorted(self.permissions),
            "ips": list(self.ips),
            "label": self.label,
            "type": "RSA" if self.public_key is not None else "HMAC",
            "createdTime": str(self.created_ms),
        }


@dataclass
class Account:
    uid: str
    created_ms: int
    # account type ("spot", "usdt_futures", ...) -> coin -> balance
    wallets: dict[str, dict[str, Balance]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)

    def wallet(self, account_type: str = "spot") -> dict[str, Balance]:
        return self.wallets.setdefault(account_type, {})

    def balance(self, coin: str, account_type: str = "spot") -> Balance:
        w = self.wallets.get(account_type)
        if w is None:
            w = self.wallets[account_type] = {}
        b = w.get(coin)
        if b is None:
            b = w[coin] = Balance()
        return b


def parse_amount(value: Any, name: str, allow_zero: bool = True) -> Decimal:
    """A non-negative finite decimal from a string or number, else 40020 for `name`."""
    if type(value) is str:  # the common case, first
        text = value
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise invalid(name)
    else:
        text = str(value)
    try:
        amount = Decimal(text)  # surrounding whitespace is Decimal's to ignore
    except (InvalidOperation, ValueError):
        raise invalid(name) from None
    if not amount.is_finite() or (amount <= ZERO if not allow_zero else amount < ZERO):
        raise invalid(name)
    # At most 31 characters and no exponent: at most 31 digits, 30 after a point, so within bounds
    # (whitespace around counts here too: a longer text only asks for the exact check).
    if (len(text) > 31 or "e" in text or "E" in text) and (
            amount.adjusted() > 30 or -amount.as_tuple().exponent > 30):  # type: ignore[operator]
        raise invalid(name)
    return amount


def check_passphrase(passphrase: Any) -> str:
    if not isinstance(passphrase, str) or _PASSPHRASE.fullmatch(passphrase) is None:
        raise BitgetError(PASSPHRASE_RULE)
    return passphrase


def check_permissions(perms: Any) -> frozenset[str]:
    if perms is None:
        return frozenset({"read"})
    if not isinstance(perms, list) or not all(isinstance(p, str) for p in perms):
        raise invalid("permissions")
    chosen = {p.lower() for p in perms}
    if not chosen <= set(PERMISSIONS):
        raise invalid("permissions")
    return frozenset(chosen | {"read"})


def check_ips(ips: Any) -> tuple[str, ...]:
    if ips is None:
        return ()
    if not isinstance(ips, list) or len(ips) > MAX_WHITELIST_IPS:
        raise invalid("ips")
    out = []
    for ip in ips:
        if not isinstance(ip, str):
            raise invalid("ips")
        try:
            out.append(str(ipaddress.ip_address(ip.strip())))
        except ValueError:
            raise invalid("ips") from None
    return tuple(dict.fromkeys(out))


class KeyMint:
    """Fresh API credentials: HMAC-SHA256 of a random secret seed and a counter, so they are as
    unpredictable as `secrets` from outside, yet a replay of the same calls from the same seed and
    count (a restart on `--state`) makes the same ones again."""

    def __init__(self, seed: bytes | None = None) -> None:
        self.seed = seed if seed is not None else secrets.token_bytes(32)
        self.count = 0

    def _block(self) -> bytes:
        self.count += 1
        return hmac.digest(self.seed, self.count.to_bytes(8, "big"), "sha256")

    def token_hex(self, nbytes: int) -> str:
        out = b""
        while len(out) < nbytes:
            out += self._block()
        return out[:nbytes].hex()

    def choice(self, alphabet: str, n: int) -> str:
        """`n` characters of `alphabet`, each uniform (bytes past the last whole multiple are skipped)."""
        top = 256 - 256 % len(alphabet)
        chars: list[str] = []
        while len(chars) < n:
            chars.extend(alphabet[b % len(alphabet)] for b in self._block() if b < top)
        return "".join(chars[:n])


class AccountStore:
    """All accounts and keys of one mock. Ids come from the seeded generator it owns, credentials
    from the mint it is given."""

    def __init__(self, rng: random.Random, events: Events | None = None, mint: KeyMint | None = None) -> None:
        self.rng = rng
        self.events = events if events is not None else Events()
        self.mint = mint if mint is not None else KeyMint()
        self.accounts: dict[str, Account] = {}
        self.keys: dict[str, ApiKey] = {}

    # -- accounts -----------------------------------------------------------------------
    @mutation
    def create_account(self, now_ms: int, uid: str | None = None) -> Account:
        if uid is None:
            uid = str(self.rng.randrange(10**9, 10**10))
            while uid in self.accounts:
                uid = str(self.rng.randrange(10**9, 10**10))
        elif not isinstance(uid, str) or not re.fullmatch(r"[0-9A-Za-z_-]{1,64}", uid) or uid in self.accounts:
            raise invalid("uid")
        account = Account(uid=uid, created_ms=now_ms)
        self.accounts[uid] = account
        return account

    @mutation
    def remove_account(self, uid: str) -> None:
        """Take back an account that has no keys yet (one whose creation failed half-way)."""
        if self.account(uid).keys:
            raise invalid("uid")
        del self.accounts[uid]

    def account(self, uid: str) -> Account:
        found = self.accounts.get(uid)
        if found is None:
            raise BitgetError(NOT_FOUND)
        return found

    @mutation
    def set_balances(self, uid: str, balances: Any, now_ms: int, account_type: str = "spot") -> dict[str, str]:
        account = self.account(uid)
        if not isinstance(balances, dict):
            raise BitgetError(PARAMS_INVALID)
        if account_type not in ACCOUNT_TYPES:
            raise invalid("accountType")
        parsed: dict[str, Decimal] = {}
        for coin, amount in balances.items():
            if coin not in COINS_BY_NAME:
                raise BitgetError(PARAM_NOT_FOUND, coin)
            parsed[coin] = parse_amount(amount, coin)
        for coin, amount in parsed.items():
            bal = account.balance(coin, account_type)
            bal.available, bal.utime = amount, now_ms
            if self.events.listeners:
                self.events.emit(BalanceChanged(uid, coin, account_type))
        return {c: format(b.available, "f") for c, b in sorted(account.wallet(account_type).items())}

    # -- keys ---------------------------------------------------------------------------
    @mutation
    def create_key(
        self,
        uid: str,
        now_ms: int,
        permissions: Any = None,
        passphrase: Any = None,
        ips: Any = None,
        label: Any = "",
        public_key_pem: Any = None,
        fixed_api_key: Any = None,
        fixed_secret: Any = None,
    ) -> tuple[ApiKey, str | None]:
        """Create a key; returns it and the secret (None for an RSA key). Validates like Bitget.

        With `fixed_api_key` (and `fixed_secret` for HMAC) the credentials are taken as given, the
        passphrase too (any 1-64 printable ASCII characters): how a test installs the credentials
        of a recorded session, which need not follow the formats Bitget generates.
        """
        account = self.account(uid)
        if len(account.keys) >= MAX_KEYS_PER_UID:
            raise BitgetError(TOO_MANY_KEYS)
        perms = check_permissions(permissions)
        fixed = fixed_api_key is not None or fixed_secret is not None
        if passphrase is None and not fixed:
            passphrase = self.mint.choice(_LETTERS, 12) + self.mint.choice("23456789", 4)
        if fixed:
            passphrase = _credential(passphrase, "passphrase", 64)
        else:
            check_passphrase(passphrase)
        whitelist = check_ips(ips)
        if not isinstance(label, str) or len(label) > 64:
            raise invalid("label")
        public_key = load_public_key(public_key_pem) if public_key_pem is not None else None
        if fixed:
            api_key = _credential(fixed_api_key, "apiKey", 128)
            if api_key in self.keys:
                raise invalid("apiKey")
            secret = None if public_key is not None else _credential(fixed_secret, "secretKey", 256)
        else:
            secret = None if public_key is not None else self.mint.token_hex(32)
            api_key = "bg_" + self.mint.token_hex(16)
        key = ApiKey(api_key, uid, passphrase, perms, whitelist, label, secret, public_key, now_ms)
        self._add_key(account, key)
        return key, secret

    @mutation
    def add_fixed_key(self, uid: str, key: ApiKey) -> ApiKey:
        """Install a key with given credentials (seed files, tests): formats are not enforced."""
        account = self.account(uid)
        if len(account.keys) >= MAX_KEYS_PER_UID:
            raise BitgetError(TOO_MANY_KEYS)
        if key.api_key in self.keys:
            raise invalid("apiKey")
        self._add_key(account, key)
        return key

    def _add_key(self, account: Account, key: ApiKey) -> None:
        self.keys[key.api_key] = key
        account.keys.append(key.api_key)

    @mutation
    def delete_key(self, api_key: str) -> None:
        key = self.keys.pop(api_key, None)
        if key is None:
            raise BitgetError(NOT_FOUND)
        self.accounts[key.uid].keys.remove(api_key)

    def key(self, api_key: str) -> ApiKey | None:
        return self.keys.get(api_key)


def _credential(value: Any, name: str, max_len: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= max_len or not value.isascii() or not value.isprintable():
        raise invalid(name)
    return value




def load_public_key(pem: Any) -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if not isinstance(pem, str):
        raise invalid("publicKey")
    try:
        key = load_pem_public_key(pem.encode("ascii", "strict"))
    except (ValueError, UnicodeError, TypeError):
        raise invalid("publicKey") from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 1024:
        raise invalid("publicKey")
    return key

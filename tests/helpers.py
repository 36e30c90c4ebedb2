"""Shared test helpers: an app on a manual clock with known credentials, and an independent signer.

The signer here is written from the spec alone (bitget-v2.md section 1), not imported from the
server or the client, so a bug in either cannot hide in the tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from mock_exchange.app import MockExchange, create_app
from mock_exchange.config import Config
from mock_exchange.state.seed import AccountSeed, KeySeed

NOW = 1_795_465_233_000
UID = "1000000001"
API_KEY = "bg_test_key"
SECRET = "test_secret"
PASSPHRASE = "test_pass"
ALL_PERMISSIONS = frozenset({"read", "spot_trade", "margin_trade", "contract_trade", "transfer", "withdraw"})
BALANCES = {"USDT": "100000", "BTC": "2", "ETH": "20", "SOL": "500"}


def seed_accounts(permissions: frozenset[str] = ALL_PERMISSIONS, ips: tuple[str, ...] = ()) -> list[AccountSeed]:
    key = KeySeed(API_KEY, SECRET, PASSPHRASE, permissions, ips)
    return [AccountSeed(UID, dict(BALANCES), (key,))]


def make_app(now_ms: int = NOW, accounts: list[AccountSeed] | None = None, **config: Any) -> MockExchange:
    """A mock on a manual clock at `now_ms` with one account holding the capture credentials."""
    cfg = Config(manual_clock=True, clock_start_ms=now_ms, **config)
    return create_app(cfg, accounts if accounts is not None else seed_accounts())


def sign(secret: str, prehash: str | bytes) -> str:
    message = prehash.encode("utf-8") if isinstance(prehash, str) else prehash
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode()


def signed_headers(method: str, path: str, query: str = "", body: str = "", ts: int = NOW,
                   api_key: str = API_KEY, secret: str = SECRET, passphrase: str = PASSPHRASE) -> dict[str, str]:
    """Headers for a request signed with the spec's rule over exactly what will be sent."""
    prehash = f"{ts}{method.upper()}{path}{'?' + query if query else ''}{body}"
    headers = {
        "ACCESS-KEY": api_key,
        "ACCESS-SIGN": sign(secret, prehash),
        "ACCESS-TIMESTAMP": str(ts),
        "ACCESS-PASSPHRASE": passphrase,
    }
    if method.upper() == "POST":
        headers["Content-Type"] = "application/json"
    return headers

"""The private socket's login (docs/websocket.md): seconds timestamp, prehash
`timestamp + "GET" + "/user/verify"`, HMAC or RSA, with REST's key, passphrase and IP rules."""

from __future__ import annotations

import hmac

from ..auth import signature_matches
from ..errors import (
    WS_KEY_INVALID,
    WS_LOGIN_FAILED,
    WS_PASSPHRASE_INVALID,
    WS_SIGN_INVALID,
    WS_TIMESTAMP_EXPIRED,
    WS_TIMESTAMP_INVALID,
    WsError,
)
from ..state.accounts import AccountStore, ApiKey
from .protocol import Login

VERIFY_PATH = b"GET/user/verify"
FUTURE_GRACE_S = 60  # TS-SDK signs now + recvWindow: a timestamp this far ahead is accepted too


def _seconds(value: object) -> int:
    """The login timestamp: seconds, as a string of digits or a JSON integer (TS-SDK sends a number);
    a 13-digit value is milliseconds, the common mistake, and refused like any other bad value."""
    if isinstance(value, bool):
        raise WsError(WS_TIMESTAMP_INVALID)
    text = str(value) if isinstance(value, int) else value
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 11:
        raise WsError(WS_TIMESTAMP_INVALID)
    return int(text)


def verify_login(login: Login, keys: AccountStore, now_ms: int, window_ms: int, client_ip: str) -> ApiKey:
    """The key a login proves, or the WsError of the first check that fails (in REST's order)."""
    if not isinstance(login.api_key, str) or not login.api_key:
        raise WsError(WS_KEY_INVALID)
    if not isinstance(login.passphrase, str) or not login.passphrase:
        raise WsError(WS_PASSPHRASE_INVALID)
    if not isinstance(login.sign, str) or not login.sign:
        raise WsError(WS_SIGN_INVALID)
    ts = _seconds(login.timestamp)
    ahead = ts * 1000 - now_ms
    if abs(ahead) > window_ms and not 0 < ahead <= FUTURE_GRACE_S * 1000:
        raise WsError(WS_TIMESTAMP_EXPIRED)
    key = keys.keys.get(login.api_key)
    if key is None:
        raise WsError(WS_KEY_INVALID)
    if not hmac.compare_digest(login.passphrase.encode("utf-8"), key.passphrase.encode("utf-8")):
        raise WsError(WS_PASSPHRASE_INVALID)
    prehash = str(login.timestamp).encode("ascii") + VERIFY_PATH  # the text sent (leading zeros and all)
    if not signature_matches(key, login.sign.encode("utf-8"), [prehash]):
        raise WsError(WS_SIGN_INVALID)
    if key.ips and client_ip not in key.ips:
        raise WsError(WS_LOGIN_FAILED)
    return key

"""Bitget V2 request signing as pure functions: the prehash, HMAC and RSA signatures, query and body encoding.

The prehash is `timestamp + METHOD + path + ("?" + query if query else "") + body`: the path and body as
sent, the query as sent but percent-decoded, which is the form Bitget verifies (docs/rules.md#signing).
Nothing here knows about HTTP clients or clocks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

Text = str | bytes


def _b(value: Text | int) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def prehash(timestamp: int | Text, method: Text, path: Text, query: Text = b"", body: Text = b"") -> bytes:
    """The string Bitget signs, as bytes: no `?` when the query is empty, body omitted when empty."""
    head = _b(timestamp) + _b(method).upper() + _b(path)
    q = _b(query)
    return head + (b"?" + q if q else b"") + _b(body)


def signed_query(wire_query: Text) -> bytes:
    """The form of a query Bitget verifies: the query as sent with its percent-escapes (and `+` for a
    space) decoded, in the same order. ccxt signs this form and sends the encoded one, which the real
    exchange accepts, and a signature over the encoded form of a value that needs encoding is refused
    with 40009 (ccxt issue 28888, JKorf/Bitget.Net issue 48; docs/rules.md#signing)."""
    return unquote_to_bytes(_b(wire_query).replace(b"+", b" "))


def sign_hmac(secret: str, message: Text) -> str:
    """Base64 of HMAC-SHA256 keyed with the secret's UTF-8 bytes (no hex or base64 decoding of the secret)."""
    digest = hmac.new(secret.encode("utf-8"), _b(message), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def load_rsa_key(private_key_pem: Text) -> RSAPrivateKey:
    """The RSA private key from PEM (PKCS#8 or PKCS#1), unencrypted."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(_b(private_key_pem), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def sign_rsa(private_key_pem: Text | RSAPrivateKey, message: Text) -> str:
    """Base64 of SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256), for keys created with an RSA public key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_rsa_key(private_key_pem) if isinstance(private_key_pem, (str, bytes)) else private_key_pem
    return base64.b64encode(key.sign(_b(message), padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def wire_value(value: Any) -> str:
    """A parameter value as Bitget expects it: strings throughout, Decimals in plain (non-exponent) notation."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value)


def query_items(params: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """Query parameters sorted by key (the order Bitget documents), None values dropped, values as strings."""
    if not params:
        return ()
    return tuple((k, wire_value(v)) for k, v in sorted(params.items()) if v is not None)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode_body(body: Any) -> bytes:
    """Compact JSON, UTF-8, non-ASCII kept raw; Decimals become plain strings. None -> no body."""
    if body is None:
        return b""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=_json_default).encode("utf-8")

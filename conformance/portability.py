"""Portability warnings: requests the mock accepted that the real exchange is reported to refuse.

The mock is lenient where real clients disagree and the documents are silent (DECISIONS.md), so a
client can pass a check here and still fail on api.bitget.com. Each rule below looks at the journal of
one check and names what would not carry over, with the report that says so. A warning never fails a
check: it is shown next to the verdict in every report format.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import unquote_to_bytes

from mock_exchange.journal import BODY_LIMIT, JournalEntry

# Bitget verifies the signature over the percent-DECODED query: ccxt signed the encoded form and got
# 40009 for a non-ASCII symbol (ccxt issue 28888, fixed in ccxt PR 28890: "bitget signs the raw
# (non-percent-encoded) query string"); JKorf/Bitget.Net issue 48 reports the same for `$DEGENUSDT`.
ENCODED_QUERY_SOURCES = "ccxt#28888, JKorf/Bitget.Net#48"


def _header(entry: JournalEntry, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in entry.get("headers", []) if key.lower() == wanted), None)


def _sign(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()).decode("ascii")


def signed_encoded_query(entry: JournalEntry, secrets: Mapping[str, str]) -> bool:
    """Whether a verified request's query needs percent-decoding and its signature covers the encoded
    form as sent (which the mock accepts, and the real exchange reportedly refuses)."""
    api_key, raw = entry.get("apiKey"), entry.get("query", "")
    secret = secrets.get(api_key or "")
    if secret is None or not raw or "%" not in raw:
        return False
    raw_bytes = raw.encode("latin-1", "replace")
    if unquote_to_bytes(raw_bytes) == raw_bytes:
        return False
    sign, timestamp = _header(entry, "ACCESS-SIGN"), _header(entry, "ACCESS-TIMESTAMP")
    body = entry.get("body", "")
    if sign is None or timestamp is None or entry.get("bodyBytes", 0) > BODY_LIMIT or "\ufffd" in body:
        return False  # nothing to recompute the prehash from
    prehash = f"{timestamp}{entry['method']}{entry['path']}?".encode() + raw_bytes + body.encode("utf-8")
    return hmac.compare_digest(_sign(secret, prehash), sign)


def warnings(entries: Iterable[JournalEntry], secrets: Mapping[str, str]) -> list[str]:
    """The portability warnings of one check's requests, one per rule and path."""
    seen: dict[str, tuple[JournalEntry, int]] = {}
    for entry in entries:
        if signed_encoded_query(entry, secrets):
            first, count = seen.get(entry["path"], (entry, 0))
            seen[entry["path"]] = (first, count + 1)
    out = []
    for path, (first, count) in seen.items():
        times = f" ({count} requests)" if count > 1 else ""
        out.append(f"PORTABILITY: {first['method']} {path}?{first['query']}{times} is signed over the "
                   "percent-encoded query; the mock accepts it, Bitget verifies the decoded query and "
                   f"answers 40009 ({ENCODED_QUERY_SOURCES})")
    return out

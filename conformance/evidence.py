"""What a check leaves for the report: the requests the mock saw for it (as its journal shows them: headers,
bodies and answers with every secret masked), and for each refused signature (40009) what the client's
request implies it signed, next to what the server computed.

The mock says what it hashed (`prehash`). What the client hashed is found by trying the usual ways a
client gets the string wrong (the query decoded, sorted or re-ordered, the body left out or re-serialised,
the method in lower case...) with each secret the check's adapters were given, until one reproduces the
ACCESS-SIGN it sent. A match names the mistake; no match says the client signed something else.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from mock_exchange.journal import JournalEntry

MASK = "***"
KEEP_FULL = 400  # requests kept with headers and bodies per check; past that only what the timelines need
COMPACT_FIELDS = ("ts", "method", "path", "status", "code", "fault", "bucket")


@dataclass(frozen=True)
class RefusedSignature:
    """One 40009: the request's place in the check's journal, both prehashes (JSON-escaped, as the mock
    shows its own), and what the match says."""

    index: int
    server: str
    client: str | None  # None when no variant reproduces the signature sent
    finding: str


@dataclass
class Evidence:
    requests: list[JournalEntry] = field(default_factory=list)  # oldest first
    signatures: list[RefusedSignature] = field(default_factory=list)
    truncated: int = 0  # requests kept without headers and bodies (past KEEP_FULL)


def masker(secrets: Iterable[str]) -> Callable[[str], str]:
    """Replaces every secret (raw and percent-encoded) by MASK."""
    forms = sorted({f for s in secrets if len(s) >= 4 for f in (s, quote(s, safe=""), quote(s))}, key=len,
                   reverse=True)

    def mask(text: str) -> str:
        for form in forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    return mask


def _masked(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_masked(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: _masked(v, mask) for k, v in value.items()}
    return value


def collect(journal: list[JournalEntry], keys: dict[str, str], given: Iterable[str]) -> Evidence:
    """The evidence of one check from its journal, the mock's keys (api key -> secret) and every secret and
    passphrase the check's adapters were given. Secrets are only used to find what was signed, and are
    masked wherever they appear."""
    tried = list(dict.fromkeys([*keys.values(), *given]))
    mask = masker(tried)
    evidence = Evidence()
    for i, entry in enumerate(journal):
        if entry.get("code") == "40009" and entry.get("prehash"):
            evidence.signatures.append(_refused(i, entry, keys, tried, mask))
        if i < KEEP_FULL:
            evidence.requests.append(_masked(dict(entry), mask))
        else:
            shown: dict[str, Any] = dict(entry)
            evidence.requests.append({k: shown[k] for k in COMPACT_FIELDS if k in shown})  # type: ignore[arg-type]
            evidence.truncated += 1
    return evidence


def escaped(prehash: str) -> str:
    """As the mock shows a prehash: JSON string escapes, ASCII only, no quotes."""
    return json.dumps(prehash, ensure_ascii=True)[1:-1]


def _header(entry: JournalEntry, name: str) -> str | None:
    for key, value in entry.get("headers") or []:
        if key.lower() == name:
            return value
    return None


def _variants(method: str, path: str, query: str, body: str) -> list[tuple[str, str, str, str, str]]:
    """(what, method, path, query, body) for the request as sent and the usual ways to sign it wrong."""
    pairs = parse_qsl(query, keep_blank_values=True)
    decoded = unquote(query)
    out = [("the request as sent", method, path, query, body),
           ("the query percent-decoded", method, path, decoded, body),
           ("the query's keys sorted", method, path, urlencode(sorted(pairs)), body),
           ("the query's keys sorted, percent-decoded", method, path, unquote(urlencode(sorted(pairs))), body),
           ("the query's keys in reverse order", method, path, "&".join(reversed(query.split("&"))), body),
           ("the query encoded with quote (%20, not +)", method, path, urlencode(pairs, quote_via=quote), body),
           ("the query left out", method, path, "", body),
           ("the body left out", method, path, query, ""),
           ("the method in lower case", method.lower(), path, query, body),
           ("the path without /api", method, path.removeprefix("/api"), query, body)]
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict | list):
        out += [("the body re-serialised with spaces", method, path, query, json.dumps(parsed)),
                ("the body re-serialised compactly", method, path, query, json.dumps(parsed, separators=(",", ":"))),
                ("the body with its keys sorted", method, path, query,
                 json.dumps(parsed, separators=(",", ":"), sort_keys=True)),
                ("the body with non-ASCII escaped", method, path, query,
                 json.dumps(parsed, separators=(",", ":"), ensure_ascii=True))]
    return out


def _refused(index: int, entry: JournalEntry, keys: dict[str, str], secrets: list[str],
             mask: Callable[[str], str]) -> RefusedSignature:
    server = mask(str(entry.get("prehash", "")))
    sign, ts = _header(entry, "access-sign"), _header(entry, "access-timestamp") or ""
    if not sign:
        return RefusedSignature(index, server, None, "the request carried no ACCESS-SIGN")
    method, path, query, body = entry["method"], entry["path"], entry.get("query", ""), entry.get("body", "")
    if MASK in query or MASK in body:
        return RefusedSignature(index, server, None, "the request carries a secret (masked here), so what it "
                                                     "signed cannot be rebuilt")
    if entry.get("bodyBytes", 0) > len(body.encode("utf-8")):
        return RefusedSignature(index, server, None, "the body is longer than the journal keeps, so what was "
                                                     "signed cannot be rebuilt")
    key_secret = keys.get(str(entry.get("key")))
    variants = _variants(method, path, query, body)
    for what, m, p, q, b in variants:
        prehash = f"{ts}{m}{p}{'?' + q if q else ''}{b}"
        for secret in secrets:
            digest = hmac.new(secret.encode(), prehash.encode("utf-8"), hashlib.sha256).digest()
            if hmac.compare_digest(base64.b64encode(digest).decode(), sign):
                other = "" if secret == key_secret else ", with a secret that is not the key's"
                finding = f"the client signed {what}{other}"
                return RefusedSignature(index, server, mask(escaped(prehash)), finding)
    return RefusedSignature(index, server, None, f"none of {len(variants)} usual variants of the request reproduces "
                                                 "its ACCESS-SIGN with the secrets the check gave: the client "
                                                 "signed something else")

"""SECRET: the secret key, the passphrase and the signature stay where they belong.

On the wire the mock's journal masks every secret and passphrase it knows (raw or percent-encoded) as
`***` wherever it appears, so a mask outside the ACCESS-PASSPHRASE header is a secret the client sent
where it can leak (proxy and access logs keep URLs; bodies end up in traces). The signature is compared
with the request's own ACCESS-SIGN. What the client logs is read through the adapter's optional
`request_log()`; the report never shows a secret, only where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from mock_exchange.journal import MASK, JournalEntry

from .base import CRITICAL, MAJOR, check
from .headers import session, where

if TYPE_CHECKING:
    from ..context import Context

# the one header the passphrase belongs in (the journal masks it whole)
PASSPHRASE_HEADER = "access-passphrase"  # noqa: S105  (a header name, not a password)


def _leaks(entry: JournalEntry) -> list[str]:
    """Where this request carried a secret, a passphrase or its own signature outside their headers."""
    out = []
    for part in ("path", "query", "body"):
        if MASK in str(entry.get(part) or ""):
            out.append(f"a secret or passphrase in the {part}")
    headers = entry.get("headers", [])
    for name, value in headers:
        if name.lower() != PASSPHRASE_HEADER and MASK in value:
            out.append(f"a secret or passphrase in header {name}")
    sign = next((v for k, v in headers if k.lower() == "access-sign"), "")
    if len(sign) >= 16:
        for part in ("path", "query", "body"):
            text = str(entry.get(part) or "")
            if any(form in text for form in {sign, quote(sign, safe=""), quote(sign)}):
                out.append(f"the signature in the {part}")
    return out


@check("SECRET-001", "No secret key, passphrase or signature in a URL or body", CRITICAL)
def on_the_wire(ctx: Context) -> None:
    """A session of public and private calls; no request may carry the secret key or the passphrase in
    its path, query, body or any header but ACCESS-PASSPHRASE, nor its signature anywhere but ACCESS-SIGN.
    URLs are written to every proxy's and server's access log: a secret there is a secret leaked."""
    session(ctx)
    entries = ctx.journal()
    ctx.expect(entries, "the client sent no request")
    for entry in entries:
        leaks = _leaks(entry)
        ctx.expect(not leaks, f"{where(entry)} carried {', '.join(leaks)} (shown masked: "
                              f"{entry.get('query', '')[:120]!r})")
    ctx.note(f"{len(entries)} requests, none with a secret outside its header")


def _secret_forms(ctx: Context) -> dict[str, set[str]]:
    creds = ctx.mock.credentials
    return {name: {value, quote(value, safe=""), quote(value)}
            for name, value in (("secret key", creds.secret_key), ("passphrase", creds.passphrase))}


@check("SECRET-002", "The client's request log holds no secret key or passphrase", MAJOR)
def in_the_log(ctx: Context) -> None:
    """Turns on the client's own request logging (the adapter's `request_log()`, skipped where the adapter
    offers none), runs a session, and reads every line logged: none may hold the secret key or the
    passphrase. Debug logs are pasted into bug reports and shipped to log services."""
    lines = ctx.client.request_log()
    session(ctx)
    ctx.expect(ctx.journal(), "the client sent no request")
    ctx.note(f"{len(lines)} lines logged")
    for name, forms in _secret_forms(ctx).items():
        hit = next((line for line in lines if any(f in line for f in forms)), None)
        if hit is not None:
            for f in sorted(forms, key=len, reverse=True):
                hit = hit.replace(f, MASK)
            at = hit.index(MASK)
            ctx.fail(f"the client logged the {name} (shown masked): ...{hit[max(0, at - 60):at + 40]}...")

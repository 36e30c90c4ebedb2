"""Shared hypothesis strategies (also used by the conformance fuzzer's tests)."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import strategies as st

# printable ASCII and non-ASCII text, no surrogates (clients cannot send those as UTF-8)
text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=20)
ascii_token = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
                      min_size=1, max_size=12)


@st.composite
def query_strings(draw: st.DrawFn) -> bytes:
    """A raw query as some client may send it: any key order, values raw, percent-encoded or mixed."""
    pairs = draw(st.lists(st.tuples(ascii_token, text), max_size=6))
    parts = []
    for key, value in pairs:
        style = draw(st.sampled_from(["encoded", "encoded_plus_safe", "raw_ascii"]))
        if style == "encoded":
            parts.append(f"{key}={quote(value, safe='')}")
        elif style == "encoded_plus_safe":
            parts.append(f"{key}={quote(value, safe='$:,/')}")
        else:
            parts.append(f"{key}={quote(value, safe='')}".replace("%20", "+") if " " in value
                         else f"{key}={quote(value, safe='')}")
    return "&".join(parts).encode("ascii")


@st.composite
def json_bodies(draw: st.DrawFn) -> bytes:
    """A JSON object body in the shapes real clients send: compact, spaced, raw UTF-8 or \\u escapes."""
    import json

    obj = draw(st.dictionaries(ascii_token, st.one_of(text, st.integers(-10**6, 10**6), st.booleans(),
                                                      st.lists(text, max_size=3)), max_size=6))
    sep = draw(st.sampled_from([(",", ":"), (", ", ": ")]))
    ensure_ascii = draw(st.booleans())
    return json.dumps(obj, separators=sep, ensure_ascii=ensure_ascii).encode("utf-8")


paths = st.lists(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_."), min_size=1, max_size=10),
                 min_size=1, max_size=5).map(lambda segs: "/" + "/".join(segs))

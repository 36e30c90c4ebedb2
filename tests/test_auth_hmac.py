"""The server's keyed-once HMAC-SHA256 equals the standard library's for every secret and message."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.auth import _hmac_b64, signature_matches
from mock_exchange.state.accounts import ApiKey


def reference(secret: str, message: bytes) -> bytes:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest())


@given(secret=st.text(max_size=200), message=st.binary(max_size=300))
def test_keyed_once_hmac_equals_hmac_new(secret: str, message: bytes) -> None:
    assert _hmac_b64(secret, message) == reference(secret, message)
    assert _hmac_b64(secret, message) == reference(secret, message)  # a second time: from the cached pads


def test_block_sized_and_longer_secrets_hash_as_rfc_2104_says() -> None:
    for size in (63, 64, 65, 128):
        secret = "k" * size
        assert _hmac_b64(secret, b"m") == reference(secret, b"m")


def test_the_second_form_matches_and_a_wrong_signature_matches_none() -> None:
    key = ApiKey("bg_k", "1", "p", frozenset({"read"}), secret="s3cret")
    forms = [b"1GET/a?x=%20", b"1GET/a?x= "]
    assert signature_matches(key, reference("s3cret", forms[1]), forms)
    assert signature_matches(key, reference("s3cret", forms[0]), forms)
    assert not signature_matches(key, reference("other", forms[0]), forms)

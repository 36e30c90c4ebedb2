"""The client's signing: the spec's vectors, RSA, encoding, and BitgetAuth signing exactly what httpx sends."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any
from urllib.parse import unquote_plus

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given
from hypothesis import strategies as st

from client import BitgetAuth, encode_body, prehash, query_items, sign_hmac, sign_rsa

from .helpers import sign as independent_sign

SPEC_SECRET = "mock-secret-0123456789abcdef"
FUTURES_BODY = ('{"productType":"usdt-futures","symbol":"BTCUSDT","size":"8","marginMode":"crossed","side":"buy",'
                '"orderType":"limit","clientOid":"channel#123456"}')
SPOT_BODY = ('{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"23222.5","size":"1",'
             '"clientOid":"121211212122"}')

# docs/rules.md#test-vectors: (timestamp, method, path, query, body) -> ACCESS-SIGN with SPEC_SECRET
VECTORS = [
    (("1684814440729", "GET", "/api/v2/spot/account/assets", "", ""),
     "SQC3I+AOoe+oDsUV/qPv3kj6nwdx6XcKDHBMvJC+LOE="),
    (("1684814440729", "GET", "/api/v2/mix/account/account", "marginCoin=usdt&symbol=btcusdt", ""),
     "98qZXyPggDLp5QVf6PEEZJeIZb3ztvMrcmX77JG3E24="),
    (("16273667805456", "POST", "/api/v2/mix/order/place-order", "", FUTURES_BODY),
     "LIrNYvogzdW2D8muiM1SVPrUt3vWcWynFMjIdJgYsdg="),
    (("1659076670000", "POST", "/api/v2/spot/trade/place-order", "", SPOT_BODY),
     "3lchFnOK69Vhlx4BvoRS7ePczhg9N/R6s4Qv/yhllZE="),
    (("1538054050", "GET", "/user/verify", "", ""),
     "3o8Y6/HFJc0xhKGltYm/xiGXKQ35pNZ2VhgMjkYkVTU="),
]


@pytest.mark.parametrize(("parts", "expected"), VECTORS)
def test_spec_vectors(parts: tuple[str, str, str, str, str], expected: str) -> None:
    assert sign_hmac(SPEC_SECRET, prehash(*parts)) == expected


def test_prehash_matches_the_documented_strings() -> None:
    assert prehash(16273667805456, "get", "/api/mix/v2/market/depth", "limit=20&symbol=BTCUSDT") == \
        b"16273667805456GET/api/mix/v2/market/depth?limit=20&symbol=BTCUSDT"
    assert prehash("16273667805456", "POST", "/api/v2/mix/order/place-order", "", FUTURES_BODY) == \
        ("16273667805456POST/api/v2/mix/order/place-order" + FUTURES_BODY).encode()
    # no `?` when the query is empty; bytes and str give the same prehash
    assert prehash(1, "GET", b"/p", b"", b"") == b"1GET/p"
    assert prehash(1, "POST", "/p", "", '{"a":"é"}') == '1POST/p{"a":"é"}'.encode()


def test_hmac_keys_with_the_secret_utf8_bytes() -> None:
    assert sign_hmac("sécret", "x") == independent_sign("sécret", "x")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def test_rsa_is_sha256_pkcs1v15_base64(rsa_key: rsa.RSAPrivateKey) -> None:
    message = prehash(1684814440729, "GET", "/api/v2/spot/account/assets")
    signature = sign_rsa(_pem(rsa_key), message)
    # raises InvalidSignature if the scheme is not SHA256withRSA (PKCS#1 v1.5)
    rsa_key.public_key().verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())
    assert sign_rsa(rsa_key, message) == signature  # deterministic; a loaded key works too


def test_query_items_sorted_stringified_none_dropped() -> None:
    items = query_items({"symbol": "BTCUSDT", "limit": 20, "after": None, "price": Decimal("1E+2"), "flag": True})
    assert items == (("flag", "true"), ("limit", "20"), ("price", "100"), ("symbol", "BTCUSDT"))


def test_body_is_compact_utf8_json_with_plain_decimals() -> None:
    body = encode_body({"coin": "比特", "size": Decimal("0.00000010"), "list": [{"a": 1}]})
    assert body == '{"coin":"比特","size":"0.00000010","list":[{"a":1}]}'.encode()
    assert encode_body(None) == b""


def _step(auth: BitgetAuth, request: httpx.Request) -> httpx.Request:
    flow = auth.sync_auth_flow(request)
    return next(flow)


def test_auth_flow_signs_the_decoded_wire_query() -> None:
    auth = BitgetAuth("key", "secret", "pass", time_source=lambda: 1_700_000_000_123)
    request = httpx.Request("GET", "https://api.bitget.com/api/v2/spot/market/fills",
                            params=[("symbol", "BTC USDT"), ("x", "$&é")])
    signed = _step(auth, request)
    wire_query = signed.url.query.decode()
    assert wire_query == "symbol=BTC+USDT&x=%24%26%C3%A9"
    expected = "1700000000123GET/api/v2/spot/market/fills?symbol=BTC USDT&x=$&é"  # what Bitget verifies
    assert signed.headers["ACCESS-SIGN"] == independent_sign("secret", expected)
    assert signed.headers["ACCESS-TIMESTAMP"] == "1700000000123"
    assert (signed.headers["ACCESS-KEY"], signed.headers["ACCESS-PASSPHRASE"]) == ("key", "pass")
    assert "content-type" not in signed.headers


def test_auth_flow_signs_post_body_bytes_and_sets_content_type() -> None:
    auth = BitgetAuth("key", "secret", "pass", time_source=lambda: 5)
    body = '{"a": "ü" }'.encode()  # whatever bytes are sent are what is signed, spaces and all
    signed = _step(auth, httpx.Request("POST", "https://h/api/v2/x", content=body))
    assert signed.headers["ACCESS-SIGN"] == independent_sign("secret", b"5POST/api/v2/x" + body)
    assert signed.headers["Content-Type"] == "application/json"


def test_auth_with_rsa_key(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = BitgetAuth("key", "", "pass", rsa_private_key=_pem(rsa_key), time_source=lambda: 7)
    signed = _step(auth, httpx.Request("GET", "https://h/api/v2/spot/account/info"))
    rsa_key.public_key().verify(base64.b64decode(signed.headers["ACCESS-SIGN"]), b"7GET/api/v2/spot/account/info",
                                padding.PKCS1v15(), hashes.SHA256())
    assert "secret" not in repr(auth) and "rsa" in repr(auth)


def test_any_httpx_client_can_sign_with_it() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    auth = BitgetAuth("key", "secret", "pass", time_source=lambda: 9)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        http.post("https://h/api/v2/spot/trade/place-order", json={"symbol": "BTCUSDT"})
    sent = seen[0]
    assert sent.headers["ACCESS-SIGN"] == independent_sign("secret", b"9POST/api/v2/spot/trade/place-order"
                                                           + sent.content)


values = st.one_of(st.text(st.characters(blacklist_categories=["Cs"]), max_size=30),
                   st.integers(), st.decimals(allow_nan=False, allow_infinity=False, places=8))
params = st.dictionaries(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=10), values,
                         max_size=5)
bodies = st.recursive(st.one_of(st.none(), st.booleans(), st.text(max_size=20), st.integers()),
                      lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=3)),
                      max_leaves=10)


@given(params=params, body=st.dictionaries(st.text(max_size=8), bodies, max_size=4), ts=st.integers(0, 2**45))
def test_signature_always_covers_what_is_on_the_wire(params: dict[str, Any], body: dict[str, Any], ts: int) -> None:
    """The path and body as sent; the query as sent, decoded (the form Bitget verifies)."""
    auth = BitgetAuth("key", "secret", "pass", time_source=lambda: ts)
    request = httpx.Request("POST", "https://h/api/v2/p", params=query_items(params), content=encode_body(body))
    signed = _step(auth, request)
    raw_path, _, raw_query = signed.url.raw_path.partition(b"?")
    decoded = unquote_plus(raw_query.decode("ascii")).encode("utf-8")
    expected = str(ts).encode() + b"POST" + raw_path + (b"?" + decoded if raw_query else b"") + signed.content
    assert signed.headers["ACCESS-SIGN"] == independent_sign("secret", expected)
    assert json.loads(signed.content) == json.loads(encode_body(body))

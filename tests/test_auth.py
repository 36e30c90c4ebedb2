"""Private-request verification: order of checks, codes, vectors, RSA, debug aid, keys."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mock_exchange.auth import prehash_candidates, signature_matches
from mock_exchange.state.accounts import ApiKey

from .helpers import API_KEY, NOW, PASSPHRASE, SECRET, InProcess, call, make_app, seed_accounts, sign, signed_headers

ASSETS = "/api/v2/spot/account/assets"
SPEC_SECRET = "mock-secret-0123456789abcdef"

# docs/rules.md#test-vectors: prehash -> expected ACCESS-SIGN with the secret above
VECTORS = [
    ("1684814440729GET/api/v2/spot/account/assets", "SQC3I+AOoe+oDsUV/qPv3kj6nwdx6XcKDHBMvJC+LOE="),
    ("1684814440729GET/api/v2/mix/account/account?marginCoin=usdt&symbol=btcusdt",
     "98qZXyPggDLp5QVf6PEEZJeIZb3ztvMrcmX77JG3E24="),
    ('16273667805456POST/api/v2/mix/order/place-order{"productType":"usdt-futures","symbol":"BTCUSDT","size":"8",'
     '"marginMode":"crossed","side":"buy","orderType":"limit","clientOid":"channel#123456"}',
     "LIrNYvogzdW2D8muiM1SVPrUt3vWcWynFMjIdJgYsdg="),
    ('1659076670000POST/api/v2/spot/trade/place-order{"symbol":"BTCUSDT","side":"buy","orderType":"limit",'
     '"force":"gtc","price":"23222.5","size":"1","clientOid":"121211212122"}',
     "3lchFnOK69Vhlx4BvoRS7ePczhg9N/R6s4Qv/yhllZE="),
    ("1538054050GET/user/verify", "3o8Y6/HFJc0xhKGltYm/xiGXKQ35pNZ2VhgMjkYkVTU="),
]


def _split(prehash: str) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """Cut a spec prehash back into its parts (timestamp digits, method, path, query, body)."""
    i = 0
    while prehash[i].isdigit():
        i += 1
    ts, rest = prehash[:i], prehash[i:]
    method = "POST" if rest.startswith("POST") else "GET"
    rest = rest[len(method):]
    body = ""
    if "{" in rest:
        rest, body = rest[: rest.index("{")], rest[rest.index("{"):]
    path, _, query = rest.partition("?")
    return ts.encode(), method.encode(), path.encode(), query.encode(), body.encode()


@pytest.mark.parametrize(("prehash", "expected"), VECTORS)
def test_spec_vectors_verify(prehash: str, expected: str) -> None:
    key = ApiKey("k", "u", "p", frozenset({"read"}), secret=SPEC_SECRET)
    candidates = prehash_candidates(*_split(prehash))
    assert candidates[0] == prehash.encode()
    assert signature_matches(key, expected.encode(), candidates)
    assert not signature_matches(key, (expected[:-2] + "A=").encode(), candidates)


def test_signed_private_get_is_accepted() -> None:
    app = make_app()
    r = call(app, "GET", ASSETS, headers=signed_headers("GET", ASSETS))
    assert r.status == 200, r.body
    assert r.code == "00000"
    coins = {a["coin"]: a for a in r.json()["data"]}
    assert coins["USDT"]["available"] == "100000"


HEADER_ORDER = [
    ("ACCESS-KEY", "40001", "ACCESS_KEY cannot be empty"),
    ("ACCESS-SIGN", "40002", "ACCESS_SIGN cannot be empty"),
    ("ACCESS-PASSPHRASE", "40011", "ACCESS_PASSPHRASE cannot be empty"),
    ("ACCESS-TIMESTAMP", "40005", "Invalid ACCESS_TIMESTAMP"),
]


@pytest.mark.parametrize(("missing", "code", "msg"), HEADER_ORDER)
def test_missing_header_codes_in_order(missing: str, code: str, msg: str) -> None:
    app = make_app()
    headers = signed_headers("GET", ASSETS)
    # drop this header and every later one: the first missing header decides the code
    names = [h for h, _, _ in HEADER_ORDER]
    for name in names[names.index(missing):]:
        del headers[name]
    r = call(app, "GET", ASSETS, headers=headers)
    assert (r.status, r.code, r.json()["msg"]) == (400, code, msg)
    assert set(r.json()) == {"code", "msg", "requestTime", "data"}
    assert r.json()["data"] is None


@pytest.mark.parametrize("ts", ["abc", "-5", "1.5", "", " 1", "1" * 25, "１２３"])
def test_bad_timestamp_is_40005(ts: str) -> None:
    app = make_app()
    headers = signed_headers("GET", ASSETS)
    headers["ACCESS-TIMESTAMP"] = ts
    raw = [(k.encode(), v.encode("utf-8")) for k, v in headers.items()]
    import asyncio

    from .helpers import asgi_call

    r = asyncio.run(asgi_call(app, "GET", ASSETS, headers=raw))
    assert r.code == "40005"


def test_check_order_after_timestamp() -> None:
    app = make_app()
    # expired beats unknown key
    h = signed_headers("GET", ASSETS, ts=NOW - 60_000, api_key="bg_unknown")
    assert call(app, "GET", ASSETS, headers=h).code == "40008"
    # unknown key beats bad passphrase and bad signature
    h = signed_headers("GET", ASSETS, api_key="bg_unknown", passphrase="nope", secret="x")
    assert call(app, "GET", ASSETS, headers=h).code == "40006"
    # bad passphrase beats bad signature
    h = signed_headers("GET", ASSETS, passphrase="wrongpass1", secret="x")
    assert call(app, "GET", ASSETS, headers=h).code == "40012"
    h = signed_headers("GET", ASSETS, secret="x")
    r = call(app, "GET", ASSETS, headers=h)
    assert (r.status, r.code, r.json()["msg"]) == (400, "40009", "sign signature error")


def test_ip_whitelist_permission_and_content_type() -> None:
    app = make_app(accounts=seed_accounts(permissions=frozenset({"read"}), ips=("10.1.2.3",)))
    h = signed_headers("GET", ASSETS)
    assert call(app, "GET", ASSETS, headers=h).code == "40018"
    assert call(app, "GET", ASSETS, headers=h, client=("10.1.2.3", 1)).code == "00000"

    app = make_app(accounts=seed_accounts(permissions=frozenset({"read"})))
    info = "/api/v2/spot/account/info"
    assert call(app, "GET", info, headers=signed_headers("GET", info)).code == "00000"


def test_debug_prehash_header_and_journal_never_show_secrets() -> None:
    app = make_app()
    h = signed_headers("GET", ASSETS, query="coin=USDT", secret="wrong")
    r = call(app, "GET", ASSETS, raw_query=b"coin=USDT", headers=h)
    assert r.code == "40009"
    assert r.headers["x-mock-prehash"] == f"{NOW}GET{ASSETS}?coin=USDT"
    c = InProcess(app)
    entries = c.get("/_mock/journal?limit=5").json()["entries"]
    assert entries[0]["prehash"] == f"{NOW}GET{ASSETS}?coin=USDT"
    assert entries[0]["code"] == "40009" and entries[0]["apiKey"] is None and entries[0]["key"] == API_KEY
    dump = json.dumps(entries) + r.body.decode() + json.dumps(r.headers)
    assert SECRET not in dump and PASSPHRASE not in dump
    assert sign(SECRET, f"{NOW}GET{ASSETS}?coin=USDT") not in dump


def test_debug_prehash_can_be_turned_off() -> None:
    app = make_app(debug_signatures=False)
    r = call(app, "GET", ASSETS, headers=signed_headers("GET", ASSETS, secret="wrong"))
    assert r.code == "40009"
    assert "x-mock-prehash" not in r.headers


def test_non_ascii_prehash_is_json_escaped() -> None:
    app = make_app()
    path = "/api/v2/spot/account/assets"
    h = signed_headers("GET", path, secret="wrong")
    r = call(app, "GET", path, raw_query="coin=龙币".encode(), headers=h)
    assert r.code == "40009"
    shown = r.headers["x-mock-prehash"]
    assert shown.isascii()
    assert json.loads(f'"{shown}"') == f"{NOW}GET{path}?coin=龙币"


def test_rsa_key_verifies_sha256_with_rsa() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    app = make_app()
    c = InProcess(app)
    created = c.post("/_mock/accounts/1000000001/api-keys",
                     json={"permissions": ["read"], "passphrase": "rsaPass123", "publicKey": pem}).json()
    assert created["secretKey"] is None
    prehash = f"{NOW}GET{ASSETS}".encode()
    signature = base64.b64encode(private.sign(prehash, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers = {"ACCESS-KEY": created["apiKey"], "ACCESS-SIGN": signature, "ACCESS-TIMESTAMP": str(NOW),
               "ACCESS-PASSPHRASE": "rsaPass123"}
    assert call(app, "GET", ASSETS, headers=headers).code == "00000"
    assert call(app, "GET", ASSETS, raw_query=b"coin=BTC", headers=headers).code == "40009"
    headers["ACCESS-SIGN"] = "not base64!!"
    assert call(app, "GET", ASSETS, headers=headers).code == "40009"


def test_post_needs_json_content_type() -> None:
    app = make_app()
    path = "/api/v2/spot/account/assets"
    # a POST to a GET endpoint is a 404 envelope, counted as unknown
    r = call(app, "POST", path, headers=signed_headers("POST", path, body="{}"), body="{}")
    assert (r.status, r.code) == (404, "40404")


def test_deleted_key_fails_with_40006() -> None:
    app = make_app()
    c = InProcess(app)
    assert c.delete(f"/_mock/api-keys/{API_KEY}").json() == {"deleted": True}
    assert call(app, "GET", ASSETS, headers=signed_headers("GET", ASSETS)).code == "40006"


def test_public_endpoint_ignores_bad_signature() -> None:
    app = make_app()
    path = "/api/v2/public/time"
    r = call(app, "GET", path, headers=signed_headers("GET", path, secret="garbage"))
    assert r.code == "00000"
    assert r.json()["data"] == {"serverTime": str(NOW)}

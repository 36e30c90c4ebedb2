"""The /_mock/ admin API contract (ARCHITECTURE.md): accounts, keys, balances, clock, journal, reset."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mock_exchange.app import create_app
from mock_exchange.config import Config

from .helpers import NOW, InProcess, call, make_app, sign


def _client(**config: Any) -> InProcess:
    return InProcess(make_app(**config))


def test_health() -> None:
    assert _client().get("/_mock/health").json() == {"status": "ok"}


def test_create_account_and_key_then_use_it() -> None:
    c = _client()
    uid = c.post("/_mock/accounts", json={"balances": {"USDT": "1000"}}).json()["uid"]
    key = c.post(f"/_mock/accounts/{uid}/api-keys", json={"permissions": ["read", "spot_trade"]}).json()
    assert re.fullmatch(r"bg_[0-9a-f]{32}", key["apiKey"])
    assert re.fullmatch(r"[0-9a-f]{64}", key["secretKey"])
    assert re.fullmatch(r"[A-Za-z0-9]{8,32}", key["passphrase"])
    assert key["permissions"] == ["read", "spot_trade"] and key["ips"] == []
    assert set(key) == {"apiKey", "secretKey", "passphrase", "permissions", "ips"}
    path = "/api/v2/spot/account/assets"
    headers = {"ACCESS-KEY": key["apiKey"], "ACCESS-SIGN": sign(key["secretKey"], f"{NOW}GET{path}"),
               "ACCESS-TIMESTAMP": str(NOW), "ACCESS-PASSPHRASE": key["passphrase"]}
    r = call(c.app, "GET", path, headers=headers)
    assert r.code == "00000"
    assert r.json()["data"][0]["coin"] == "USDT" and r.json()["data"][0]["available"] == "1000"


def test_account_with_given_uid_and_duplicates() -> None:
    c = _client()
    assert c.post("/_mock/accounts", json={"uid": "555"}).json() == {"uid": "555"}
    r = c.post("/_mock/accounts", json={"uid": "555"})
    assert (r.status_code, r.json()["code"]) == (400, "40020")
    r = c.post("/_mock/accounts", json={"uid": "777", "balances": {"USDT": "-1"}})
    assert r.json()["code"] == "40020"
    assert c.get("/_mock/accounts/777").status_code == 404  # nothing half-made


def test_eleventh_key_is_refused() -> None:
    c = _client()
    uid = c.post("/_mock/accounts", json={}).json()["uid"]
    for _ in range(10):
        assert c.post(f"/_mock/accounts/{uid}/api-keys", json={}).status_code == 200
    r = c.post(f"/_mock/accounts/{uid}/api-keys", json={})
    assert (r.status_code, r.json()["code"], r.json()["msg"]) == (400, "40063", "API exceeds the maximum limit added")
    assert len(c.get(f"/_mock/accounts/{uid}/api-keys").json()["apiKeys"]) == 10


@pytest.mark.parametrize("passphrase", ["short1", "a" * 33, "lettersonly", "12345678", "has space1", "ünïcode12",
                                        "under_score1", 12345678])
def test_passphrase_rule(passphrase: object) -> None:
    c = _client()
    r = c.post("/_mock/accounts/1000000001/api-keys", json={"passphrase": passphrase})
    assert (r.status_code, r.json()["code"]) == (400, "40070")


def test_key_fields_are_validated() -> None:
    c = _client()
    base = "/_mock/accounts/1000000001/api-keys"
    assert c.post(base, json={"permissions": ["root"]}).json()["code"] == "40020"
    assert c.post(base, json={"ips": ["not-an-ip"]}).json()["code"] == "40020"
    assert c.post(base, json={"ips": [f"10.0.0.{i}" for i in range(31)]}).json()["code"] == "40020"
    assert c.post(base, json={"ips": [f"10.0.0.{i}" for i in range(30)]}).status_code == 200
    assert c.post(base, json={"publicKey": "-----BEGIN PUBLIC KEY-----\nxx\n"}).json()["code"] == "40020"
    r = c.post("/_mock/accounts/nobody/api-keys", json={})
    assert (r.status_code, r.json()["code"]) == (404, "40404")
    assert c.post(base, content=b"not json").json()["code"] == "40017"


def test_delete_key_and_unknown_key() -> None:
    c = _client()
    key = c.post("/_mock/accounts/1000000001/api-keys", json={}).json()["apiKey"]
    assert c.delete(f"/_mock/api-keys/{key}").json() == {"deleted": True}
    r = c.delete(f"/_mock/api-keys/{key}")
    assert (r.status_code, r.json()["code"]) == (404, "40404")


def test_put_balances() -> None:
    c = _client()
    r = c.put("/_mock/accounts/1000000001/balances", json={"USDT": "5.5", "BTC": 1})
    assert r.status_code == 200
    assert r.json()["USDT"] == "5.5" and r.json()["BTC"] == "1"
    assert c.put("/_mock/accounts/1000000001/balances", json={"USDT": "abc"}).json()["code"] == "40020"
    assert c.put("/_mock/accounts/1000000001/balances", json={"NOPE": "1"}).json()["code"] == "40034"
    assert c.put("/_mock/accounts/1000000001/balances", json={"USDT": "1e400"}).json()["code"] == "40020"
    assert c.get("/_mock/accounts/1000000001").json()["balances"]["spot"]["USDT"]["available"] == "5.5"


def test_clock_set_and_advance() -> None:
    c = _client()
    assert c.get("/_mock/clock").json() == {"now": NOW}
    assert c.post("/_mock/clock", json={"advance": 1500}).json()["now"] == NOW + 1500
    assert c.post("/_mock/clock", json={"set": 42}).json()["now"] == 42
    assert c.get("/api/v2/public/time").json()["data"]["serverTime"] == "42"
    assert c.post("/_mock/clock", json={"set": "soon"}).json()["code"] == "40020"
    assert c.post("/_mock/clock", json={}).json()["code"] == "40020"


def test_system_clock_switches_to_manual_on_post() -> None:
    ticks = iter(range(1_000_000, 2_000_000, 7))

    class FakeSystem:
        def now_ms(self) -> int:
            return next(ticks)

    c = InProcess(create_app(Config(base_clock=FakeSystem())))
    before = c.get("/_mock/clock?detail=1").json()
    assert before["manual"] is False
    after = c.post("/_mock/clock?detail=1", json={"advance": 10}).json()
    assert after["manual"] is True and set(c.post("/_mock/clock", json={"advance": 0}).json()) == {"now"}
    assert c.get("/_mock/clock").json() == {"now": after["now"]}  # frozen from now on
    # an offset goes back to following the system clock, shifted
    shifted = c.post("/_mock/clock?detail=1", json={"offset": 45_000}).json()
    assert shifted["manual"] is False and shifted["offset"] == 45_000
    first, second = c.get("/_mock/clock").json()["now"], c.get("/_mock/clock").json()["now"]
    assert second > first >= 1_045_000
    assert c.post("/_mock/clock", json={"offset": 1.5}).json()["code"] == "40020"


def test_journal_is_bounded_newest_first_and_redacted() -> None:
    c = _client(journal_size=5)
    for _ in range(8):
        c.get("/api/v2/public/time")
    c.get("/nope")
    entries = c.get("/_mock/journal?limit=100").json()["entries"]
    assert len(entries) == 5
    assert entries[0]["path"] == "/nope" and entries[0]["status"] == 404 and entries[0]["code"] == "40404"
    assert {"method", "path", "query", "status", "code", "uid", "apiKey", "bucket"} <= set(entries[0])
    assert c.get("/_mock/journal?limit=x").json()["code"] == "40020"


def test_reset_restores_seeded_state() -> None:
    c = _client()
    c.post("/_mock/accounts", json={"uid": "2"})
    c.put("/_mock/accounts/1000000001/balances", json={"USDT": "1"})
    c.delete("/_mock/api-keys/bg_test_key")
    assert c.post("/_mock/reset").json() == {"reset": True}
    assert c.get("/_mock/accounts/2").status_code == 404
    acct = c.get("/_mock/accounts/1000000001").json()
    assert acct["balances"]["spot"]["USDT"]["available"] == "100000"
    assert acct["apiKeys"][0]["apiKey"] == "bg_test_key"
    assert "secret" not in str(acct).lower().replace("secretkey", "")


def test_unknown_admin_path_and_method_are_envelopes() -> None:
    c = _client()
    for r in (c.get("/_mock/nothing"), c.delete("/_mock/health"), c.get("/_mock", follow_redirects=False),
              c.get("/_mock/health/", follow_redirects=False)):
        assert r.status_code == 404 and r.json()["code"] == "40404"


def test_admin_is_loopback_only_without_token() -> None:
    app = make_app()
    r = call(app, "GET", "/_mock/health", client=("203.0.113.9", 1))
    assert r.status == 403
    assert call(app, "GET", "/_mock/health", client=("::1", 1)).status == 200


def test_admin_token() -> None:
    app = make_app(admin_token="s3cret")
    assert call(app, "GET", "/_mock/health").status == 401
    ok = call(app, "GET", "/_mock/health", headers={"X-Mock-Admin-Token": "s3cret"}, client=("203.0.113.9", 1))
    assert ok.status == 200 and ok.json() == {"status": "ok"}


def test_fixed_credentials_through_the_admin_api() -> None:
    """The capture's credentials (not in Bitget's generated formats) can be installed as given."""
    c = _client()
    uid = c.post("/_mock/accounts", json={"uid": 42, "balances": {"USDT": "10"}}).json()["uid"]
    assert uid == "42"
    body = {"apiKey": "bg_capture", "secretKey": "cap_secret", "passphrase": "cap_pass", "permissions": ["read"]}
    created = c.post(f"/_mock/accounts/{uid}/api-keys", json=body).json()
    assert (created["apiKey"], created["secretKey"], created["passphrase"]) == ("bg_capture", "cap_secret", "cap_pass")
    path = "/api/v2/spot/account/assets"
    headers = {"ACCESS-KEY": "bg_capture", "ACCESS-SIGN": sign("cap_secret", f"{NOW}GET{path}"),
               "ACCESS-TIMESTAMP": str(NOW), "ACCESS-PASSPHRASE": "cap_pass"}
    assert call(c.app, "GET", path, headers=headers).code == "00000"
    assert c.post(f"/_mock/accounts/{uid}/api-keys", json=body).json()["code"] == "40020"  # already taken
    assert c.post(f"/_mock/accounts/{uid}/api-keys", json={"apiKey": "k2"}).json()["code"] == "40020"  # no secret
    # without fixed credentials the passphrase rule holds
    assert c.post(f"/_mock/accounts/{uid}/api-keys", json={"passphrase": "cap_pass"}).json()["code"] == "40070"


def test_seed_file_accepts_snake_case_spellings() -> None:
    from mock_exchange.state.seed import parse_accounts

    seeds = parse_accounts({"accounts": [{"uid": 7, "balances": {"USDT": "5"}, "api_keys": [
        {"api_key": "bg_test_key", "secret_key": "test_secret", "passphrase": "test_pass"}]}]})
    assert seeds[0].uid == "7" and seeds[0].balances == {"USDT": "5"}
    assert (seeds[0].keys[0].api_key, seeds[0].keys[0].secret) == ("bg_test_key", "test_secret")
    with pytest.raises(ValueError, match="apiKey and passphrase"):
        parse_accounts({"accounts": [{"uid": "1", "keys": [{"secretKey": "s"}]}]})
    with pytest.raises(ValueError, match="array of tables"):
        parse_accounts({"accounts": {"uid": "1"}})


def test_the_exchange_clock_follows_its_system_clock_and_both_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    from mock_exchange import clock as clock_module

    monkeypatch.setattr(clock_module, "time", types.SimpleNamespace(time_ns=lambda: 1_700_000_000_123_456_789))
    base = clock_module.SystemClock()
    exchange = clock_module.ExchangeClock(base)
    assert exchange.now_ms() == 1_700_000_000_123 == clock_module.wall_ms()
    base.offset_ms = 45_000  # the system clock's own offset counts, even set after the exchange clock is built
    assert exchange.now_ms() == 1_700_000_045_123
    assert exchange.set_offset(-1_000) == 1_700_000_044_123
    assert exchange.advance(10) == 1_700_000_044_133 and exchange.is_manual

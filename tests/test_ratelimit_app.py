"""Rate limits through the real app (in-process ASGI): headers, 429 envelope, UID/IP keys, journal, admin."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.routes import endpoint_limits
from mock_exchange.state.seed import AccountSeed, KeySeed

from .helpers import ALL_PERMISSIONS, NOW, Answer, asgi_call, call, make_app, seed_accounts, signed_headers

LIMITS = endpoint_limits()
REMAIN = "x-mbx-used-remain-limit"
TIME = "/api/v2/public/time"
COINS = "/api/v2/spot/public/coins"
INFO = "/api/v2/spot/account/info"
ASSETS = "/api/v2/spot/account/assets"
TICKERS = "/api/v2/spot/market/tickers"
FILLS = "/api/v2/spot/market/fills"
SHARED_APP = make_app()


def two_accounts() -> list[AccountSeed]:
    other = KeySeed("bg_other_key", "other_secret", "other_pass1", ALL_PERMISSIONS)
    second = KeySeed("bg_second_key", "second_secret", "second_pass1", ALL_PERMISSIONS)
    first = seed_accounts()[0]
    return [AccountSeed(first.uid, first.balances, (*first.keys, second)),
            AccountSeed("1000000002", {"USDT": "1"}, (other,))]


def private(app: Any, path: str, api_key: str = "bg_test_key", secret: str = "test_secret",
            passphrase: str = "test_pass", ip: str = "127.0.0.1") -> Answer:
    now = app.services.clock.now_ms()
    headers = signed_headers("GET", path, ts=now, api_key=api_key, secret=secret, passphrase=passphrase)
    return call(app, "GET", path, headers=headers, client=(ip, 1))


def test_429_envelope_and_remaining_header() -> None:
    app = make_app()
    limit = LIMITS[COINS].count
    answers = [call(app, "GET", COINS) for _ in range(limit + 1)]
    assert [a.headers[REMAIN] for a in answers] == [str(n) for n in range(limit - 1, -1, -1)] + ["0"]
    refused = answers[-1]
    assert refused.status == 429
    assert refused.json() == {"code": "429", "msg": "Too Many Requests", "requestTime": NOW, "data": None}
    assert "retry-after" not in refused.headers
    app.services.clock.advance(999)
    assert call(app, "GET", COINS).status == 429
    app.services.clock.advance(1)  # the admitted three are now exactly one window old: out of it
    assert call(app, "GET", COINS).headers[REMAIN] == "2"


def test_retry_after_only_when_asked() -> None:
    app = make_app(retry_after=True)
    for _ in range(LIMITS[COINS].count):
        assert "retry-after" not in call(app, "GET", COINS).headers
    assert call(app, "GET", COINS).headers["retry-after"] == "1"


def test_header_on_errors_that_passed_the_limiter_only() -> None:
    app = make_app()
    bad = call(app, "GET", TICKERS, b"symbol=NOPEUSDT")
    assert bad.code == "40034" and bad.headers[REMAIN] == "19"
    unsigned = call(app, "GET", INFO)  # refused by auth, before the endpoint limiter
    assert unsigned.code == "40001" and REMAIN not in unsigned.headers
    assert call(app, "GET", "/api/v2/nope").code == "40404"


def test_uid_endpoints_are_keyed_by_uid_not_key_or_ip() -> None:
    app = make_app(accounts=two_accounts())
    assert private(app, INFO).status == 200
    # same UID, other key, other IP: same counter (account/info is 1/s per UID)
    again = private(app, INFO, "bg_second_key", "second_secret", "second_pass1", ip="10.9.9.9")
    assert again.status == 429
    # another UID has its own counter; another endpoint of the first UID too
    assert private(app, INFO, "bg_other_key", "other_secret", "other_pass1").status == 200
    assert private(app, ASSETS).headers[REMAIN] == str(LIMITS[ASSETS].count - 1)
    entries = app.services.journal.newest(4)
    assert [e["bucket"] for e in entries] == [f"{ASSETS} uid:1000000001", f"{INFO} uid:1000000002",
                                              f"{INFO} uid:1000000001", f"{INFO} uid:1000000001"]
    assert entries[2]["code"] == "429"


def test_ip_endpoints_are_keyed_by_ip() -> None:
    app = make_app()
    for _ in range(3):
        call(app, "GET", COINS, client=("10.0.0.1", 1))
    assert call(app, "GET", COINS, client=("10.0.0.1", 1)).status == 429
    assert call(app, "GET", COINS, client=("10.0.0.2", 1)).status == 200
    assert call(app, "GET", TIME, client=("10.0.0.1", 1)).status == 200


def test_toml_file_overrides_single_rows(tmp_path: Path) -> None:
    table = tmp_path / "limits.toml"
    table.write_text('["/api/v2/public/time"]\ncount = 2\nwindow_ms = 5000\n', encoding="utf-8")
    app = make_app(rate_limits=str(table))
    assert [call(app, "GET", TIME).status for _ in range(3)] == [200, 200, 429]
    app.services.clock.advance(4999)
    assert call(app, "GET", TIME).status == 429
    app.services.clock.advance(1)
    assert call(app, "GET", TIME).status == 200
    assert call(app, "GET", COINS).headers[REMAIN] == "2"  # other rows keep Bitget's values


def test_fixed_algorithm_uses_wall_aligned_windows() -> None:
    start = (NOW // 1000) * 1000 + 990
    app = make_app(now_ms=start, limit_algorithm="fixed")
    assert [call(app, "GET", COINS).status for _ in range(4)] == [200, 200, 200, 429]
    app.services.clock.advance(10)  # a new second: a new window, although 10 ms passed
    assert call(app, "GET", COINS).headers[REMAIN] == "2"


def test_limits_off_means_no_limits_at_all() -> None:
    app = make_app(rate_limits="off", global_limit=1)
    answers = [call(app, "GET", COINS) for _ in range(10)]
    assert {a.status for a in answers} == {200}
    assert all(REMAIN not in a.headers for a in answers)
    assert app.services.limiter is None
    assert call(app, "GET", "/_mock/limits", b"ip=127.0.0.1").json()["enabled"] is False


def test_global_limit_counts_every_path_and_method_but_not_admin() -> None:
    app = make_app(global_limit=5, global_penalty_seconds=10)
    for _ in range(20):
        assert call(app, "GET", "/_mock/health").status == 200
    answers = [call(app, "GET", "/nope"), call(app, "POST", TIME), call(app, "GET", INFO),
               call(app, "GET", TICKERS, b"symbol=NOPE"), call(app, "GET", TIME)]
    assert [a.code for a in answers] == ["40404", "40404", "40001", "40034", "00000"]
    sixth = call(app, "GET", TIME)
    assert sixth.status == 429 and sixth.code == "429" and REMAIN not in sixth.headers
    assert call(app, "GET", TIME, client=("10.1.1.1", 1)).status == 200  # per IP
    entry = app.services.journal.newest(2)[1]
    assert entry["code"] == "429" and entry["status"] == 429 and entry["bucket"] == "global ip:127.0.0.1"
    view = call(app, "GET", "/_mock/limits", b"ip=127.0.0.1").json()
    assert view["global"] == {"limit": 5, "windowMs": 60_000, "used": 6, "remaining": 0, "penaltyMs": 10_000,
                              "penaltyUntil": NOW + 10_000}
    app.services.clock.advance(9_999)
    assert call(app, "GET", TIME).status == 429
    app.services.clock.advance(1)
    # penalty over, but the window (60 s) still holds 6 requests: the strict reading refuses again
    assert call(app, "GET", TIME).status == 429


def test_global_retry_after_is_the_penalty_left() -> None:
    app = make_app(global_limit=1, global_penalty_seconds=300, retry_after=True)
    call(app, "GET", TIME)
    assert call(app, "GET", TIME).headers["retry-after"] == "300"
    app.services.clock.advance(299_001)
    assert call(app, "GET", TIME).headers["retry-after"] == "1"


def test_admin_limits_view_and_reset() -> None:
    app = make_app()
    call(app, "GET", COINS)
    private(app, INFO)
    view = call(app, "GET", "/_mock/limits", b"ip=127.0.0.1").json()
    assert view["ip"] == "127.0.0.1" and view["global"]["used"] == 2 and view["global"]["penaltyUntil"] is None
    rows = {r["path"]: r for r in view["endpoints"]}
    assert rows[COINS] == {"path": COINS, "method": "GET", "basis": "ip", "limit": 3, "windowMs": 1000,
                           "used": 1, "remaining": 2}
    assert INFO not in rows  # UID-keyed rows are under ?uid=
    by_uid = {r["path"]: r for r in call(app, "GET", "/_mock/limits", b"uid=1000000001").json()["endpoints"]}
    assert by_uid[INFO]["used"] == 1 and by_uid[INFO]["remaining"] == 0 and by_uid[INFO]["basis"] == "uid"
    assert call(app, "GET", "/_mock/limits").status == 400
    assert call(app, "POST", "/_mock/reset").status == 200
    assert call(app, "GET", "/_mock/limits", b"ip=127.0.0.1").json()["global"]["used"] == 0
    assert private(app, INFO).status == 200


@pytest.mark.parametrize("bad", ["count = 0", 'basis = "key"', "per = 3", 'count = "5"', "count = true"])
def test_bad_toml_rows_are_refused_at_start(tmp_path: Path, bad: str) -> None:
    table = tmp_path / "limits.toml"
    table.write_text(f'["/api/v2/public/time"]\n{bad}\n', encoding="utf-8")
    with pytest.raises(ValueError):
        make_app(rate_limits=str(table))


def test_bad_settings_are_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        make_app(rate_limits=str(tmp_path / "missing.toml"))
    (tmp_path / "bad.toml").write_text("[[[", encoding="utf-8")
    with pytest.raises(ValueError):
        make_app(rate_limits=str(tmp_path / "bad.toml"))
    (tmp_path / "nopath.toml").write_text("[tickers]\ncount = 1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        make_app(rate_limits=str(tmp_path / "nopath.toml"))
    with pytest.raises(ValueError):
        make_app(limit_algorithm="sliding")
    with pytest.raises(ValueError):
        make_app(global_limit=-1)


def test_6001st_request_is_the_one_refused() -> None:
    """6001 requests within one minute from one IP, through the real app: exactly one 429, the last."""
    app = make_app()
    clock = app.services.clock

    async def run() -> list[Answer]:
        out = []
        for i in range(6001):
            if i % 10 == 0:
                answer = await asgi_call(app, "GET", TIME)
            elif i % 20 == 5:
                headers = signed_headers("GET", ASSETS, ts=clock.now_ms())
                raw = [(k.encode(), v.encode()) for k, v in headers.items()]
                answer = await asgi_call(app, "GET", ASSETS, b"", raw)
            elif i % 10 == 7:
                answer = await asgi_call(app, "POST", TIME)  # wrong method: counted too
            else:
                answer = await asgi_call(app, "GET", f"/api/v2/unknown/{i % 3}")
            out.append(answer)
            clock.advance(9)  # 6001 requests span 54 s: all inside one 60 s window
        return out

    answers = asyncio.run(run())
    refused = [i for i, a in enumerate(answers) if a.status == 429]
    assert refused == [6000]
    assert {a.status for a in answers[:6000]} == {200, 404}
    assert answers[6000].json()["code"] == "429"
    assert call(app, "GET", TIME).status == 429  # the penalty has begun
    clock.advance(300_000 - 9)
    assert call(app, "GET", TIME).status == 200  # five minutes later: recovered


@given(steps=st.lists(st.tuples(st.sampled_from([COINS, FILLS, TIME]), st.sampled_from(["10.0.0.1", "10.0.0.2"]),
                                st.integers(0, 300)), min_size=1, max_size=60))
def test_app_answers_follow_the_moving_window(steps: list[tuple[str, str, int]]) -> None:
    app = SHARED_APP
    app.services.reset()
    app.services.clock.set(NOW)
    admitted: dict[tuple[str, str], list[int]] = defaultdict(list)

    async def run() -> None:
        for path, ip, gap in steps:
            now = app.services.clock.advance(gap)
            answer = await asgi_call(app, "GET", path, b"symbol=BTCUSDT", client=(ip, 1))
            mine = admitted[(path, ip)]
            used = sum(1 for t in mine if now - 1000 < t <= now)
            limit = LIMITS[path].count
            assert answer.status == (200 if used < limit else 429)
            if answer.status == 200:
                mine.append(now)
            assert answer.headers[REMAIN] == str(max(0, limit - used - 1))

    asyncio.run(run())

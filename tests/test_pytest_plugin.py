"""The installed pytest plugin: a running mock on a real socket, reset before each test."""

from __future__ import annotations

import httpx

from mock_exchange.pytest_plugin import RunningMock

from .helpers import sign


def _signed_get(mock: RunningMock, path: str) -> httpx.Response:
    ts = httpx.get(mock.url + "/api/v2/public/time").json()["data"]["serverTime"]
    creds = mock.credentials
    headers = {"ACCESS-KEY": creds["api_key"], "ACCESS-SIGN": sign(creds["secret_key"], f"{ts}GET{path}"),
               "ACCESS-TIMESTAMP": ts, "ACCESS-PASSPHRASE": creds["passphrase"]}
    return httpx.get(mock.url + path, headers=headers)


def test_fixture_serves_signed_requests_over_http(bitget_mock: RunningMock) -> None:
    r = _signed_get(bitget_mock, "/api/v2/spot/account/assets")
    assert r.status_code == 200 and r.json()["code"] == "00000"
    assert {a["coin"] for a in r.json()["data"]} >= {"USDT", "BTC"}


def test_fixture_resets_between_tests_part_one(bitget_mock: RunningMock) -> None:
    httpx.put(f"{bitget_mock.url}/_mock/accounts/{bitget_mock.uid}/balances", json={"USDT": "1"})
    httpx.post(f"{bitget_mock.url}/_mock/accounts", json={"uid": "leftover"})


def test_fixture_resets_between_tests_part_two(bitget_mock: RunningMock) -> None:
    assert httpx.get(f"{bitget_mock.url}/_mock/accounts/leftover").status_code == 404
    usdt = httpx.get(f"{bitget_mock.url}/_mock/accounts/{bitget_mock.uid}").json()["balances"]["spot"]["USDT"]
    assert usdt["available"] == "100000"

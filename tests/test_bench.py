"""The benchmark's own logic: its signed requests are ones the mock accepts, its wrk script carries them
byte for byte, a run with socket errors or unexpected answers is INVALID, and the verdict is the median of
the paired ratios. (The load itself is not run here: no timing is asserted in the test suite.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.state.seed import AccountSeed, KeySeed

from .helpers import NOW, call, make_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import harness as h
import run

BENCH_PERMISSIONS = frozenset({"read", "spot_trade", "contract_trade"})
BENCH_ACCOUNT = [AccountSeed(h.UID, dict(h.BALANCES), (KeySeed(h.API_KEY, h.SECRET, h.PASSPHRASE, BENCH_PERMISSIONS,
                                                              ()),))]


@pytest.mark.parametrize("scenario", [s for s in run.scenarios(4) if s.server == "mock"], ids=lambda s: s.name)
def test_every_mock_scenario_is_a_request_the_mock_answers_as_expected(scenario: run.Scenario) -> None:
    app = make_app(accounts=BENCH_ACCOUNT, rate_limits="off")
    for method, admin_path, body in scenario.setup:
        target, _, admin_query = admin_path.partition("?")
        assert call(app, method, target, admin_query.encode(), {"Content-Type": "application/json"}, body).status == 200
    path, _, query = scenario.path.partition("?")
    headers = h.signed_headers(scenario.method, path, query, scenario.body, NOW) if scenario.signed else {}
    answer = call(app, scenario.method, path, query.encode(), headers, scenario.body)
    assert answer.status in scenario.expected and answer.code == "00000", answer.body


def test_the_place_order_scenario_cannot_fill() -> None:
    app = make_app(accounts=BENCH_ACCOUNT, rate_limits="off")
    path = "/api/v2/spot/trade/place-order"
    answer = call(app, "POST", path, b"", h.signed_headers("POST", path, "", run.PLACE_ORDER_BODY, NOW),
                  run.PLACE_ORDER_BODY)
    order_id = answer.json()["data"]["orderId"]
    query = f"orderId={order_id}"
    info = call(app, "GET", "/api/v2/spot/trade/orderInfo", query.encode(),
                h.signed_headers("GET", "/api/v2/spot/trade/orderInfo", query, "", NOW))
    assert info.json()["data"][0]["status"] == "cancelled" and info.json()["data"][0]["baseVolume"] == "0"


def _lua_bytes(literal: str) -> bytes:
    """What Lua reads from one of our string literals: raw printable bytes and \\ddd decimal escapes."""
    assert literal.startswith('"') and literal.endswith('"')
    out = bytearray()
    for escape, raw in re.findall(r"\\(\d{3})|([^\\])", literal[1:-1]):
        out.append(int(escape) if escape else ord(raw))
    return bytes(out)


@given(st.text())
def test_the_wrk_script_carries_any_text_byte_for_byte(text: str) -> None:
    literal = h._lua_string(text)
    assert _lua_bytes(literal) == text.encode()
    assert '"' not in literal[1:-1] and "\n" not in literal


def test_the_wrk_script_sets_method_body_and_headers() -> None:
    script = h.lua_script("POST", {"ACCESS-SIGN": "a+b/c=", "Content-Type": "application/json"}, '{"a":"x y"}')
    lines = script.splitlines()
    assert _lua_bytes(lines[0].split(" = ", 1)[1]) == b"POST"
    assert _lua_bytes(lines[1].split(" = ", 1)[1]) == b'{"a":"x y"}'
    assert 'wrk.headers["ACCESS-SIGN"] = "a+b/c="' in script and "function done(" in script


def _result(statuses: dict[int, int], errors: int = 0, requests: int = 1000) -> h.WrkResult:
    return h.WrkResult(requests, 1.0, 1.0, 2.0, {"connect": 0, "read": errors, "write": 0, "timeout": 0}, statuses,
                       server_cpu_s=0.05)


def test_a_run_with_socket_errors_or_unexpected_answers_is_invalid() -> None:
    assert _result({200: 1000}).unexpected({200}) is None
    assert _result({200: 990}, errors=10).unexpected({200}) == "10 read socket errors"
    assert _result({200: 999, 500: 1}).unexpected({200}) == "1 x HTTP 500"
    assert _result({429: 900, 200: 100}).unexpected({429}, {200: 100}) is None  # what the limiter may admit
    assert _result({429: 899, 200: 101}).unexpected({429}, {200: 100}) == "101 x HTTP 200"
    assert _result({}, requests=0).unexpected({200}) == "no requests completed"


def _report(rows: list[tuple[run.Scenario, list[float], list[dict[int, int]]]]) -> dict[str, Any]:
    for sc, paired, statuses in rows:
        sc.paired = paired
        sc.results = [_result(s) for s in statuses]
    _, data = run.report([sc for sc, _, _ in rows])
    return {str(d["scenario"]): d for d in data}


def test_the_verdict_is_the_median_of_the_paired_ratios() -> None:
    base, assets, place, limited = (next(s for s in run.scenarios(4) if s.name.startswith(p))
                                    for p in ("bare", "signed GET", "signed POST", "429: endpoint"))
    ok = [{200: 1000}] * 5
    data = _report([(base, [], ok), (assets, [0.9, 0.5, 0.8, 0.75, 0.3], ok),
                    (place, [0.62, 0.63, 0.45, 0.46, 0.54], ok),
                    (limited, [1.2] * 5, [{429: 1000}, {429: 900, 500: 1}, {429: 1000}, {429: 1000}, {429: 1000}])])
    assert data[assets.name]["paired_ratio"] == 0.75 and data[assets.name]["valid"]
    assert data[place.name]["paired_ratio"] == 0.54  # below 0.55 although three pairs are above it
    assert not data[limited.name]["valid"] and data[limited.name]["problems"] == ["1 x HTTP 500"]
    table, _ = run.report([base, assets, place, limited])
    verdicts = {line.split("  ")[0]: line.rsplit("  ", 1)[-1].strip() for line in table.splitlines()[2:]}
    assert verdicts[assets.name] == "ok" and verdicts[place.name] == "BELOW TARGET"
    assert verdicts[limited.name].startswith("INVALID: 1 x HTTP 500")


def test_wrk_output_is_parsed_into_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    out = ("Running 4s test\nBENCH requests=40000 duration_us=4000000 p50_us=2500 p99_us=9000 connect=0 read=2 "
           "write=0 timeout=0\nSTATUS 200 39990\nSTATUS 429 10\n")

    def fake_run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        assert argv[-1] == "http://127.0.0.1:1234/api/v2/public/time" and "-s" in argv
        return subprocess.CompletedProcess(argv, 0, out, "")

    monkeypatch.setattr(h.subprocess, "run", fake_run)
    res = h.run_wrk("wrk", [], 1234, "/api/v2/public/time", Path("x.lua"), 4, 50)
    assert (res.requests, res.rps, res.p50_ms, res.p99_ms) == (40000, 10000.0, 2.5, 9.0)
    assert res.statuses == {200: 39990, 429: 10} and res.unexpected({200}) == "2 read socket errors; 10 x HTTP 429"

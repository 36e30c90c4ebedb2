"""The real `mock-exchange serve` process: banner with credentials, HTTP on a free port, seed files, flags."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_exchange.cli import build_parser, config_from_args
from mock_exchange.server import free_port

from .helpers import sign


def _command() -> list[str]:
    script = Path(sys.executable).with_name("mock-exchange")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mock_exchange.cli"]


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """Start the server; yield its base URL and banner. Bounded: gives up after 20 s."""
    port = free_port()
    proc = subprocess.Popen([*_command(), "serve", "--port", str(port), "--no-access-log", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        banner = ""
        while "admin API" not in banner:  # the banner is printed before the server starts listening
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited: {banner}")
            banner += line
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/_mock/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {banner}") from None
                time.sleep(0.02)  # waiting on a real process, not on the mock's clock
        yield url, banner
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _field(banner: str, name: str) -> str:
    match = re.search(rf"{name}\s+(\S+)", banner)
    assert match, banner
    return match.group(1)


def test_serve_prints_demo_credentials_that_work() -> None:
    with serve() as (url, banner):
        uid, key = _field(banner, "account UID"), _field(banner, "API key")
        secret, passphrase = _field(banner, "secret key"), _field(banner, "passphrase")
        assert re.fullmatch(r"bg_[0-9a-f]{32}", key) and re.fullmatch(r"[0-9a-f]{64}", secret)
        ts = httpx.get(url + "/api/v2/public/time").json()["data"]["serverTime"]
        path = "/api/v2/spot/account/info"
        headers = {"ACCESS-KEY": key, "ACCESS-SIGN": sign(secret, f"{ts}GET{path}"), "ACCESS-TIMESTAMP": ts,
                   "ACCESS-PASSPHRASE": passphrase}
        r = httpx.get(url + path, headers=headers).json()
        assert r["code"] == "00000", r
        assert r["data"]["userId"] == uid


SEED_FILE = Path(__file__).resolve().parent / "vectors" / "accounts.toml"


def test_serve_with_accounts_file_and_signed_request() -> None:
    with serve("--accounts", str(SEED_FILE), "--manual-clock", "--clock-start-ms", "1700000000000") as (url, _):
        path = "/api/v2/spot/account/assets"
        ts = httpx.get(url + "/api/v2/public/time").json()["data"]["serverTime"]
        assert ts == "1700000000000"
        headers = {"ACCESS-KEY": "bg_seeded_key", "ACCESS-SIGN": sign("seeded_secret", f"{ts}GET{path}?coin=USDT"),
                   "ACCESS-TIMESTAMP": ts, "ACCESS-PASSPHRASE": "Seeded1234"}
        r = httpx.get(url + path, params={"coin": "USDT"}, headers=headers)
        assert r.json()["code"] == "00000", r.text
        assert r.json()["data"][0]["available"] == "2500"
        assert httpx.post(url + "/_mock/clock", json={"advance": 5000}).json()["now"] == 1700000005000


def test_environment_sets_flags() -> None:
    with serve(env={"MOCK_EXCHANGE_MANUAL_CLOCK": "1", "MOCK_EXCHANGE_CLOCK_START_MS": "123456"}) as (url, _):
        assert httpx.get(url + "/_mock/clock").json() == {"now": 123456}
        assert httpx.get(url + "/_mock/clock?detail=1").json() == {"now": 123456, "manual": True, "offset": 0}


def test_flags_map_onto_config() -> None:
    args = build_parser().parse_args(["serve", "--port", "9001", "--rate-limits", "off", "--timestamp-window-ms",
                                      "5000", "--no-debug-signatures", "--global-limit", "10", "--retry-after"])
    cfg = config_from_args(args)
    assert (cfg.port, cfg.rate_limits, cfg.timestamp_window_ms, cfg.debug_signatures, cfg.global_limit,
            cfg.retry_after) == (9001, "off", 5000, False, 10, True)


def test_state_flag_is_refused_until_built() -> None:
    result = subprocess.run([*_command(), "serve", "--state", "x.db"], capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode != 0 and "not built" in result.stderr


def test_bad_accounts_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[accounts]]\nuid = 1\n[[accounts.keys]]\napiKey = 'k'\n", encoding="utf-8")
    result = subprocess.run([*_command(), "serve", "--accounts", str(bad)], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 2 and "apiKey and passphrase are required" in result.stderr


@pytest.mark.parametrize("argv", [["serve", "--limit-algorithm", "sideways"], ["serve", "--port", "x"]])
def test_bad_flags_exit_nonzero(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)

"""The real `mock-exchange serve` process and its command line: banner, flags, environment, one-line errors."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
from dataclasses import fields
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange import cli, network
from mock_exchange.cli import build_parser, config_from_args, env_name
from mock_exchange.config import Config, ConfigError, flags
from mock_exchange.state.accounts import check_passphrase
from mock_exchange.state.seed import demo_seed

from .helpers import sign
from .serve_support import command, serve

pytestmark = pytest.mark.long  # serves over sockets and runs the CLI in subprocesses

SEED_FILE = Path(__file__).resolve().parent / "vectors" / "accounts.toml"


def _field(banner: str, name: str) -> str:
    match = re.search(rf"{name}\s+(\S+)", banner)
    assert match, banner
    return match.group(1)


def test_serve_prints_demo_credentials_that_work_and_follow_the_seed() -> None:
    with serve("--seed", "7") as srv:
        uid, key = _field(srv.banner, "account UID"), _field(srv.banner, "API key")
        secret, passphrase = _field(srv.banner, "secret key"), _field(srv.banner, "passphrase")
        expected = demo_seed(7).keys[0]
        assert (key, secret, passphrase) == (expected.api_key, expected.secret, expected.passphrase)
        ts = httpx.get(srv.url + "/api/v2/public/time").json()["data"]["serverTime"]
        path = "/api/v2/spot/account/info"
        headers = {"ACCESS-KEY": key, "ACCESS-SIGN": sign(secret, f"{ts}GET{path}"), "ACCESS-TIMESTAMP": ts,
                   "ACCESS-PASSPHRASE": passphrase}
        r = httpx.get(srv.url + path, headers=headers).json()
        assert r["code"] == "00000", r
        assert r["data"]["userId"] == uid


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=2**64), st.integers(min_value=0, max_value=2**64))
def test_demo_credentials_are_a_function_of_the_seed(a: int, b: int) -> None:
    ka, kb = demo_seed(a).keys[0], demo_seed(b).keys[0]
    assert demo_seed(a).keys[0] == ka  # a restart with the same seed: the same credentials
    assert re.fullmatch(r"bg_[0-9a-f]{32}", ka.api_key) and re.fullmatch(r"[0-9a-f]{64}", ka.secret or "")
    assert check_passphrase(ka.passphrase) == ka.passphrase  # Bitget's 40070 rule
    if a != b:
        assert ka.api_key != kb.api_key and ka.secret != kb.secret and ka.passphrase != kb.passphrase


def test_serve_with_accounts_file_and_signed_request() -> None:
    with serve("--accounts", str(SEED_FILE), "--manual-clock", "--clock-start-ms", "1700000000000") as srv:
        url, path = srv.url, "/api/v2/spot/account/assets"
        ts = httpx.get(url + "/api/v2/public/time").json()["data"]["serverTime"]
        assert ts == "1700000000000"
        headers = {"ACCESS-KEY": "bg_seeded_key", "ACCESS-SIGN": sign("seeded_secret", f"{ts}GET{path}?coin=USDT"),
                   "ACCESS-TIMESTAMP": ts, "ACCESS-PASSPHRASE": "Seeded1234"}
        r = httpx.get(url + path, params={"coin": "USDT"}, headers=headers)
        assert r.json()["code"] == "00000", r.text
        assert r.json()["data"][0]["available"] == "2500"
        assert httpx.post(url + "/_mock/clock", json={"advance": 5000}).json()["now"] == 1700000005000


def test_environment_sets_flags() -> None:
    with serve(env={"MOCK_EXCHANGE_MANUAL_CLOCK": "1", "MOCK_EXCHANGE_CLOCK_START_MS": "123456"}) as srv:
        assert httpx.get(srv.url + "/_mock/clock?detail=1").json() == {"now": 123456, "manual": True, "offset": 0}


def test_port_zero_reports_the_port_it_listens_on() -> None:
    with serve(port=0) as srv:  # the helper reads the port from the banner's first line
        assert srv.port != 0 and f"http://127.0.0.1:{srv.port}/_mock/health" in srv.banner
        assert httpx.get(srv.url + "/_mock/health").json() == {"status": "ok"}


def test_a_port_in_use_fails_in_one_line_before_the_banner() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*command(), "serve", "--port", str(port)], capture_output=True, text=True,
                                timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"mock-exchange: cannot listen on 127.0.0.1:{port}: "
                                                  "Address already in use"]
    assert "API key" not in result.stdout and "secret" not in result.stdout


def test_version() -> None:
    result = subprocess.run([*command(), "--version"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0
    assert re.fullmatch(r"mock-exchange \d+\.\d+\.\d+\S* \(bitget-mock\)\n", result.stdout)


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._SubParsersAction)]


def test_every_flag_has_help_and_names_its_environment_variable() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    serve_parser = sub.choices["serve"]
    for action in [*_actions(parser), *_actions(serve_parser)]:
        assert action.help and len(action.help) > 10, action.option_strings
    assert all(choice.help for choice in sub._choices_actions)
    by_flag = {a.option_strings[0]: a for a in _actions(serve_parser) if a.option_strings}
    for f in flags():
        assert f.flag in by_flag and env_name(f.flag) in (by_flag[f.flag].help or "")
    # every Config field is either a flag or set only from code
    assert {f.name for f in fields(Config)} - {f.name for f in flags()} == {
        "base_clock", "demo_account", "global_window_ms", "max_body_bytes", "retention_ms", "ws_limits"}


def test_flags_map_onto_config_and_beat_the_environment() -> None:
    args = build_parser().parse_args(["serve", "--port", "9001", "--rate-limits", "off", "--timestamp-window-ms",
                                      "5000", "--no-debug-signatures", "--global-limit", "10", "--retry-after",
                                      "--request-timeout", "2.5", "--forwarded-allow-ips", "10.0.0.0/8,::1"])
    cfg = config_from_args(args, {"MOCK_EXCHANGE_PORT": "9002", "MOCK_EXCHANGE_SEED": "9",
                                  "MOCK_EXCHANGE_NO_ACCESS_LOG": "yes", "MOCK_EXCHANGE_MANUAL_CLOCK": "0"})
    assert (cfg.port, cfg.rate_limits, cfg.timestamp_window_ms, cfg.debug_signatures, cfg.global_limit,
            cfg.retry_after, cfg.request_timeout, cfg.forwarded_allow_ips) == (
        9001, "off", 5000, False, 10, True, 2.5, "10.0.0.0/8,::1")
    assert (cfg.seed, cfg.access_log, cfg.manual_clock) == (9, False, False)
    assert config_from_args(build_parser().parse_args(["serve"]), {}) == Config()


def _never_listen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting that should have been refused fails the test instead of starting a server."""
    def listen(host: str, port: int) -> None:
        raise AssertionError(f"would have listened on {host}:{port}")
    monkeypatch.setattr(network, "listen", listen)


A = "[[accounts]]\nuid = '1'\n"
KEY = A + "[[accounts.keys]]\napiKey = 'k'\n"
BAD_SEED_FILES = {
    "[[account]]\nuid = '1'\n": "unknown table 'account' (did you mean [[accounts]]?)",
    "": "no accounts",
    A + "balance = { USDT = '1' }\n": "accounts[0]: unknown key 'balance' (did you mean 'balances'?)",
    A + "balances = { USDT = '-1' }\n": "accounts[0].balances.USDT: '-1' is not a non-negative decimal",
    A + "balances = { USDT = 'lots' }\n": "'lots' is not a non-negative decimal",
    A + "balances = { USDT = 0.1 }\n": "accounts[0].balances.USDT must be a decimal string",
    A + "balances = { DOGE = '1' }\n": "accounts[0].balances: unknown coin 'DOGE'",
    KEY: "accounts[0].keys[0]: apiKey and passphrase are required",
    KEY + "passphrase = 'Pass12345'\nsecret = 's'\n":
        "accounts[0].keys[0]: unknown key 'secret' (did you mean 'secretKey'?)",
    KEY + "passphrase = ' padded'\nsecretKey = 's'\n":
        "accounts[0].keys[0].passphrase must be 1-64 printable ASCII characters",
    KEY + "passphrase = 'Pass12345'\nsecretKey = 's'\n"
    "permissions = ['trade']\n": "accounts[0].keys[0].permissions must be a list of read",
    A + A: "accounts[1]: uid '1' appears twice",
    KEY + "passphrase = 'Pass12345'\nsecretKey = 's'\n"
    "[[accounts]]\nuid = '2'\n[[accounts.keys]]\napiKey = 'k'\npassphrase = 'Pass12345'\nsecretKey = 's'\n":
        "accounts[1].keys[0]: apiKey 'k' appears twice",
    "[[accounts]\n": "is not valid TOML",
}


@pytest.mark.parametrize("text", list(BAD_SEED_FILES))
def test_a_bad_seed_file_is_one_line_naming_the_problem_and_exit_2(text: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _never_listen(monkeypatch)
    path = tmp_path / "accounts.toml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["serve", "--accounts", str(path)]) == 2
    out = capsys.readouterr()
    assert out.out == ""  # no banner, no credentials
    (line,) = out.err.splitlines()
    assert line.startswith(f"mock-exchange: accounts file {path}") and BAD_SEED_FILES[text] in line, line


BAD_SETTINGS = [
    (["--port", "99999"], {}, "argument --port: must be between 0 and 65535, not 99999"),
    (["--port", "-1"], {}, "argument --port: must be between 0 and 65535"),
    ([], {"MOCK_EXCHANGE_PORT": "abc"}, "MOCK_EXCHANGE_PORT='abc': not an integer: 'abc'"),
    ([], {"MOCK_EXCHANGE_PORT": "70000"}, "MOCK_EXCHANGE_PORT='70000': must be between 0 and 65535"),
    ([], {"MOCK_EXCHANGE_MANUAL_CLOCK": "maybe"}, "MOCK_EXCHANGE_MANUAL_CLOCK='maybe': expected 1 or 0"),
    ([], {"MOCK_EXCHANGE_REQUEST_TIMEOUT": "soon"}, "MOCK_EXCHANGE_REQUEST_TIMEOUT='soon': not a number"),
    (["--limit-algorithm", "sideways"], {}, "must be one of moving, fixed, not 'sideways'"),
    (["--clock-start-ms", "5"], {}, "--clock-start-ms needs --manual-clock"),
    (["--max-connections", "0"], {}, "argument --max-connections: must be an integer >= 1"),
    (["--forwarded-allow-ips", "10.0.0.x"], {}, "'10.0.0.x' is not an IP address or network"),
    (["--admin-token", ""], {}, "argument --admin-token: must be printable ASCII"),
    (["--state", __file__], {}, "not a bitget-mock state file"),
    (["--rate-limits", "/nonexistent.toml"], {}, "--rate-limits: cannot read"),
    (["--accounts", "/nonexistent.toml"], {}, "cannot read accounts file /nonexistent.toml: No such file"),
    (["--bogus"], {}, "unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize(("argv", "env", "message"), BAD_SETTINGS)
def test_bad_settings_are_one_line_and_exit_2(argv: list[str], env: dict[str, str], message: str,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _never_listen(monkeypatch)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        code = cli.main(["serve", *argv])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code  # type: ignore[assignment]
    out = capsys.readouterr()
    assert code == 2 and out.out == ""
    (line,) = out.err.splitlines()
    assert line.startswith("mock-exchange") and message in line, line


def test_a_bad_setting_from_a_real_process_has_no_traceback() -> None:
    result = subprocess.run([*command(), "serve"], capture_output=True, text=True, timeout=30, check=False,
                            env={"MOCK_EXCHANGE_PORT": "abc", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert result.stderr == "mock-exchange: MOCK_EXCHANGE_PORT='abc': not an integer: 'abc'\n"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"port": 99999}, "--port must be between 0 and 65535"),
    ({"port": True}, "--port must be between"),
    ({"seed": -1}, "--seed must be an integer >= 0"),
    ({"global_window_ms": 0}, "global_window_ms must be an integer >= 1"),
    ({"request_timeout": float("nan")}, "--request-timeout must be a positive number"),
    ({"limit_algorithm": "x"}, "--limit-algorithm must be one of moving, fixed"),
    ({"manual_clock": "yes"}, "--manual-clock must be true or false"),
])
def test_config_validates_itself(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        Config(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("host", "token", "proxies", "warns"), [
    ("127.0.0.1", None, None, False), ("::1", None, None, False), ("localhost", None, None, False),
    ("0.0.0.0", None, None, True), ("192.168.1.5", None, None, True), ("0.0.0.0", "T0ken", None, False),
    ("127.0.0.1", None, "127.0.0.1", True), ("127.0.0.1", "T0ken", "127.0.0.1", False),
])
def test_exposure_warning(host: str, token: str | None, proxies: str | None, warns: bool) -> None:
    warning = cli.exposure_warning(Config(host=host, admin_token=token, forwarded_allow_ips=proxies))
    assert (warning is not None) == warns
    if warning:
        assert "--admin-token" in warning and "admin API" in warning

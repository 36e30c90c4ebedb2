"""`bitget-conformance run --base-url URL`: the catalogue against a mock already running, set up through
its admin API; a clear refusal (exit 2, one line) when there is no usable mock at the URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.cli import main
from mock_exchange.app import create_app
from mock_exchange.config import Config
from mock_exchange.server import ServerThread, free_port

TOKEN = "remote-admin-token-0123"
CHECKS = "SIGN-001,SIGN-002,SIGN-007,TIME-001,TIME-002,DATA-001,DATA-002,DATA-003,ORDER-003,ERR-001,ERR-004"


@pytest.fixture(scope="module")
def remote() -> Iterator[str]:
    """A mock as `mock-exchange serve --admin-token T` runs it (demo account, Bitget's limits, system clock)."""
    with ServerThread(create_app(Config(port=0, admin_token=TOKEN))) as srv:
        yield srv.url


def test_the_reference_client_passes_against_a_running_mock(remote: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--adapter", "reference", "--base-url", remote, "--admin-token", TOKEN, "--checks", CHECKS,
                 "--fuzz-examples", "0", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "11 passed, 0 failed, 0 errors" in out


def test_a_broken_client_fails_against_a_running_mock(remote: str, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_EXCHANGE_ADMIN_TOKEN", TOKEN)  # the same variable `mock-exchange serve` reads
    code = main(["run", "--adapter", "tests.conformance_support:WrongSecretAdapter", "--base-url", remote,
                 "--checks", "SIGN-001,ERR-006", "--fuzz-examples", "0"])
    out = capsys.readouterr().out
    assert code == 1
    assert "SIGN-001    critical FAIL" in out and "40009 sign signature error" in out


@pytest.mark.parametrize(("url", "token", "says"), [
    ("http://127.0.0.1:{closed}", None, "no mock answers at"),
    ("127.0.0.1:8080", None, "no mock answers at"),
    ("http://[::1", None, "is not a URL"),
    ("{remote}/api", TOKEN, "not a bitget-mock admin API"),
    ("{remote}", None, "requires its admin token: pass --admin-token"),
    ("{remote}", "wrong-token", "refused the admin token"),
])
def test_no_usable_mock_is_one_line_and_exit_2(remote: str, url: str, token: str | None, says: str,
                                               capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCK_EXCHANGE_ADMIN_TOKEN", raising=False)
    url = url.format(remote=remote, closed=free_port())
    argv = ["run", "--adapter", "reference", "--base-url", url, "--checks", "SIGN-001"]
    code = main(argv + (["--admin-token", token] if token else []))
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("bitget-conformance: ") and says in captured.err
    assert TOKEN not in captured.err


def test_the_ws_checks_pass_against_a_running_mock(remote: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--adapter", "reference", "--base-url", remote, "--admin-token", TOKEN, "--checks", "WS-*",
                 "--adapter-option", "ws_ping_interval=0.5", "--fuzz-examples", "0", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "6 passed, 0 failed, 0 errors" in out

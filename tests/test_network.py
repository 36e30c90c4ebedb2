"""`mock-exchange serve` on real sockets: the caller's IP is the socket's, proxy headers only from named
proxies, the admin API never trusts a header, slow senders are cut off, open connections are capped."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from mock_exchange.app import create_app
from mock_exchange.config import Config
from mock_exchange.network import TrustedProxyHeaders, expired

from .helpers import sign
from .serve_support import Served, serve

NOW = 1_700_000_000_000
FORGED = "203.0.113.7"
ASSETS = "/api/v2/spot/account/assets"
WHITELISTED = f"""
[[accounts]]
uid = "3000000001"
balances = {{ USDT = "10" }}
[[accounts.keys]]
apiKey = "bg_whitelisted"
secretKey = "wl_secret"
passphrase = "Whitelist1"
ips = ["{FORGED}"]
"""


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "accounts.toml"
    path.write_text(WHITELISTED, encoding="utf-8")
    return path


def _forged_assets(url: str) -> dict[str, object]:
    headers = {"ACCESS-KEY": "bg_whitelisted", "ACCESS-SIGN": sign("wl_secret", f"{NOW}GET{ASSETS}"),
               "ACCESS-TIMESTAMP": str(NOW), "ACCESS-PASSPHRASE": "Whitelist1", "X-Forwarded-For": FORGED}
    return httpx.get(url + ASSETS, headers=headers).json()


def _global_used(url: str, ip: str) -> int:
    return int(httpx.get(url + "/_mock/limits", params={"ip": ip}).json()["global"]["used"])


def test_a_forged_forwarded_for_from_loopback_is_ignored(seed_file: Path) -> None:
    with serve("--accounts", str(seed_file), "--manual-clock", "--clock-start-ms", str(NOW)) as srv:
        for _ in range(3):
            assert _forged_assets(srv.url)["code"] == "40018"  # the whitelist sees 127.0.0.1
        assert _global_used(srv.url, "127.0.0.1") >= 3  # counted under the real IP (plus the health check)
        assert _global_used(srv.url, FORGED) == 0
        entry = httpx.get(srv.url + "/_mock/journal?limit=1").json()["entries"][0]
        assert (entry["ip"], entry["code"]) == ("127.0.0.1", "40018")


def test_forwarded_for_is_honoured_only_from_named_proxies(seed_file: Path) -> None:
    with serve("--accounts", str(seed_file), "--manual-clock", "--clock-start-ms", str(NOW),
               "--forwarded-allow-ips", "127.0.0.1", "--admin-token", "T0ken") as srv:
        assert _forged_assets(srv.url)["code"] == "00000"
        admin = {"X-Mock-Admin-Token": "T0ken"}
        used = httpx.get(srv.url + "/_mock/limits", params={"ip": FORGED}, headers=admin).json()["global"]["used"]
        assert used == 1
    assert "warning" not in srv.banner  # with a token there is nothing to warn about
    with serve("--forwarded-allow-ips", "10.0.0.1") as other:  # loopback is not among the named proxies
        assert httpx.get(other.url + "/api/v2/public/time", headers={"X-Forwarded-For": FORGED}).status_code == 200
        assert _global_used(other.url, FORGED) == 0
    assert other.banner.startswith("warning: --forwarded-allow-ips without --admin-token")  # before the banner


def _admin_status(client: str, forwarded: str) -> tuple[int, str]:
    app = TrustedProxyHeaders(create_app(Config(port=0)), "*")  # every proxy trusted: the worst case
    with TestClient(app, client=(client, 40000)) as c:
        r = c.get("/_mock/health", headers={"X-Forwarded-For": forwarded})
        return r.status_code, r.json().get("code", "")


def test_the_admin_loopback_check_reads_the_socket_never_a_header() -> None:
    assert _admin_status("203.0.113.9", "127.0.0.1") == (403, "40018")  # a remote caller claiming loopback
    assert _admin_status("127.0.0.1", "203.0.113.9")[0] == 200  # a local caller is local whatever it claims
    # and the Bitget API behind a trusted proxy does see the forwarded address
    app = create_app(Config(port=0))
    with TestClient(TrustedProxyHeaders(app, "*"), client=("10.0.0.1", 1)) as c:
        c.get("/api/v2/public/time", headers={"X-Forwarded-For": FORGED})
    assert app.services.journal.newest(1)[0]["ip"] == FORGED


# -- slow senders and the connection cap -----------------------------------------------------------
@pytest.fixture(scope="module")
def guarded() -> Iterator[Served]:
    with serve("--request-timeout", "0.5", "--max-connections", "4") as srv:
        yield srv


def _connect(srv: Served) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)  # bounded: no test waits longer
    return s


def _closed_by_server(s: socket.socket) -> bool:
    """Whether the server closes the connection (read until EOF, within the socket's timeout)."""
    try:
        while s.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _request(s: socket.socket) -> bytes:
    s.sendall(b"GET /api/v2/public/time HTTP/1.1\r\nHost: mock\r\n\r\n")
    answer = b""
    while not answer.endswith(b"}}"):
        chunk = s.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer


def test_half_a_request_header_then_nothing_is_closed(guarded: Served) -> None:
    with _connect(guarded) as s:
        s.sendall(b"GET /api/v2/public/time HTTP/1.1\r\nHost: mo")
        assert _closed_by_server(s)


def test_a_body_that_never_ends_is_closed(guarded: Served) -> None:
    with _connect(guarded) as s:
        s.sendall(b"POST /api/v2/spot/trade/place-order HTTP/1.1\r\nHost: mock\r\nContent-Length: 100\r\n\r\n{\"a\"")
        assert _closed_by_server(s)


def test_an_idle_connection_after_an_answer_is_closed_even_if_it_trickles(guarded: Served) -> None:
    with _connect(guarded) as s:
        assert b'"code":"00000"' in _request(s)
        s.sendall(b"\r\n")  # a byte that cancels uvicorn's own keep-alive timer
        assert _closed_by_server(s)


def test_a_complete_request_is_answered_and_keeps_its_connection(guarded: Served) -> None:
    with _connect(guarded) as s:
        for _ in range(3):
            assert b'"code":"00000"' in _request(s)


def test_connections_over_the_cap_are_closed_with_a_log_line() -> None:
    with serve("--max-connections", "3") as srv:
        held = [_connect(srv) for _ in range(3)]
        try:
            for s in held:
                assert b"00000" in _request(s)  # each one counted by the server
            with _connect(srv) as over:
                over.sendall(b"GET /api/v2/public/time HTTP/1.1\r\nHost: mock\r\n\r\n")
                assert _closed_by_server(over)
            held.pop().close()
            answered = False
            for _ in range(200):  # the server notices the close asynchronously: bounded retries
                with _connect(srv) as again:
                    if b"00000" in _request(again):
                        answered = True
                        break
            assert answered
        finally:
            for s in held:
                s.close()
    log = "\n".join(srv.output)
    assert "connection cap reached: 3 connections open (--max-connections 3)" in log
    assert "below the connection cap again" in log


class _Conn:
    """A stand-in connection for the sweep: what it waits on at each sweep (None: handling a request),
    and the sweep at which it was closed."""

    def __init__(self, opened: float | None, tokens: list[object | None]) -> None:
        self.seen: tuple[object, float] | None = (tokens[0], opened) if opened is not None else None
        self.tokens = tokens
        self.sweep = 0
        self.closed_at: int | None = None

    def waiting_on(self) -> object | None:
        return self.tokens[self.sweep]

    def expire(self) -> None:
        assert self.closed_at is None, "closed twice"
        self.closed_at = self.sweep
        self.seen = None


def _first_deadline(opened: float | None, tokens: list[object | None], times: list[float],
                    timeout: float) -> int | None:
    """The sweep that must close the connection: the first at which it has waited on one same thing since
    the start of that run of sweeps (the opening, for a wait it began with) for `timeout` or longer."""
    for i, token in enumerate(tokens):
        if token is None:
            continue
        j = i
        while j > 0 and tokens[j - 1] is token:
            j -= 1
        start = opened if j == 0 and opened is not None else times[j]
        if times[i] - start >= timeout:
            return i
    return None


SWEEPS = 12
WAITS = st.lists(st.sampled_from([None, 0, 1, 2]), min_size=SWEEPS, max_size=SWEEPS)


@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 5)), WAITS), max_size=8),
       st.lists(st.floats(0.01, 3), min_size=SWEEPS, max_size=SWEEPS), st.floats(0.01, 10))
def test_the_sweep_closes_each_connection_once_when_its_wait_reaches_the_deadline(
        scripts: list[tuple[float | None, list[int | None]]], gaps: list[float], timeout: float) -> None:
    tokens = [object() for _ in range(3)]
    times = [5 + sum(gaps[:i + 1]) for i in range(SWEEPS)]  # the sweeps, after every opening
    conns = [_Conn(opened, [None if w is None else tokens[w] for w in waits]) for opened, waits in scripts]
    others = {object()}  # connections of other kinds (WebSockets) are passed over
    for i, now in enumerate(times):
        live = [c for c in conns if c.closed_at is None]
        for c in live:
            c.sweep = i
        assert expired({*live, *others}, now, timeout) == sum(c.closed_at == i for c in live)
    for c, (opened, _) in zip(conns, scripts, strict=True):
        assert c.closed_at == _first_deadline(opened, c.tokens, times, timeout)

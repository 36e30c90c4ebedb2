"""Shared bench machinery: pinned server processes, the wrk driver and its Lua script, request signing.

Everything listens on and targets 127.0.0.1 only; every load run is bounded by its duration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"

# Credentials of the bench account (written to an --accounts file; the HMAC baseline gets them too).
UID = "3000000001"
API_KEY = "bg_" + "0b" * 16
SECRET = "5e" * 32
PASSPHRASE = "Bench12345"
BALANCES = {"USDT": "1000000000", "BTC": "100000", "ETH": "1000000"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cores() -> tuple[list[str], list[str]]:
    """taskset prefixes for (server, load generator): one core each, or none on a one-core machine."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2 or shutil.which("taskset") is None:
        print("warning: fewer than 2 cores (or no taskset): server and wrk are NOT pinned", file=sys.stderr)
        return [], []
    return ["taskset", "-c", str(available[0])], ["taskset", "-c", str(available[1])]


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing it with apt-get", file=sys.stderr)
    apt = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(apt, stdout=subprocess.DEVNULL, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(apt, stdout=subprocess.DEVNULL, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def accounts_toml() -> str:
    balances = ", ".join(f'{coin} = "{amount}"' for coin, amount in BALANCES.items())
    return (
        f'[[accounts]]\nuid = "{UID}"\nbalances = {{ {balances} }}\n\n'
        f'[[accounts.keys]]\napiKey = "{API_KEY}"\nsecretKey = "{SECRET}"\npassphrase = "{PASSPHRASE}"\n'
        'permissions = ["read", "spot_trade", "contract_trade", "transfer"]\n'
    )


def signed_headers(method: str, path: str, query: str, body: str, ts_ms: int,
                   secret: str = SECRET) -> dict[str, str]:
    """Bitget's ACCESS-* headers, signed on our own (the bench does not trust the server's code)."""
    prehash = f"{ts_ms}{method}{path}{'?' + query if query else ''}{body}".encode()
    sign = base64.b64encode(hmac.new(secret.encode(), prehash, hashlib.sha256).digest()).decode()
    headers = {"ACCESS-KEY": API_KEY, "ACCESS-SIGN": sign, "ACCESS-TIMESTAMP": str(ts_ms),
               "ACCESS-PASSPHRASE": PASSPHRASE, "locale": "en-US"}
    if method == "POST":
        headers["Content-Type"] = "application/json"
    return headers


# -- servers ------------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    started_s: float = 0.0

    def start(self, prefix: list[str]) -> Server:
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT)}
        self.started_s = time.perf_counter()
        self.proc = subprocess.Popen([*prefix, *self.argv], cwd=ROOT, env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def wait_ready(self, path: str, timeout_s: float = 20.0) -> float:
        """Seconds from start until `path` answers (any HTTP status)."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise SystemExit(f"{self.name} exited early:\n{err}")
            try:
                request(self.port, "GET", path)
                return time.perf_counter() - self.started_s
            except OSError:
                time.sleep(0.002)
        raise SystemExit(f"{self.name} did not answer within {timeout_s} s")

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server has used so far: robust to other load on the machine."""
        if self.proc is None:
            return 0.0
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kb(self) -> int:
        if self.proc is None:
            return 0
        pid = self.proc.pid
        # under taskset the server is taskset's exec'd image: same pid
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def uvicorn_server(name: str, target: str, env: dict[str, str] | None = None) -> Server:
    """A baseline app under uvicorn's defaults (loop and http 'auto'), exactly as `mock-exchange serve` runs."""
    port = free_port()
    argv = [PYTHON, "-m", "uvicorn", "--app-dir", str(BENCH), target, "--host", HOST, "--port", str(port),
            "--no-access-log", "--log-level", "warning", "--lifespan", "off"]
    return Server(name, argv, port, env or {})


def mock_server(name: str, *flags: str) -> Server:
    port = free_port()
    argv = [PYTHON, "-m", "mock_exchange.cli", "serve", "--host", HOST, "--port", str(port), *flags]
    return Server(name, argv, port)


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None,
            body: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def uvicorn_impl() -> str:
    """What uvicorn's 'auto' resolves to here, for the report."""
    try:
        import uvloop  # noqa: F401
        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    try:
        import httptools  # noqa: F401
        http_impl = "httptools"
    except ImportError:
        http_impl = "h11"
    return f"loop={loop} http={http_impl}"


# -- wrk ----------------------------------------------------------------------------------
_LUA_TAIL = r"""
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout))
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      io.write(string.format("STATUS %d %d\n", code, n))
    end
  end
end
"""


_LUA_PLAIN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/{}[],=+")


def _lua_string(text: str) -> str:
    """A Lua string literal of `text`'s UTF-8 bytes (3-digit decimal escapes, so digits may follow)."""
    return '"' + "".join(chr(b) if b in _LUA_PLAIN else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_script(method: str, headers: dict[str, str], body: str) -> str:
    """A wrk script replaying one fixed request (built once by wrk: no per-request Lua) and counting statuses."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body:
        lines.append(f"wrk.body = {_lua_string(body)}")
    lines += [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n" + _LUA_TAIL


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: dict[str, int]
    statuses: dict[int, int]
    server_cpu_s: float = 0.0  # CPU the server used during the run

    @property
    def core_share(self) -> float:
        """How busy the server's core was during the run (1.0: saturated, as a fair run should be)."""
        return self.server_cpu_s / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_request(self) -> float:
        return self.server_cpu_s / self.requests * 1e6 if self.requests else 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def unexpected(self, expected: set[int], tolerated: dict[int, int] | None = None) -> str | None:
        """Why this run is invalid (socket errors, answers outside `expected`), or None."""
        problems = [f"{n} {kind} socket errors" for kind, n in self.socket_errors.items() if n]
        for status, n in sorted(self.statuses.items()):
            if status not in expected and n > (tolerated or {}).get(status, 0):
                problems.append(f"{n} x HTTP {status}")
        if self.requests == 0:
            problems.append("no requests completed")
        return "; ".join(problems) or None


_BENCH_LINE = re.compile(r"BENCH requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) "
                         r"connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+)")


def run_wrk(wrk: str, prefix: list[str], port: int, path: str, script: Path, seconds: float,
            connections: int) -> WrkResult:
    argv = [*prefix, wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
            "-s", str(script), f"http://{HOST}:{port}{path}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    out = done.stdout
    m = _BENCH_LINE.search(out)
    if m is None or done.stderr.strip():
        raise RuntimeError(f"unexpected wrk output:\n{out}\n{done.stderr}")
    n = [int(g) for g in m.groups()]
    statuses = {int(a): int(b) for a, b in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M)}
    return WrkResult(n[0], n[1] / 1e6, n[2] / 1000, n[3] / 1000,
                     {"connect": n[4], "read": n[5], "write": n[6], "timeout": n[7]}, statuses)

"""Instructions per request of the whole server process (uvicorn, its protocol, the app), counted by
valgrind: `bench/run.py`'s scenarios without the noise of a shared machine.

    python bench/instructions_http.py                         # every scenario it can count
    python bench/instructions_http.py "place-order (ioc)"     # substrings of scenario names

Each server runs as `bench/run.py` starts it (the same argv; the mock on `--manual-clock`, so every
run does the same work) under `valgrind --tool=callgrind` with instrumentation off. This process, not
instrumented, replays the scenario's request over one keep-alive connection: a warm-up, then 500
and 2,500 counted requests (`callgrind_control` switches counting on and off and dumps each batch).
The difference divided by 2,000 is one request's user-space instructions, start-up and warm-up
cancelled out. The kernel's part (socket reads and writes) is not counted: it is much the same for
every scenario, so the ratio to the bare baseline here is an upper bound of the wrk ratio.

What `bench/instructions.py` counts is the app alone, in-process; this adds uvicorn and the
connection guard (mock_exchange/network.py), which the wrk ratios see too.

    python bench/instructions_http.py --cache                 # also simulated cache misses

With `--cache`, callgrind also simulates this VM's caches (32 KiB L1 data and instruction caches, a
512 KiB last level: one core's L2, since the L3 is shared with other guests) and each row shows the
misses per request and a cycle estimate, instructions + 10 per L1 miss + 60 per last-level miss (a
model, not a measurement: it says how much of the wrk ratio's gap to the instruction ratio is the
memory the code touches).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import harness as h
import run
from instructions import ensure_valgrind

COUNTS = (500, 2500)
START_MS = 1_700_000_000_000
# bench/run.py's scenarios on servers whose answers do not depend on the wall clock
SERVERS = ("bare", "hmac", "mock")


def raw_request(sc: run.Scenario) -> bytes:
    path, _, query = sc.path.partition("?")
    headers = {"Host": "bench"}
    if sc.signed:
        headers.update(h.signed_headers(sc.method, path, query, sc.body, START_MS))
    if sc.body:
        headers.setdefault("Content-Type", "application/json")
        headers["Content-Length"] = str(len(sc.body.encode()))
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"{sc.method} {sc.path} HTTP/1.1\r\n{head}\r\n{sc.body}".encode()


class Connection:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection((h.HOST, port), timeout=120)
        self.buf = b""

    def exchange(self, data: bytes) -> int:
        """Send one request, read its whole answer; its HTTP status."""
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        while len(self.buf) < length:
            self.buf += self._recv()
        self.buf = self.buf[length:]
        return int(head.split(b" ", 2)[1])

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise SystemExit("the server closed the connection")
        return chunk


def callgrind(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], capture_output=True, check=True)


CACHE_SIM = ("--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64", "--LL=524288,8,64")


def count(sc: run.Scenario, server: h.Server, tmp: Path, cache: bool = False) -> dict[str, float]:
    """Callgrind's events per request of `sc` on `server` (a fresh process under callgrind): `Ir`
    (instructions), and with `cache` the simulated misses (`I1mr`, `D1mr`, `D1mw`, `ILmr`, `DLmr`, `DLmw`)."""
    out = tmp / f"cg.{server.port}"
    if server.name != "bare baseline" and not server.name.startswith("hmac"):
        server.argv += ["--manual-clock", "--clock-start-ms", str(START_MS)]
    server.argv[:0] = ["valgrind", "--tool=callgrind", *(CACHE_SIM if cache else ()), "--instr-atstart=no",
                       f"--callgrind-out-file={out}", f"--log-file={tmp / 'valgrind.log'}"]
    server.start([])
    try:
        server.wait_ready("/_mock/health" if sc.server == "mock" else "/api/v2/public/time", timeout_s=300)
        for method, path, body in sc.setup:
            h.request(server.port, method, path, {"Content-Type": "application/json"}, body)
        conn = Connection(server.port)
        data = raw_request(sc)
        statuses: dict[int, int] = {}

        def batch(n: int) -> None:
            for _ in range(n):
                status = conn.exchange(data)
                statuses[status] = statuses.get(status, 0) + 1

        batch(300)  # warm caches
        assert server.proc is not None
        totals = []
        for n in COUNTS:
            callgrind(server.proc.pid, "-z")
            callgrind(server.proc.pid, "-i", "on")
            batch(n)
            callgrind(server.proc.pid, "-i", "off")
            callgrind(server.proc.pid, "-d")
            totals.append(_newest_total(out))
        unexpected = {s: k for s, k in statuses.items() if s not in sc.expected}
        if unexpected:
            raise SystemExit(f"{sc.name}: unexpected answers {unexpected}")
        return {event: (totals[1][event] - totals[0][event]) / (COUNTS[1] - COUNTS[0]) for event in totals[0]}
    finally:
        server.stop()


def _newest_total(out: Path) -> dict[str, int]:
    """The event totals of callgrind's newest dump of `out` (`out.N`, N growing), by event name."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        dumps = sorted(out.parent.glob(out.name + ".*"), key=lambda p: int(p.suffix[1:]))
        if dumps:
            text = dumps[-1].read_text(encoding="utf-8", errors="replace")
            events = re.search(r"^events: (.+)$", text, re.MULTILINE)
            found = re.search(r"^totals: (.+)$", text, re.MULTILINE)
            if events and found:
                for d in dumps:
                    d.unlink()
                return dict(zip(events.group(1).split(), map(int, found.group(1).split()), strict=True))
        time.sleep(0.2)
    raise SystemExit(f"no callgrind dump for {out}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("only", nargs="*", help="substrings of scenario names (default: every scenario it can count)")
    ap.add_argument("--cache", action="store_true", help="also simulate the caches (misses and a cycle estimate)")
    args = ap.parse_args()
    ensure_valgrind()
    chosen = [sc for sc in run.scenarios(1.0) if sc.server in SERVERS
              and (not args.only or sc.server == "bare" or any(s in sc.name for s in args.only))]
    figures: dict[str, float] = {}
    cycles: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="instr-http-") as tmp:
        accounts = Path(tmp) / "accounts.toml"
        accounts.write_text(h.accounts_toml(), encoding="utf-8")
        for sc in chosen:
            server = run.servers(accounts, 10**12, Path(tmp) / "state.db")[sc.server]
            events = count(sc, server, Path(tmp), args.cache)
            figures[sc.name] = events["Ir"]
            bare = figures.get(chosen[0].name)
            ratio = f"{bare / figures[sc.name]:6.0%} of bare" if bare else ""
            line = f"{sc.name:40s} {figures[sc.name]:>10,.0f} instructions/request  {ratio}"
            if args.cache:
                l1 = events["I1mr"] + events["D1mr"] + events["D1mw"]
                ll = events["ILmr"] + events["DLmr"] + events["DLmw"]
                cycles[sc.name] = events["Ir"] + 10 * l1 + 60 * ll
                base = cycles.get(chosen[0].name)
                line += (f"  L1 misses {l1:>7,.0f}  LL misses {ll:>6,.0f}  est. cycles {cycles[sc.name]:>10,.0f}"
                         f"  {base / cycles[sc.name]:6.0%} of bare" if base else "")
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())

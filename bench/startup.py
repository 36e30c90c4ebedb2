"""Start-up time: `mock-exchange serve` to its first answer, and the pytest plugin's in-process mock.

    python bench/startup.py [--runs 5]

Each figure is measured in a fresh interpreter, so imports are counted as a user would pay them:
  serve       spawn `mock-exchange serve` -> first HTTP answer from /_mock/health (target < 1 s)
  fixture     what `bitget_mock_server` does, in-process: import + create_app + ServerThread, until the
              server listens (target < 100 ms after the plugin's import, which pytest pays at its start)
  import      `import mock_exchange.app` alone, and the slowest imports from `python -X importtime`
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import harness as h

FIXTURE_PROBE = r"""
import json, time
t0 = time.perf_counter()
from mock_exchange.server import ServerThread
from mock_exchange.app import create_app
from mock_exchange.config import Config
t1 = time.perf_counter()
app = create_app(Config(port=0))
t2 = time.perf_counter()
with ServerThread(app) as srv:
    t3 = time.perf_counter()
    import http.client
    c = http.client.HTTPConnection(srv.host, srv.port); c.request("GET", "/api/v2/public/time")
    ok = c.getresponse().status == 200
    t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "create_app": t2 - t1, "listen": t3 - t2, "first_answer": t4 - t3, "ok": ok}))
"""


def serve_once() -> float:
    script = Path(sys.executable).parent / "mock-exchange"  # the console script, as a user runs it
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mock_exchange.cli"]
    port = h.free_port()
    srv = h.Server("serve", [*command, "serve", "--host", h.HOST, "--port", str(port), "--no-access-log"], port)
    srv.start([])
    try:
        return srv.wait_ready("/_mock/health", timeout_s=30)
    finally:
        srv.stop()


def fixture_once() -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", FIXTURE_PROBE], capture_output=True, text=True, cwd=h.ROOT,
                         env={"PYTHONPATH": str(h.ROOT), "PATH": "/usr/bin:/bin"}, check=True, timeout=60)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def import_once() -> tuple[float, list[tuple[int, str]]]:
    """Wall time of the import, and the slowest modules by cumulative µs (from -X importtime)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import mock_exchange.app"], capture_output=True,
                         text=True, cwd=h.ROOT, env={"PYTHONPATH": str(h.ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    wall = time.perf_counter() - t0
    rows = []
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            if depth <= 3 and name.strip() not in ("mock_exchange", "mock_exchange.app"):
                rows.append((int(parts[1]), "  " * depth + name.strip()))
    top = sorted(rows, reverse=True)[:10]
    return wall, top


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    serve = [serve_once() for _ in range(args.runs)]
    fixture = [fixture_once() for _ in range(args.runs)]
    imports = [import_once() for _ in range(args.runs)]
    ms = lambda xs: f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms"  # noqa: E731
    print(f"mock-exchange serve -> first answer:      {ms(serve)}   (target < 1000 ms)")
    after_import = [f["create_app"] + f["listen"] + f["first_answer"] for f in fixture]
    print(f"pytest fixture (in-process), no imports: {ms(after_import)}   (target < 100 ms)")
    for part in ("import", "create_app", "listen", "first_answer"):
        print(f"   {part:13s} {ms([f[part] for f in fixture])}")
    print(f"python -c 'import mock_exchange.app':    {ms([w for w, _ in imports])} (interpreter start included)")
    print("slowest top-level imports (cumulative µs, from -X importtime):")
    for us, name in imports[-1][1]:
        print(f"   {us:>8,d}  {name}")
    return 0 if all(f["ok"] for f in fixture) else 1


if __name__ == "__main__":
    raise SystemExit(main())

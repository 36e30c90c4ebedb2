"""A real `mock-exchange serve` process for tests: started on a free loopback port, bounded waits, its output kept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from mock_exchange.server import free_port


def command() -> list[str]:
    script = Path(sys.executable).with_name("mock-exchange")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mock_exchange.cli"]


@dataclass
class Served:
    url: str
    port: int
    banner: str
    proc: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)  # what it printed after the banner (filled on exit)


@contextmanager
def serve(*args: str, env: dict[str, str] | None = None, port: int | None = None) -> Iterator[Served]:
    """Start the server; yield it once /_mock/health answers. Bounded: gives up after 20 s."""
    port = free_port() if port is None else port
    proc = subprocess.Popen([*command(), "serve", "--port", str(port), "--no-access-log", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    served = Served(f"http://127.0.0.1:{port}", port, "", proc)
    try:
        assert proc.stdout is not None
        while "admin API" not in served.banner:  # the banner comes once the socket listens
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited: {served.banner}")
            served.banner += line
        if port == 0:  # the OS chose: the banner says which
            served.port = int(served.banner.split("\n", 1)[0].rsplit(":", 1)[1])
            served.url = f"http://127.0.0.1:{served.port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(served.url + "/_mock/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {served.banner}") from None
                time.sleep(0.02)  # waiting on a real process, not on the mock's clock
        yield served
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
        served.output = out.splitlines()

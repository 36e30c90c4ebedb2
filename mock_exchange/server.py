"""Run a mock exchange in a background thread or a child process (for the plugin, the harness, scripts; no pytest)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import httpx

LOOPBACK = "127.0.0.1"
POLL_SECONDS = 0.05


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving an app from a background thread on 127.0.0.1 and a free port.

        with ServerThread(create_app(Config())) as srv:
            httpx.get(srv.url + "/api/v2/public/time")
    """

    def __init__(self, app: Any, host: str = LOOPBACK, port: int = 0) -> None:
        import uvicorn  # imported here so that importing this module stays light

        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(app, host=self.host, port=self.port, access_log=False, log_level="warning",
                                lifespan="off", ws="websockets-sansio", ws_per_message_deflate=False,
                                proxy_headers=False)  # the caller's IP is the socket's (network.py)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("mock exchange failed to start")
            self.thread.join(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


class ServerProcess:
    """`mock-exchange serve` in a child process on 127.0.0.1 and a free port, with the given extra flags;
    ready once `/_mock/health` answers. For clients that must not share the test's interpreter.

        with ServerProcess(["--manual-clock"]) as srv:
            httpx.get(srv.url + "/_mock/health")
    """

    def __init__(self, args: Sequence[str] = (), host: str = LOOPBACK, port: int = 0,
                 start_timeout: float = 30.0) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.args = [sys.executable, "-m", "mock_exchange.cli", "serve", "--host", host, "--port", str(self.port),
                     "--no-access-log", *args]
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.banner = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> ServerProcess:
        self.process = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,  # noqa: S603
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        # polls a bounded number of times rather than reading the wall clock (only clock.py does that)
        with httpx.Client(base_url=self.url, timeout=1.0) as http:
            for _ in range(int(self.start_timeout / POLL_SECONDS)):
                if self.process.poll() is not None:
                    out = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                    raise RuntimeError(f"mock exchange exited with {self.process.returncode}: {out.strip()[-500:]}")
                try:
                    if http.get("/_mock/health").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(POLL_SECONDS)
        self.__exit__()
        raise RuntimeError(f"mock exchange did not answer on {self.url} within about {self.start_timeout} s")

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

"""The npm package `bitget-api` (WebsocketClientV2, unmodified) against the mock with the machine's
Node.js: public ticker subscription; private login and an order placed over REST arriving on `orders`.

The package is installed with npm at test time into a cache directory (BITGET_MOCK_NPM_CACHE, default
~/.cache/bitget-mock/npm); the test skips only where node or npm is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_exchange.app import create_app
from mock_exchange.config import Config
from mock_exchange.server import ServerThread

from .helpers import API_KEY, PASSPHRASE, SECRET, seed_accounts, signed_headers

NODE, NPM = shutil.which("node"), shutil.which("npm")
pytestmark = pytest.mark.skipif(NODE is None or NPM is None, reason="Node.js and npm are not installed")
SCRIPT = Path(__file__).parent / "node" / "ws_bitget_api.js"
PACKAGE = "bitget-api@3"


def _package_dir() -> Path:
    root = Path(os.environ.get("BITGET_MOCK_NPM_CACHE", Path.home() / ".cache" / "bitget-mock" / "npm"))
    if not (root / "node_modules" / "bitget-api" / "package.json").exists():
        root.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(NPM), "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(root), PACKAGE],
                       check=True, timeout=300, capture_output=True)
    return root


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    # the system clock: the SDK signs its login with Date.now()
    app = create_app(Config(port=0, rate_limits="off"), seed_accounts())
    with ServerThread(app) as srv:
        yield srv


def _place_order(srv: ServerThread) -> str:
    path = "/api/v2/spot/trade/place-order"
    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                       "price": "20000", "size": "0.001"})
    now = httpx.get(f"http://{srv.host}:{srv.port}/api/v2/public/time").json()["data"]["serverTime"]
    answer = httpx.post(f"http://{srv.host}:{srv.port}{path}", content=body,
                        headers=signed_headers("POST", path, body=body, ts=int(now))).json()
    order_id: str = answer["data"]["orderId"]
    return order_id


def test_websocket_client_v2_public_and_private(server: ServerThread) -> None:
    env = {**os.environ, "NODE_PATH": str(_package_dir() / "node_modules")}
    proc = subprocess.Popen([str(NODE), str(SCRIPT), f"ws://{server.host}:{server.port}", API_KEY, SECRET,
                             PASSPHRASE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    seen: dict[str, Any] = {}
    order_id = None
    deadline = time.monotonic() + 30
    try:
        assert proc.stdout is not None
        while time.monotonic() < deadline and not ("ticker" in seen and "orders" in seen):
            line = proc.stdout.readline()
            if not line:
                break
            event = json.loads(line)
            assert event["what"] not in ("exception", "timeout", "log-error"), event
            seen.setdefault(event["what"], event["data"])
            if event["what"] == "orders-subscribed" and order_id is None:
                order_id = _place_order(server)
    finally:
        if proc.stdin is not None:
            proc.stdin.write("x")
            proc.stdin.close()
        proc.wait(10)
    assert "authenticated" in seen  # TS-SDK authenticates only on a numeric code 0
    ticker = seen["ticker"]
    assert ticker["arg"] == {"instType": "SPOT", "channel": "ticker", "instId": "BTCUSDT"}
    assert ticker["data"][0]["instId"] == "BTCUSDT" and float(ticker["data"][0]["lastPr"]) > 0
    orders = seen["orders"]
    assert orders["arg"] == {"instType": "SPOT", "channel": "orders", "instId": "default"}
    assert orders["data"][0]["orderId"] == order_id and orders["data"][0]["status"] == "live"

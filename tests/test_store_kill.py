"""Durability: a real `mock-exchange serve --state FILE` killed with SIGKILL in the middle of a
stream of concurrent orders and transfers, restarted on the same file, still has every order and
transfer a client got an answer for; balances add up, and new ids do not collide with old ones."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_exchange.clock import wall_ms
from mock_exchange.server import free_port

from .helpers import API_KEY, PASSPHRASE, SECRET, UID, signed_headers

PLACE = "/api/v2/spot/trade/place-order"
# eight clients keep writing until the kill, so requests are in flight whenever it comes; 60 answered orders
# is well into the stream (and under one unfilled-orders page of 100)
ORDERS_BEFORE_KILL = 60
TRANSFER = "/api/v2/spot/wallet/transfer"
ACCOUNTS = f"""
[[accounts]]
uid = "{UID}"
balances = {{ USDT = "100000" }}
[[accounts.keys]]
apiKey = "{API_KEY}"
secretKey = "{SECRET}"
passphrase = "{PASSPHRASE}"
permissions = ["read", "spot_trade", "transfer"]
"""


def _serve(state: Path, accounts: Path, port: int) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).with_name("mock-exchange")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mock_exchange.cli"]
    proc = subprocess.Popen([*command, "serve", "--port", str(port), "--state", str(state), "--accounts",
                             str(accounts), "--rate-limits", "off", "--no-access-log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_mock/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise AssertionError(f"did not start: {proc.stderr.read() if proc.stderr else b''!r}") from None
            time.sleep(0.05)  # waiting for a subprocess to listen: no clock to move instead
    proc.kill()
    raise AssertionError("the server did not answer within 30 s")


def _signed(method: str, path: str, body: str = "", query: str = "") -> dict[str, str]:
    return signed_headers(method, path, query, body, ts=wall_ms())


async def _client(base: str, n: int, orders: dict[str, str], transfers: list[str], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if i % 3:
                    oid = f"kill-{n}-{i}"
                    body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "force": "gtc",
                                       "price": "1000", "size": "0.001", "clientOid": oid})
                    answer = await http.post(PLACE, content=body, headers=_signed("POST", PLACE, body))
                    if answer.status_code == 200:
                        orders[answer.json()["data"]["orderId"]] = oid
                else:
                    body = json.dumps({"fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "USDT"})
                    answer = await http.post(TRANSFER, content=body, headers=_signed("POST", TRANSFER, body))
                    if answer.status_code == 200:
                        transfers.append(answer.json()["data"]["transferId"])
            except httpx.TransportError:
                return  # the server is gone: what was answered before counts


async def _stream_then_kill(base: str, proc: subprocess.Popen[bytes]) -> tuple[dict[str, str], list[str]]:
    orders: dict[str, str] = {}
    transfers: list[str] = []
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_client(base, n, orders, transfers, stop)) for n in range(8)]
    while len(orders) < ORDERS_BEFORE_KILL:  # kill in the middle of the stream, once it is well under way
        await asyncio.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stop.set()
    await asyncio.gather(*tasks)
    return orders, transfers


def _get(base: str, path: str, query: str) -> Any:
    answer = httpx.get(f"{base}{path}?{query}", headers=_signed("GET", path, "", query), timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


@pytest.mark.long
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_stream_loses_nothing_that_was_answered(tmp_path: Path) -> None:
    state, accounts = tmp_path / "state.db", tmp_path / "accounts.toml"
    accounts.write_text(ACCOUNTS, encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    orders, transfers = asyncio.run(_stream_then_kill(base, _serve(state, accounts, port)))
    assert len(orders) >= ORDERS_BEFORE_KILL and transfers

    proc = _serve(state, accounts, port)
    try:
        for oid, client_oid in orders.items():
            found = _get(base, "/api/v2/spot/trade/orderInfo", f"orderId={oid}")
            assert found[0]["clientOid"] == client_oid and found[0]["status"] == "live"
        moved = {r["transferId"] for r in _get(base, "/api/v2/spot/account/transferRecords",
                                                "coin=USDT&fromType=spot&limit=100&endTime=" + str(wall_ms()))}
        # newest first, 100 a page: at most one unanswered transfer per client (8) can be newer
        assert set(transfers[-92:]) <= moved
        account = httpx.get(f"{base}/_mock/accounts/{UID}", timeout=5).json()["balances"]
        spot, futures = account["spot"]["USDT"], account.get("usdt_futures", {}).get("USDT", {"available": "0"})
        open_orders = _get(base, "/api/v2/spot/trade/unfilled-orders", "symbol=BTCUSDT&limit=100")
        # nothing fills at 1000 USDT: every coin is in spot (free or frozen by an order) or moved to futures
        total = Decimal(spot["available"]) + Decimal(spot["frozen"]) + Decimal(futures["available"])
        assert total == Decimal(100000)
        assert Decimal(spot["frozen"]) >= Decimal(len(orders)) * Decimal("1.000")  # 1 USDT frozen per order
        assert Decimal(futures["available"]) >= len(transfers)
        assert open_orders  # the book is readable after the restart
        # the id generators continue: a new order and a new transfer get ids never given before
        body = json.dumps({"symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "price": "1000",
                           "size": "0.001", "force": "gtc"})
        new = httpx.post(f"{base}{PLACE}", content=body, headers=_signed("POST", PLACE, body), timeout=5).json()
        assert new["code"] == "00000"
        assert new["data"]["orderId"] not in orders and int(new["data"]["orderId"]) > max(map(int, orders))
        body = json.dumps({"fromType": "spot", "toType": "usdt_futures", "amount": "1", "coin": "USDT"})
        moved_now = httpx.post(f"{base}{TRANSFER}", content=body, headers=_signed("POST", TRANSFER, body),
                               timeout=5).json()
        assert moved_now["code"] == "00000" and moved_now["data"]["transferId"] not in transfers
    finally:
        proc.terminate()
        proc.wait(timeout=10)

"""Soak: 64 concurrent signed clients against one mock with Bitget's limits on, for 5 minutes.

`python bench/soak.py [--duration 300] [--clients 64] [--state]`. Loopback only, bounded in time and
rate. Each client has its own account and key and, every 10 s, sends a burst of 11 concurrent signed
place-orders (ioc, far below the market: nothing fills) against the 10/s per-UID limit, then two
signed reads. So every burst should see one 429 (none when the server answers slower than the
window), and nothing else should: a burst's 429s count as expected up to the number of its requests
past the limit in the window (by the client's own send times). All clients come
from 127.0.0.1 and stay under the global limit (6000 per minute per IP): 64 clients x 13 requests
per 10 s is about 5000 a minute.

Prints requests served, 429s (expected / not), other errors (must be 0), p50/p99 latency, and the
server's RSS at the start, every 30 s and at the end (it must level off, not grow with time).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import statistics
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path

import harness as h
import httpx

PLACE = "/api/v2/spot/trade/place-order"
ORDER = '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"ioc","price":"100","size":"0.02"}'
READS = ("/api/v2/spot/account/assets", "/api/v2/spot/trade/unfilled-orders")
BURST, LIMIT, WINDOW_S, CYCLE_S = 11, 10, 1.0, 10.0
SLACK_S = 0.05  # send times are the client's: a request sent this close to the window's edge is ambiguous


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    expected_429: int = 0
    unexpected_429: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Credentials:
    api_key: str
    secret: str
    passphrase: str


def signed(creds: Credentials, method: str, path: str, body: str = "") -> dict[str, str]:
    ts = str(int(time.time() * 1000))
    prehash = f"{ts}{method}{path}{body}".encode()
    sign = base64.b64encode(hmac.new(creds.secret.encode(), prehash, hashlib.sha256).digest()).decode()
    headers = {"ACCESS-KEY": creds.api_key, "ACCESS-SIGN": sign, "ACCESS-TIMESTAMP": ts,
               "ACCESS-PASSPHRASE": creds.passphrase, "locale": "en-US"}
    if method == "POST":
        headers["Content-Type"] = "application/json"
    return headers


async def one(http: httpx.AsyncClient, creds: Credentials, method: str, path: str, body: str,
              tally: Tally) -> int:
    start = time.perf_counter()
    try:
        answer = await http.request(method, path, content=body or None, headers=signed(creds, method, path, body))
    except httpx.HTTPError as exc:
        tally.errors.append(f"{method} {path}: {type(exc).__name__}")
        return 0
    tally.latencies_ms.append((time.perf_counter() - start) * 1000)
    tally.statuses[answer.status_code] += 1
    if answer.status_code not in (200, 429):
        tally.errors.append(f"{method} {path}: HTTP {answer.status_code} {answer.text[:120]}")
    elif answer.status_code == 200 and answer.json().get("code") != "00000":
        tally.errors.append(f"{method} {path}: code {answer.json().get('code')}")
    return answer.status_code


async def client(base: str, creds: Credentials, offset_s: float, until: float, tally: Tally) -> None:
    sent: deque[float] = deque()  # send times of this client's place-orders
    await asyncio.sleep(offset_s)  # clients start spread over one cycle
    # 4 connections a client: 256 in all, under the server's connection cap (512); idle ones dropped
    # after 5 s, before the server closes them (it closes a connection idle 10 s: reusing one it is
    # closing at that moment would fail on the client's side, not the server's)
    limits = httpx.Limits(max_connections=4, keepalive_expiry=5.0)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        while time.monotonic() < until:
            cycle = time.monotonic()
            now = time.monotonic()
            while sent and sent[0] <= now - WINDOW_S - SLACK_S:
                sent.popleft()
            over = max(0, len(sent) + BURST - LIMIT)  # how many of this burst the limit may refuse
            sent.extend([now] * BURST)
            statuses = await asyncio.gather(*(one(http, creds, "POST", PLACE, ORDER, tally) for _ in range(BURST)))
            refused = statuses.count(429)
            tally.expected_429 += min(refused, over)
            tally.unexpected_429 += max(0, refused - over)
            for path in READS:
                if await one(http, creds, "GET", path, "", tally) == 429:
                    tally.unexpected_429 += 1
            await asyncio.sleep(max(0.0, CYCLE_S - (time.monotonic() - cycle)))


def make_accounts(port: int, n: int) -> list[Credentials]:
    out = []
    with httpx.Client(base_url=f"http://{h.HOST}:{port}/_mock", timeout=10) as admin:
        for _ in range(n):
            uid = admin.post("/accounts", json={"balances": {"USDT": "100000"}}).json()["uid"]
            key = admin.post(f"/accounts/{uid}/api-keys", json={"permissions": ["read", "spot_trade"]}).json()
            out.append(Credentials(key["apiKey"], key["secretKey"], key["passphrase"]))
    return out


async def soak(base: str, accounts: list[Credentials], duration: float, srv: h.Server) -> tuple[Tally, list[int]]:
    tally = Tally()
    until = time.monotonic() + duration
    rss = [srv.rss_kb()]
    tasks = [asyncio.create_task(client(base, c, i * CYCLE_S / len(accounts), until, tally))
             for i, c in enumerate(accounts)]
    while time.monotonic() < until:
        await asyncio.sleep(min(30.0, max(0.1, until - time.monotonic())))
        rss.append(srv.rss_kb())
    await asyncio.gather(*tasks)
    rss.append(srv.rss_kb())
    return tally, rss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=300.0, help="seconds of load (default 300)")
    ap.add_argument("--clients", type=int, default=64, help="concurrent clients, each its own account (64)")
    ap.add_argument("--state", action="store_true", help="run the server with --state (a temporary file)")
    ap.add_argument("--max-closed-orders", type=int, default=200,
                    help="the server's history cap per account (200: reached within the run, so the RSS "
                         "shows whether memory levels off once the history is full)")
    args = ap.parse_args()
    if not 0 < args.duration <= 3600 or not 0 < args.clients <= 256:
        ap.error("--duration must be in (0, 3600] and --clients in (0, 256]")
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        flags = ["--no-access-log", "--max-closed-orders", str(args.max_closed_orders)]
        if args.state:
            flags += ["--state", str(Path(tmp) / "soak.db")]
        srv = h.mock_server("mock (Bitget limits)", *flags)
        srv.start([])
        try:
            srv.wait_ready("/_mock/health")
            accounts = make_accounts(srv.port, args.clients)
            started = time.monotonic()
            tally, rss = asyncio.run(soak(f"http://{h.HOST}:{srv.port}", accounts, args.duration, srv))
            took = time.monotonic() - started
        finally:
            srv.stop()
    lat = sorted(tally.latencies_ms)
    served = sum(tally.statuses.values())
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else 0.0
    print(f"{args.clients} clients, {took:.0f} s{' (--state)' if args.state else ''}: {served} answered "
          f"({served / took:.0f}/s): {dict(sorted(tally.statuses.items()))}")
    print(f"429s: {tally.expected_429} expected, {tally.unexpected_429} not; other errors: {len(tally.errors)}")
    for line in tally.errors[:10]:
        print("  " + line)
    print(f"latency p50 {statistics.median(lat) if lat else 0:.1f} ms, p99 {p99:.1f} ms")
    print("server RSS (MiB) every 30 s: " + " ".join(f"{kb / 1024:.1f}" for kb in rss))
    return 0 if not tally.errors and not tally.unexpected_429 else 1


if __name__ == "__main__":
    sys.exit(main())

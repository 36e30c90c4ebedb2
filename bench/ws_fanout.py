"""WebSocket speed: fan-out of a clock advance to 1,000 subscribed connections, REST place-order to
`orders` push latency at 500 orders/s, and RSS per idle subscribed connection.

    python bench/ws_fanout.py [--connections 1000] [--advances 20] [--orders-per-s 500] [--orders-seconds 6]

One `mock-exchange serve` (manual clock, rate limits off, WebSocket per-IP limits raised) is pinned to
one core; this process (the clients: asyncio + `websockets`) to the other.

1. Fan-out: `--connections` public sockets each subscribe to `ticker` and `books5` of BTCUSDT. Each of
   `--advances` rounds moves the server's clock one walk step (POST /_mock/clock, 1 s) and times, from
   just before that request is sent, the arrival of each connection's ticker and books5 push: p50/p99/max
   over connections x 2 x rounds. RSS before the sockets, after them (idle and subscribed): per connection.
2. Orders: one logged-in private socket on `orders` (SPOT, default); signed ioc place-orders that cannot
   fill (each pushed `live`, then `cancelled`) are sent at `--orders-per-s` over 8 keep-alive HTTP
   connections for `--orders-seconds`; the latency of each is from just before its request is written to
   the arrival of its first `orders` push (matched by clientOid): p50/p99/max, and the achieved rate.

Loopback only; bounded by counts and by --max-seconds for each phase. The figures include this client's
own time to read the pushes (one Python process reading 2,000 messages a round).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import harness as h
import websockets

SYMBOL = "BTCUSDT"
TICKER = {"instType": "SPOT", "channel": "ticker", "instId": SYMBOL}
BOOKS5 = {"instType": "SPOT", "channel": "books5", "instId": SYMBOL}
ORDERS = {"instType": "SPOT", "channel": "orders", "instId": "default"}
PLACE = "/api/v2/spot/trade/place-order"
HTTP_CONNECTIONS = 8


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, ms: list[float]) -> str:
    return (f"{name}: n={len(ms)} p50 {pct(ms, 0.5):.2f} ms  p99 {pct(ms, 0.99):.2f} ms  "
            f"max {max(ms):.2f} ms  mean {statistics.fmean(ms):.2f} ms")


class Http:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (the bench's own, so its cost is small)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: str = "",
                      sent: list[float] | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(h.HOST, self.port)
        assert self.reader is not None
        raw = body.encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"{method} {path} HTTP/1.1\r\nHost: {h.HOST}\r\nContent-Length: {len(raw)}\r\n{head}\r\n"
                          .encode() + raw)
        if sent is not None:
            sent.append(time.perf_counter())
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def clock_now(http: Http) -> int:
    _, body = await http.request("GET", "/_mock/clock", {})
    return int(json.loads(body)["now"])


async def advance(http: Http, ms: int) -> int:
    _, body = await http.request("POST", "/_mock/clock", {"Content-Type": "application/json"},
                                 json.dumps({"advance": ms}))
    return int(json.loads(body)["now"])


class LeanSocket(asyncio.Protocol):
    """A minimal WebSocket client for the fan-out: the upgrade, one masked subscribe frame, then it only
    timestamps each complete server frame (no decoding), so the figures measure the server, not the
    client's parsing (`websockets` costs ~37 µs of this process's CPU per message)."""

    def __init__(self, stamps: list[float]) -> None:
        self.stamps = stamps
        self.buffer = b""
        self.upgraded = asyncio.get_running_loop().create_future()
        self.frames = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(f"GET /v2/ws/public HTTP/1.1\r\nHost: {h.HOST}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                        .encode())

    def send_text(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        n = len(payload)
        head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
        assert self.transport is not None
        self.transport.write(head + mask + masked)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        self.buffer += data
        if not self.upgraded.done():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                self.upgraded.set_exception(RuntimeError(self.buffer[:80].decode(errors="replace")))
                return
            self.buffer = self.buffer[end + 4:]
            self.upgraded.set_result(None)
        buf = self.buffer
        while len(buf) >= 2:
            n, start = buf[1] & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, start = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, start = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < start + n:
                break
            buf = buf[start + n:]
            self.frames += 1
            self.stamps.append(now)
        self.buffer = buf


async def lean_fanout(port: int, connections: int, advances: int) -> None:
    """The fan-out again with LeanSocket clients (one process can read 2,000 frames a round in a few ms)."""
    loop = asyncio.get_running_loop()
    http = Http(port)
    stamps: list[float] = []
    sockets: list[LeanSocket] = []
    for _ in range(connections):
        _, proto = await loop.create_connection(lambda: LeanSocket(stamps), h.HOST, port)
        await proto.upgraded
        proto.send_text(json.dumps({"op": "subscribe", "args": [TICKER, BOOKS5]}))
        sockets.append(proto)
    deadline = time.monotonic() + 30
    while any(s.frames < 3 for s in sockets) and time.monotonic() < deadline:  # 2 acks and 2 snapshots
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    latencies: list[float] = []
    worst: list[float] = []
    for _ in range(advances):
        stamps.clear()
        t0 = time.perf_counter()
        await advance(http, 1000)
        end = time.monotonic() + 30
        while len(stamps) < 2 * connections and time.monotonic() < end:
            await asyncio.sleep(0.001)
        ms = [(t - t0) * 1000 for t in stamps]
        latencies += ms
        worst.append(max(ms))
    print(summary(f"fan-out, lean clients ({connections} connections x ticker+books5, {advances} advances)",
                  latencies), file=sys.stderr)
    for s in sockets:
        if s.transport is not None:
            s.transport.close()
    await http.close()


async def open_subscribed(url: str, args: list[dict[str, str]]) -> websockets.ClientConnection:
    ws = await websockets.connect(url, ping_interval=None, max_queue=None, open_timeout=30)
    await ws.send(json.dumps({"op": "subscribe", "args": args}))
    return ws


async def until_snapshots(ws: websockets.ClientConnection, count: int) -> None:
    seen = 0
    while seen < count:
        message = json.loads(await ws.recv())
        seen += "action" in message


async def fanout(port: int, srv: h.Server, connections: int, advances: int, max_seconds: float) -> None:
    http = Http(port)
    url = f"ws://{h.HOST}:{port}/v2/ws/public"
    rss_before = srv.rss_kb()
    sockets: list[websockets.ClientConnection] = []
    for i in range(0, connections, 100):  # 100 handshakes at a time
        sockets += await asyncio.gather(*(open_subscribed(url, [TICKER, BOOKS5])
                                          for _ in range(min(100, connections - i))))
    await asyncio.gather(*(until_snapshots(ws, 2) for ws in sockets))
    await asyncio.sleep(1.0)
    rss_after = srv.rss_kb()
    print(f"RSS: {rss_before / 1024:.1f} MiB before, {rss_after / 1024:.1f} MiB with {connections} idle subscribed "
          f"connections: {(rss_after - rss_before) / connections:.1f} KiB per connection", file=sys.stderr)
    latencies: list[float] = []
    per_round: list[float] = []
    deadline = time.monotonic() + max_seconds
    cpu0, mine0 = srv.cpu_s(), time.process_time()
    for _ in range(advances):
        if time.monotonic() > deadline:
            break
        arrivals: list[float] = []

        async def two(ws: websockets.ClientConnection, into: list[float] = arrivals) -> None:
            for _ in range(2):
                await ws.recv()
                into.append(time.perf_counter())

        waiting = [asyncio.ensure_future(two(ws)) for ws in sockets]
        t0 = time.perf_counter()
        await advance(http, 1000)
        await asyncio.wait_for(asyncio.gather(*waiting), 30)
        ms = [(t - t0) * 1000 for t in arrivals]
        latencies += ms
        per_round.append(max(ms))
    cpu = (srv.cpu_s() - cpu0) / len(per_round)
    mine = (time.process_time() - mine0) / len(per_round)
    print(summary(f"fan-out ({connections} connections x ticker+books5, {len(per_round)} advances)", latencies),
          file=sys.stderr)
    print(f"   server CPU per advance {cpu * 1000:.1f} ms = {cpu * 1e6 / (2 * connections):.0f} µs per push; "
          f"this client's CPU per advance {mine * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f}",
          file=sys.stderr)
    print(f"   slowest round: last push {max(per_round):.1f} ms after the advance", file=sys.stderr)
    for ws in sockets:
        await ws.close()
    await http.close()


async def orders(port: int, srv: h.Server, rate: float, seconds: float) -> None:
    http = Http(port)
    now = await clock_now(http)
    ws = await websockets.connect(f"ws://{h.HOST}:{port}/v2/ws/private", ping_interval=None, max_queue=None)
    ts = str(now // 1000)
    login_sign = base64.b64encode(hmac.new(h.SECRET.encode(), f"{ts}GET/user/verify".encode(),
                                           hashlib.sha256).digest()).decode()
    await ws.send(json.dumps({"op": "login", "args": [{"apiKey": h.API_KEY, "passphrase": h.PASSPHRASE,
                                                       "timestamp": ts, "sign": login_sign}]}))
    reply = json.loads(await ws.recv())
    if reply.get("code") != 0:
        raise SystemExit(f"login refused: {reply}")
    await ws.send(json.dumps({"op": "subscribe", "args": [ORDERS]}))
    json.loads(await ws.recv())  # the ack
    pushed: dict[str, float] = {}

    async def reader() -> None:
        while True:
            message = json.loads(await ws.recv())
            for item in message.get("data") or ():
                pushed.setdefault(item["clientOid"], time.perf_counter())

    reading = asyncio.ensure_future(reader())
    sent: dict[str, float] = {}
    clients = [Http(port) for _ in range(HTTP_CONNECTIONS)]
    free: asyncio.Queue[Http] = asyncio.Queue()
    for c in clients:
        free.put_nowait(c)
    total = int(rate * seconds)
    interval = 1.0 / rate
    started = time.perf_counter()
    cpu0 = srv.cpu_s()
    refused = 0

    async def one(i: int) -> None:
        nonlocal refused
        oid = f"bench{i}"
        body = json.dumps({"symbol": SYMBOL, "side": "buy", "orderType": "limit", "force": "ioc",
                           "price": "100", "size": "0.02", "clientOid": oid}, separators=(",", ":"))
        headers = h.signed_headers("POST", PLACE, "", body, now)
        stamp: list[float] = []
        client = await free.get()  # one request at a time per keep-alive connection
        try:
            status, payload = await client.request("POST", PLACE, headers, body, stamp)
        finally:
            free.put_nowait(client)
        sent[oid] = stamp[0]
        if status != 200 or json.loads(payload).get("code") != "00000":
            refused += 1

    tasks = []
    for i in range(total):  # paced: order i leaves at started + i / rate
        delay = started + i * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(i)))
        tasks = [t for t in tasks if not t.done()]
        if len(tasks) >= HTTP_CONNECTIONS * 4:  # bounded backlog: a slow server shows as a lower rate
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    cpu = srv.cpu_s() - cpu0
    deadline = time.monotonic() + 10
    while len(pushed) < len(sent) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    reading.cancel()
    ms = [(pushed[o] - t) * 1000 for o, t in sent.items() if o in pushed]
    print(f"orders: {total} sent in {elapsed:.2f} s = {total / elapsed:.0f}/s, {refused} refused, "
          f"{len(sent) - len(ms)} without a push; server CPU {cpu * 1e6 / total:.0f} µs per order "
          f"(request, answer and its two pushes)", file=sys.stderr)
    print(summary("place-order -> orders push", ms), file=sys.stderr)
    for c in clients:
        await c.close()
    await ws.close()
    await http.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--advances", type=int, default=20)
    ap.add_argument("--orders-per-s", type=float, default=500)
    ap.add_argument("--orders-seconds", type=float, default=6)
    ap.add_argument("--max-seconds", type=float, default=120, help="bound of each phase")
    args = ap.parse_args()
    server_core, client_core = h.cores()
    with tempfile.TemporaryDirectory() as tmp:
        accounts = Path(tmp) / "accounts.toml"
        accounts.write_text(h.accounts_toml(), encoding="utf-8")
        limits = [f"--ws-limit={k}={v}" for k, v in (("connections", 100_000), ("attempts", 100_000))]
        srv = h.mock_server("mock", "--manual-clock", "--rate-limits", "off", "--no-access-log", "--accounts",
                            str(accounts), "--max-connections", str(args.connections + 64),
                            "--journal-size", "100", *limits).start(server_core)
        try:
            srv.wait_ready("/api/v2/public/time")
            if client_core:
                os.sched_setaffinity(0, {int(client_core[-1])})
            asyncio.run(fanout(srv.port, srv, args.connections, args.advances, args.max_seconds))
            asyncio.run(lean_fanout(srv.port, args.connections, args.advances))
            asyncio.run(orders(srv.port, srv, args.orders_per_s, args.orders_seconds))
        finally:
            srv.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The bare baselines the mock is measured against: one Starlette JSON endpoint, and the same with an HMAC check.

`app` is the bare limit of the stack (Starlette routing + JSONResponse, nothing else). `hmac_app` adds
what any signed endpoint cannot avoid: read the four ACCESS-* headers, check the timestamp window, look
the key up, HMAC-SHA256 the prehash and compare it in constant time. Both answer a Bitget-shaped body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

# the credentials bench/run.py signs with (it passes them in the environment)
KEY = os.environ.get("BENCH_API_KEY", "bg_bench_key")
SECRET = os.environ.get("BENCH_SECRET", "bench_secret").encode()
PASSPHRASE = os.environ.get("BENCH_PASSPHRASE", "Bench12345")
WINDOW_MS = int(os.environ.get("BENCH_WINDOW_MS", "30000"))


async def server_time(request: Request) -> JSONResponse:
    now = int(time.time() * 1000)
    return JSONResponse({"code": "00000", "msg": "success", "requestTime": now, "data": {"serverTime": str(now)}})


def _refuse(code: str, msg: str, now: int) -> JSONResponse:
    return JSONResponse({"code": code, "msg": msg, "requestTime": now, "data": None}, status_code=400)


async def signed(request: Request) -> JSONResponse:
    now = int(time.time() * 1000)
    h = request.headers
    key, sign, passphrase, ts = (h.get("access-key"), h.get("access-sign"), h.get("access-passphrase"),
                                 h.get("access-timestamp", ""))
    if not key or not sign or not passphrase or not ts.isdigit():
        return _refuse("40001", "missing header", now)
    if abs(int(ts) - now) > WINDOW_MS:
        return _refuse("40008", "Request timestamp expired", now)
    if key != KEY or not hmac.compare_digest(passphrase, PASSPHRASE):
        return _refuse("40006", "Invalid ACCESS_KEY", now)
    query = request.scope["query_string"]
    body = await request.body()
    target = request.scope["raw_path"] + (b"?" + query if query else b"")
    prehash = ts.encode() + request.method.encode() + target + body
    expected = base64.b64encode(hmac.new(SECRET, prehash, hashlib.sha256).digest())
    if not hmac.compare_digest(expected, sign.encode()):
        return _refuse("40009", "sign signature error", now)
    return JSONResponse({"code": "00000", "msg": "success", "requestTime": now,
                         "data": [{"coin": "USDT", "available": "1000000", "frozen": "0", "locked": "0",
                                   "limitAvailable": "0", "uTime": str(now)}]})


app = Starlette(routes=[Route("/api/v2/public/time", server_time)])
hmac_app = Starlette(routes=[Route("/api/v2/spot/account/assets", signed)])

"""The /_mock/ admin API: accounts, keys, balances, clock, journal, faults, limits, reset.

Plain JSON answers (not Bitget envelopes); errors are Bitget envelopes with the code that fits.
Never rate-limited, never signed; loopback callers only unless an admin token is configured.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any, Awaitable, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import envelope, openapi
from .admin_routes import ADMIN_ROUTES
from .errors import IP_NOT_ALLOWED, KEY_INVALID, PARAM_MISSING, PARAMS_INVALID, BitgetError, invalid
from .routes import ENDPOINTS
from .services import Services
from .state.accounts import parse_amount
from .views import deposit_view
from .ws.admin import WS_ADMIN_ROUTES

AdminHandler = Callable[[Request], Awaitable[Any]]


def json_response(data: Any, status: int = 200) -> Response:
    return Response(envelope.dumps(data), status_code=status, media_type="application/json")


def error_response(exc: BitgetError, now_ms: int) -> Response:
    return Response(envelope.error(exc, now_ms), status_code=exc.status, media_type="application/json")


async def _json_body(request: Request, required: bool = True) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > 1 << 20:
        raise BitgetError(PARAMS_INVALID)
    if not raw.strip():
        if required:
            raise BitgetError(PARAMS_INVALID)
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BitgetError(PARAMS_INVALID) from None
    if not isinstance(body, dict):
        raise BitgetError(PARAMS_INVALID)
    return body


def _is_loopback(host: str) -> bool:
    if host == "testclient":  # Starlette's in-process TestClient
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class AdminAPI:
    def __init__(self, svc: Services, sockets: Any = None) -> None:
        self.svc = svc
        self.sockets = sockets  # the /_mock/ws/ routes (ws/admin.py)

    def guarded(self, handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
        """Loopback-or-token guard and Bitget error rendering around one admin handler."""

        async def endpoint(request: Request) -> Response:
            svc = self.svc
            try:
                token = svc.config.admin_token
                if token is not None:
                    given = request.headers.get("x-mock-admin-token", "")
                    if not hmac.compare_digest(given.encode("latin-1", "replace"), token.encode()):
                        raise BitgetError(KEY_INVALID, status=401, msg="admin token required")
                elif not _is_loopback(request.client.host if request.client else ""):
                    raise BitgetError(IP_NOT_ALLOWED, status=403)
                result = await handler(request)
            except BitgetError as exc:
                return error_response(exc, svc.clock.now_ms())
            return result if isinstance(result, Response) else json_response(result)

        return endpoint

    def routes(self) -> list[Route]:
        """The declared admin routes (admin_routes.py), then the WebSocket admin's."""
        g = self.guarded
        return [
            *(Route(r.path, g(getattr(self, r.handler)), methods=[r.method]) for r in ADMIN_ROUTES),
            *(self.sockets.routes(g) if self.sockets is not None else []),
        ]

    # -- handlers -----------------------------------------------------------------------
    async def openapi(self, request: Request) -> Any:
        """OpenAPI 3.1 of every route, from the declarations (the mount's root_path is the admin prefix)."""
        return openapi.build(ENDPOINTS, (*ADMIN_ROUTES, *WS_ADMIN_ROUTES), self.routes(),
                             request.scope.get("root_path", ""))

    async def health(self, request: Request) -> Any:
        return {"status": "ok"}

    async def list_accounts(self, request: Request) -> Any:
        return {"accounts": [self._account_view(uid) for uid in self.svc.exchange.accounts.accounts]}

    async def get_account(self, request: Request) -> Any:
        return self._account_view(request.path_params["uid"])

    def _account_view(self, uid: str) -> dict[str, Any]:
        store = self.svc.exchange.accounts
        account = store.account(uid)
        return {
            "uid": account.uid,
            "balances": {
                acct_type: {c: {"available": format(b.available, "f"), "frozen": format(b.frozen, "f")}
                            for c, b in sorted(wallet.items())}
                for acct_type, wallet in account.wallets.items()
            },
            "apiKeys": [store.keys[k].public_view() for k in account.keys],
        }

    async def create_account(self, request: Request) -> Any:
        body = await _json_body(request, required=False)
        uid = body.get("uid")
        if isinstance(uid, int) and not isinstance(uid, bool) and uid >= 0:
            uid = str(uid)
        if uid is not None and not isinstance(uid, str):
            raise invalid("uid")
        balances = body.get("balances", {})
        store = self.svc.exchange.accounts
        now = self.svc.clock.now_ms()
        if not isinstance(balances, dict):
            raise invalid("balances")
        account = store.create_account(now, uid)
        try:
            store.set_balances(account.uid, balances, now)
        except BitgetError:
            store.remove_account(account.uid)  # a bad balance leaves no half-made account behind
            raise
        return {"uid": account.uid}

    async def create_key(self, request: Request) -> Any:
        body = await _json_body(request)
        key, secret = self.svc.exchange.accounts.create_key(
            request.path_params["uid"],
            self.svc.clock.now_ms(),
            permissions=body.get("permissions"),
            passphrase=body.get("passphrase"),
            ips=body.get("ips"),
            label=body.get("label", ""),
            public_key_pem=body.get("publicKey"),
            fixed_api_key=body.get("apiKey"),
            fixed_secret=body.get("secretKey"),
        )
        # exactly the contract's fields; `GET .../api-keys` shows the rest (uid, label, type)
        return {
            "apiKey": key.api_key,
            "secretKey": secret,
            "passphrase": key.passphrase,
            "permissions": sorted(key.permissions),
            "ips": list(key.ips),
        }

    async def list_keys(self, request: Request) -> Any:
        store = self.svc.exchange.accounts
        account = store.account(request.path_params["uid"])
        return {"apiKeys": [store.keys[k].public_view() for k in account.keys]}

    async def delete_key(self, request: Request) -> Any:
        self.svc.exchange.accounts.delete_key(request.path_params["api_key"])
        return {"deleted": True}

    async def put_balances(self, request: Request) -> Any:
        body = await _json_body(request)
        account_type = request.query_params.get("accountType", "spot")
        return self.svc.exchange.accounts.set_balances(
            request.path_params["uid"], body, self.svc.clock.now_ms(), account_type
        )

    async def add_deposit(self, request: Request) -> Any:
        """Simulate an on-chain deposit into the account's spot wallet; answers the deposit record."""
        body = await _json_body(request)
        for name in ("coin", "size"):
            if body.get(name) in (None, ""):
                raise BitgetError(PARAM_MISSING, name)
        coin, chain, source = body["coin"], body.get("chain"), body.get("fromAddress")
        for name, value in (("coin", coin), ("chain", chain), ("fromAddress", source)):
            if value is not None and not isinstance(value, str):
                raise invalid(name)
        size = parse_amount(body["size"], "size")
        record = self.svc.exchange.wallet.deposit(request.path_params["uid"], str(coin), size, chain, source,
                                                  self.svc.clock.now_ms())
        return deposit_view(record)

    async def get_clock(self, request: Request) -> Any:
        return self._clock_view(request)

    async def post_clock(self, request: Request) -> Any:
        body = await _json_body(request)
        clock = self.svc.clock
        if "set" in body:
            value = body["set"]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
                raise invalid("set")
            now = clock.set(value)
        elif "advance" in body:
            value = body["advance"]
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**53:
                raise invalid("advance")
            now = clock.advance(value)
        elif "offset" in body:
            value = body["offset"]
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**53:
                raise invalid("offset")
            now = clock.set_offset(value)
        else:
            raise invalid("set")
        self.svc.on_clock_moved()
        return self._clock_view(request, now)

    def _clock_view(self, request: Request, now: int | None = None) -> dict[str, Any]:
        """`{"now": ms}` as the contract says; `?detail=1` adds whether it is frozen and its offset."""
        clock = self.svc.clock
        view: dict[str, Any] = {"now": clock.now_ms() if now is None else now}
        if request.query_params.get("detail", "").lower() in ("1", "true", "yes"):
            view.update(manual=clock.is_manual, offset=clock.offset_ms)
        return view

    async def get_faults(self, request: Request) -> Any:
        return {"rules": self.svc.faults.active()}

    async def add_faults(self, request: Request) -> Any:
        return {"rules": self.svc.faults.add(await _json_body(request))}

    async def clear_faults(self, request: Request) -> Any:
        self.svc.faults.clear()
        return {"rules": []}

    async def get_journal(self, request: Request) -> Any:
        raw = request.query_params.get("limit", "100")
        if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
            raise invalid("limit")
        return {"entries": self.svc.journal.newest(int(raw))}

    async def clear_journal(self, request: Request) -> Any:
        self.svc.journal.clear()
        return {"cleared": True}

    async def get_limits(self, request: Request) -> Any:
        """Live rate-limit counters: ?ip= (global + IP-keyed endpoints) and/or ?uid= (UID-keyed endpoints)."""
        ip, uid = request.query_params.get("ip"), request.query_params.get("uid")
        if not ip and not uid:
            raise BitgetError(PARAM_MISSING, "ip")
        limiter = self.svc.limiter
        if limiter is None:
            return {"enabled": False, "ip": ip, "uid": uid, "global": None, "endpoints": []}
        return {"enabled": True, **limiter.snapshot(self.svc.clock.now_ms(), ip or None, uid or None)}

    async def reset(self, request: Request) -> Any:
        self.svc.reset()
        return {"reset": True}

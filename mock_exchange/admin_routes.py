"""The admin API's declarations: one row per route (method, path, handler, query, JSON body, answer).

`admin.AdminAPI.routes()` builds the Starlette routes from these rows and `openapi.build` describes them, so
the served routes and their description cannot drift apart (tests/test_openapi.py). Answers are plain JSON
(not Bitget envelopes); refusals are Bitget error envelopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .endpoint import Param
from .routes.wallet import DEPOSIT_RECORD
from .schema import Bool, Enum, Int, IntStr, Json, List, Map, NumStr, Obj, Schema, Str
from .state.constants import ACCOUNT_TYPES


@dataclass(frozen=True)
class AdminRoute:
    method: str
    path: str  # under the admin prefix (/_mock)
    handler: str  # the AdminAPI method that answers it
    response: Schema  # the JSON answer of a success (200)
    summary: str
    body: Schema | None = None  # the JSON request body, for the routes that take one
    query: tuple[Param, ...] = ()


PERMISSIONS = ("read", "spot_trade", "margin_trade", "contract_trade", "transfer", "withdraw")
KEY = Obj({"apiKey": Str, "uid": Str, "permissions": List(Enum(*PERMISSIONS)), "ips": List(Str), "label": Str,
           "type": Enum("HMAC", "RSA"), "createdTime": IntStr})
ACCOUNT = Obj({"uid": Str, "balances": Map(Map(Obj({"available": NumStr, "frozen": NumStr}))),
               "apiKeys": List(KEY)})
NEW_KEY = Obj({"apiKey": Str, "secretKey": Str, "passphrase": Str, "permissions": List(Enum(*PERMISSIONS)),
               "ips": List(Str)})
CLOCK = Obj({"now": Int}, optional={"manual": Bool, "offset": Int})
RULES = Obj({"rules": List(Map(Json))})
DONE = {name: Obj({name: Bool}) for name in ("deleted", "cleared", "reset")}

ADMIN_ROUTES: tuple[AdminRoute, ...] = (
    AdminRoute("GET", "/health", "health", Obj({"status": Enum("ok")}), "Liveness"),
    AdminRoute("GET", "/accounts", "list_accounts", Obj({"accounts": List(ACCOUNT)}), "Every account"),
    AdminRoute("POST", "/accounts", "create_account", Obj({"uid": Str}), "Create an account (uid chosen when absent)",
               body=Obj({}, optional={"uid": Str, "balances": Map(NumStr)})),
    AdminRoute("GET", "/accounts/{uid}", "get_account", ACCOUNT, "One account: balances per account type, keys"),
    AdminRoute("POST", "/accounts/{uid}/api-keys", "create_key", NEW_KEY,
               "Create an API key (HMAC, or RSA with publicKey); the secret is shown once",
               body=Obj({}, optional={"permissions": List(Enum(*PERMISSIONS)), "passphrase": Str, "ips": List(Str),
                                      "label": Str, "publicKey": Str, "apiKey": Str, "secretKey": Str})),
    AdminRoute("GET", "/accounts/{uid}/api-keys", "list_keys", Obj({"apiKeys": List(KEY)}), "An account's keys"),
    AdminRoute("PUT", "/accounts/{uid}/balances", "put_balances", Map(NumStr),
               "Set available balances (coin -> amount) of one account type", body=Map(NumStr),
               query=(Param("accountType", enum=ACCOUNT_TYPES, doc="default spot"),)),
    AdminRoute("POST", "/accounts/{uid}/deposits", "add_deposit", DEPOSIT_RECORD,
               "Simulate an on-chain deposit into the spot wallet",
               body=Obj({"coin": Str, "size": NumStr}, optional={"chain": Str, "fromAddress": Str})),
    AdminRoute("DELETE", "/api-keys/{api_key}", "delete_key", DONE["deleted"], "Delete an API key"),
    AdminRoute("GET", "/clock", "get_clock", CLOCK, "The mock's time",
               query=(Param("detail", doc="1: also whether it is manual, and its offset"),)),
    AdminRoute("POST", "/clock", "post_clock", CLOCK, "Set, advance or offset the clock (one of the three)",
               body=Obj({}, optional={"set": Int, "advance": Int, "offset": Int})),
    AdminRoute("GET", "/faults", "get_faults", RULES, "Active fault rules"),
    AdminRoute("POST", "/faults", "add_faults", RULES, "Add fault rules (docs/conformance.md)",
               body=Obj({"rules": List(Map(Json))})),
    AdminRoute("DELETE", "/faults", "clear_faults", RULES, "Remove every fault rule"),
    AdminRoute("GET", "/journal", "get_journal", Obj({"entries": List(Map(Json))}), "The newest journal entries",
               query=(Param("limit", kind="integer", doc="1..100000, default 100"),)),
    AdminRoute("DELETE", "/journal", "clear_journal", DONE["cleared"], "Empty the journal"),
    AdminRoute("GET", "/limits", "get_limits", Obj({"enabled": Bool}, rest=Json),
               "Live rate-limit counters of an IP and/or a UID",
               query=(Param("ip"), Param("uid"))),
    AdminRoute("POST", "/reset", "reset", DONE["reset"], "Back to the seeded state"),
    AdminRoute("GET", "/openapi.json", "openapi", Obj({"openapi": Str, "info": Map(Json), "paths": Map(Json),
                                                      "components": Map(Json)}), "This description"),
)

"""The WebSocket wire protocol, sans I/O: inbound frames -> typed requests, topics from subscribe args,
and the outbound events (acks, errors, pushes) rendered as Bitget sends them (docs/websocket.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from ..errors import WS_BAD_OP, WS_NO_CHANNEL, WS_PARAM_ERROR, WsError
from ..state.catalog import COINS_BY_NAME, CONTRACTS_BY_KEY, DEMO_PRODUCT_TYPES, PRODUCT_TYPES, SYMBOLS_BY_NAME
from ..state.wallet import MARGIN_COINS

PING, PONG = "ping", "pong"
# candle channel suffix -> the REST granularity with the same buckets (A.8; ccxt also asks for 3m)
CANDLES = {
    "1m": "1min", "3m": "3min", "5m": "5min", "15m": "15min", "30m": "30min", "1H": "1h", "4H": "4h",
    "6H": "6h", "12H": "12h", "1D": "1day", "3D": "3day", "1W": "1week", "1M": "1M",
    "6Hutc": "6Hutc", "12Hutc": "12Hutc", "1Dutc": "1Dutc", "3Dutc": "3Dutc", "1Wutc": "1Wutc", "1Mutc": "1Mutc",
}
BOOK_DEPTHS = {"books": None, "books1": 1, "books5": 5, "books15": 15}
PUBLIC_CHANNELS = frozenset({"ticker", "trade", *BOOK_DEPTHS, *("candle" + k for k in CANDLES)})
PRIVATE_CHANNELS = frozenset({"account", "orders", "fill", "positions", "orders-algo"})
FUTURES_ONLY = frozenset({"positions"})
SPOT = "SPOT"
# instType as sent (upper-cased) -> the product whose state it streams: a demo S* type streams its real one
INST_TYPES = {SPOT: SPOT, **{p: p for p in PRODUCT_TYPES}, **DEMO_PRODUCT_TYPES}
DEFAULT = "default"


@dataclass(frozen=True)
class Topic:
    """A channel in canonical form: what a push is computed for (many args may name the same topic)."""

    inst_type: str
    channel: str
    target: str  # a symbol (public and private), a coin (account), or "default"

    @property
    def private(self) -> bool:
        return self.channel in PRIVATE_CHANNELS

    @property
    def futures(self) -> bool:
        return self.inst_type != SPOT


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Login:
    api_key: Any
    passphrase: Any
    timestamp: Any
    sign: Any


@dataclass(frozen=True)
class Subscribe:
    op: str  # "subscribe" | "unsubscribe"
    args: tuple[Any, ...]  # each as sent; checked one by one (a bad one does not spoil the others)


Request = Ping | Login | Subscribe


def parse(text: str) -> Request:
    """One inbound text frame; WsError (without `arg`) for a frame that is not a request at all."""
    if text == PING:
        return Ping()
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise WsError(WS_PARAM_ERROR) from None
    if not isinstance(body, dict):
        raise WsError(WS_PARAM_ERROR)
    op = body.get("op")
    if not isinstance(op, str):
        raise WsError(WS_PARAM_ERROR)
    args = body.get("args")
    if op in ("subscribe", "unsubscribe"):
        if not isinstance(args, list) or not args:
            raise WsError(WS_PARAM_ERROR)
        return Subscribe(op, tuple(args))
    if op == "login":
        if not isinstance(args, list) or len(args) != 1 or not isinstance(args[0], dict):
            raise WsError(WS_PARAM_ERROR)
        a = args[0]
        return Login(a.get("apiKey"), a.get("passphrase"), a.get("timestamp"), a.get("sign"))
    raise WsError(WS_BAD_OP)


def _channel(name: str) -> str | None:
    """The canonical channel for a name as sent: exact, else case-insensitive (not for candles, where
    `1m` and `1M` differ)."""
    if name in PUBLIC_CHANNELS or name in PRIVATE_CHANNELS:
        return name
    lower = name.lower()
    if lower.startswith("candle"):
        return None
    return lower if lower in PUBLIC_CHANNELS or lower in PRIVATE_CHANNELS else None


def topic_of(arg: Any) -> Topic:
    """The topic a subscribe arg names; WsError carrying the arg when it names none."""
    if not isinstance(arg, dict):
        raise WsError(WS_PARAM_ERROR, arg=arg)
    inst_type, channel = arg.get("instType"), arg.get("channel")
    if not isinstance(inst_type, str) or not isinstance(channel, str) or not inst_type or not channel:
        raise WsError(WS_PARAM_ERROR, arg=arg)
    canonical = _channel(channel)
    kind = INST_TYPES.get(inst_type.upper())
    key = "coin" if canonical == "account" else "instId"
    target = arg.get(key)
    if target is not None and not isinstance(target, str):
        raise WsError(WS_PARAM_ERROR, arg=arg)
    if canonical is None or kind is None or (canonical in FUTURES_ONLY and kind == SPOT):
        raise WsError(WS_NO_CHANNEL, inst_type, channel, target or "", arg=arg)
    if canonical == "account":
        name = DEFAULT if target in (None, "") or target.lower() == DEFAULT else _coin(target, kind)
    elif target is None or target == "":
        raise WsError(WS_PARAM_ERROR, arg=arg)
    elif canonical in PRIVATE_CHANNELS and target.lower() == DEFAULT:
        name = DEFAULT
    else:
        name = _symbol(target, kind)
    if name is None:
        raise WsError(WS_NO_CHANNEL, inst_type, channel, target or "", arg=arg)
    return Topic(kind, canonical, name)


def _symbol(name: str, kind: str) -> str | None:
    """The spot symbol, or the contract of product `kind`, that `name` names (any case)."""
    if kind != SPOT:
        contract = CONTRACTS_BY_KEY.get((kind, name.upper()))
        return contract.symbol if contract is not None else None
    found = SYMBOLS_BY_NAME.get(name) or SYMBOLS_BY_NAME.get(name.upper())
    return found.symbol if found is not None else None


def _coin(name: str, kind: str) -> str | None:
    """A spot coin, or a margin coin of futures product `kind` (any case)."""
    coin = name if name in COINS_BY_NAME else name.upper()
    if kind != SPOT:
        return coin if coin in MARGIN_COINS[kind] else None
    return coin if coin in COINS_BY_NAME else None


# -- outbound -------------------------------------------------------------------------------
def error_event(exc: WsError) -> bytes:
    body: dict[str, Any] = {"event": "error"}
    if exc.arg is not None:
        body["arg"] = exc.arg
    body["code"] = exc.code
    body["msg"] = exc.msg
    return orjson.dumps(body)


def ack(op: str, arg: Any) -> bytes:
    return orjson.dumps({"event": op, "arg": arg})


LOGIN_OK = orjson.dumps({"event": "login", "code": 0, "msg": ""})


def push(action: bytes, arg_json: bytes, data_json: bytes, ts: int) -> bytes:
    """A push, assembled from parts serialised once per topic (`data`) and once per subscription
    (`arg`, echoed exactly as the client sent it)."""
    return b'{"action":"' + action + b'","arg":' + arg_json + b',"data":' + data_json + b',"ts":' + \
        str(ts).encode() + b"}"


SNAPSHOT, UPDATE = b"snapshot", b"update"

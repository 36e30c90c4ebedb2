"""THE table of Bitget error codes, and the one exception type that carries them."""

from __future__ import annotations

from typing import Any

# code -> (HTTP status, message template). `{0}`, `{1}` are filled from BitgetError's args.
ERRORS: dict[str, tuple[int, str]] = {
    "429": (429, "Too Many Requests"),
    "40001": (400, "ACCESS_KEY cannot be empty"),
    "40002": (400, "ACCESS_SIGN cannot be empty"),
    "40005": (400, "Invalid ACCESS_TIMESTAMP"),
    "40006": (400, "Invalid ACCESS_KEY"),
    "40007": (400, "Invalid Content_Type"),
    "40008": (400, "Request timestamp expired"),
    "40009": (400, "sign signature error"),
    "40011": (400, "ACCESS_PASSPHRASE cannot be empty"),
    "40012": (400, "apikey/password is incorrect"),
    "40014": (400, "Incorrect permissions, need {0} permissions"),
    "40015": (400, "System is abnormal, please try again later"),
    "40017": (400, "Parameter verification failed"),
    "40018": (400, "Invalid IP"),
    "40019": (400, "Parameter {0} cannot be empty"),
    "40020": (400, "Parameter {0} error"),
    "40034": (400, "Parameter {0} does not exist"),
    "40063": (400, "API exceeds the maximum limit added"),
    "40070": (400, "passphrase 8-32 characters with letters and numbers"),
    "40304": (400, "clientOid or clientOrderId length cannot greater than 50"),
    "40200": (400, "Server upgrade, please try again later"),
    "40404": (404, "Request URL NOT FOUND"),
    "40725": (400, "service return an error"),
    "40808": (400, "Parameter verification exception {0}"),
    "43001": (400, "The order does not exist"),
    "43002": (400, "Pending order failed"),
    "43004": (400, "There is no order to cancel"),
    "43008": (400, "The current order price cannot be less than {0}{1}"),
    "43009": (400, "The current order price exceeds the limit {0}{1}"),
    "43012": (400, "Insufficient balance"),
    "43114": (400, "Withdrawal is less than the minimum withdrawal count {0}"),
    "43118": (400, "clientOrderId duplicate"),
    "43129": (400, "Transfer coin not support or invalid coin"),
    "45001": (400, "Unknown error"),
    "45110": (400, "less than the minimum amount {0} USDT"),
    "40306": (400, "Batch processing orders can only process up to {0}"),
}

# WebSocket error events (bitget-v2-websocket.md A.5): numeric code -> msg template. Sent as
# {"event":"error","code":<int>,"msg":...} with the offending `arg` when there is one.
WS_ERRORS: dict[int, str] = {
    30001: "instType:{0},channel:{1},instId:{2} doesn't exist",
    30002: "illegal request",
    30003: "Invalid op",
    30004: "User needs to log in",
    30005: "login failed",
    30006: "Request too many",
    30007: "Request over limit,connection close",
    30011: "Invalid ACCESS_KEY",
    30012: "Invalid ACCESS_PASSPHRASE",
    30013: "Invalid ACCESS_TIMESTAMP",
    30014: "Request timestamp expired",
    30015: "Invalid sign",
    30016: "Param error",
}


class WsError(Exception):
    """A WebSocket error event: raised in the socket layer, rendered in one place (ws/protocol.py)."""

    def __init__(self, code: int, *args: Any, arg: Any = None) -> None:
        template = WS_ERRORS.get(code)
        if template is None:
            raise ValueError(f"unknown WebSocket error code {code!r}: add it to WS_ERRORS")
        self.code = code
        self.arg = arg
        self.msg = template.format(*[str(a) for a in args]) if args else template.replace("{0}", "").replace(
            "{1}", "").replace("{2}", "")
        super().__init__(f"{code} {self.msg}")


# Codes whose message is rendered without a placeholder when no argument is given.
_FALLBACK_ARG = ""


class BitgetError(Exception):
    """A Bitget error: raised anywhere, rendered into the envelope in one place."""

    def __init__(self, code: str, *args: Any, msg: str | None = None, status: int | None = None) -> None:
        known = ERRORS.get(code)
        if known is None:
            raise ValueError(f"unknown Bitget error code {code!r}: add it to ERRORS")
        self.code = code
        self.status = status if status is not None else known[0]
        template = known[1]
        if msg is None:
            fill = [str(a) for a in args]
            count = template.count("{")
            fill += [_FALLBACK_ARG] * max(0, count - len(fill))
            msg = template.format(*fill)
        self.msg = msg
        super().__init__(f"{code} {msg}")


def missing(name: str) -> BitgetError:
    return BitgetError("40019", name)


def invalid(name: str) -> BitgetError:
    return BitgetError("40020", name)

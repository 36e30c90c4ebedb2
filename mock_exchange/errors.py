"""THE table of Bitget error codes, and the one exception type that carries them."""

from __future__ import annotations

from typing import Any

# Every code has a name; raise them by name: `BitgetError(INSUFFICIENT_BALANCE)`.
RATE_LIMITED = "429"
KEY_MISSING = "40001"
SIGN_MISSING = "40002"
TIMESTAMP_INVALID = "40005"
KEY_INVALID = "40006"
CONTENT_TYPE_INVALID = "40007"
TIMESTAMP_EXPIRED = "40008"
SIGNATURE_INVALID = "40009"
PASSPHRASE_MISSING = "40011"  # noqa: S105 (an error code, not a password)
PASSPHRASE_INCORRECT = "40012"  # noqa: S105 (an error code, not a password)
PERMISSION_DENIED = "40014"
SYSTEM_ERROR = "40015"
PARAMS_INVALID = "40017"
IP_NOT_ALLOWED = "40018"
PARAM_MISSING = "40019"
PARAM_INVALID = "40020"
PARAM_NOT_FOUND = "40034"
TOO_MANY_KEYS = "40063"
PASSPHRASE_RULE = "40070"  # noqa: S105 (an error code, not a password)
CLIENT_OID_INVALID = "40304"
SERVER_UPGRADE = "40200"
NOT_FOUND = "40404"
SERVICE_ERROR = "40725"
PARAM_SCALE = "40808"
ORDER_NOT_FOUND = "43001"
ORDER_FAILED = "43002"
NOTHING_TO_CANCEL = "43004"
PRICE_BELOW_LIMIT = "43008"
PRICE_ABOVE_LIMIT = "43009"
INSUFFICIENT_BALANCE = "43012"
WITHDRAWAL_BELOW_MINIMUM = "43114"
CLIENT_OID_DUPLICATE = "43118"
TRANSFER_COIN_INVALID = "43129"
UNKNOWN_ERROR = "45001"
BELOW_MINIMUM_AMOUNT = "45110"
BATCH_TOO_LARGE = "40306"
# futures (mix) trading: Bitget's futures error table; refusals without a documented code: docs/futures.md
NO_POSITION = "22002"
LEVERAGE_REFUSED = "40104"
FUTURES_ORDER_NOT_FOUND = "40109"
NO_POSITION_FOR_MARGIN = "40709"
FUTURES_BALANCE_LOW = "40711"
MARGIN_LOW = "40712"
POSITION_TOO_SMALL = "40757"
ORDER_EXCEEDS_BALANCE = "40762"
FUTURES_NOTHING_TO_CANCEL = "40768"
TRADE_SIDE_MISMATCH = "40774"
FUTURES_CLIENT_OID_DUPLICATE = "40786"
LONG_STOP_ABOVE_MARK = "40917"
BELOW_MINIMUM_SIZE = "45111"
MARGIN_MODE_LOCKED = "45117"
SHORT_STOP_BELOW_MARK = "45122"
# futures plan and TP/SL orders: Bitget's futures error table (docs/futures-conditional.md)
LONG_TP_NOT_ABOVE = "40830"
SHORT_TP_NOT_BELOW = "40832"
LONG_SL_NOT_BELOW = "40834"
SHORT_SL_NOT_ABOVE = "40836"
NO_POSITION_FOR_TPSL = "40837"
TPSL_NOT_FOUND = "43020"
TPSL_ABOVE_POSITION = "43023"
PLAN_NOT_FOUND = "43025"
TAKE_PROFIT_EXISTS = "43030"
STOP_LOSS_EXISTS = "43031"

# code -> (HTTP status, message template). `{0}`, `{1}` are filled from BitgetError's args.
ERRORS: dict[str, tuple[int, str]] = {
    RATE_LIMITED: (429, "Too Many Requests"),
    KEY_MISSING: (400, "ACCESS_KEY cannot be empty"),
    SIGN_MISSING: (400, "ACCESS_SIGN cannot be empty"),
    TIMESTAMP_INVALID: (400, "Invalid ACCESS_TIMESTAMP"),
    KEY_INVALID: (400, "Invalid ACCESS_KEY"),
    CONTENT_TYPE_INVALID: (400, "Invalid Content_Type"),
    TIMESTAMP_EXPIRED: (400, "Request timestamp expired"),
    SIGNATURE_INVALID: (400, "sign signature error"),
    PASSPHRASE_MISSING: (400, "ACCESS_PASSPHRASE cannot be empty"),
    PASSPHRASE_INCORRECT: (400, "apikey/password is incorrect"),
    PERMISSION_DENIED: (400, "Incorrect permissions, need {0} permissions"),
    SYSTEM_ERROR: (400, "System is abnormal, please try again later"),
    PARAMS_INVALID: (400, "Parameter verification failed"),
    IP_NOT_ALLOWED: (400, "Invalid IP"),
    PARAM_MISSING: (400, "Parameter {0} cannot be empty"),
    PARAM_INVALID: (400, "Parameter {0} error"),
    PARAM_NOT_FOUND: (400, "Parameter {0} does not exist"),
    TOO_MANY_KEYS: (400, "API exceeds the maximum limit added"),
    PASSPHRASE_RULE: (400, "passphrase 8-32 characters with letters and numbers"),
    CLIENT_OID_INVALID: (400, "clientOid or clientOrderId length cannot greater than 50"),
    SERVER_UPGRADE: (400, "Server upgrade, please try again later"),
    NOT_FOUND: (404, "Request URL NOT FOUND"),
    SERVICE_ERROR: (400, "service return an error"),
    PARAM_SCALE: (400, "Parameter verification exception {0}"),
    ORDER_NOT_FOUND: (400, "The order does not exist"),
    ORDER_FAILED: (400, "Pending order failed"),
    NOTHING_TO_CANCEL: (400, "There is no order to cancel"),
    PRICE_BELOW_LIMIT: (400, "The current order price cannot be less than {0}{1}"),
    PRICE_ABOVE_LIMIT: (400, "The current order price exceeds the limit {0}{1}"),
    INSUFFICIENT_BALANCE: (400, "Insufficient balance"),
    WITHDRAWAL_BELOW_MINIMUM: (400, "Withdrawal is less than the minimum withdrawal count {0}"),
    CLIENT_OID_DUPLICATE: (400, "clientOrderId duplicate"),
    TRANSFER_COIN_INVALID: (400, "Transfer coin not support or invalid coin"),
    UNKNOWN_ERROR: (400, "Unknown error"),
    BELOW_MINIMUM_AMOUNT: (400, "less than the minimum amount {0} USDT"),
    BATCH_TOO_LARGE: (400, "Batch processing orders can only process up to {0}"),
    NO_POSITION: (400, "No position to close"),
    LEVERAGE_REFUSED: (400, "Lever adjustment failure"),
    FUTURES_ORDER_NOT_FOUND: (400, "The data of the order cannot be found, please confirm the order number"),
    NO_POSITION_FOR_MARGIN: (400, "There is no position in this position, and no automatic margin call can be set"),
    FUTURES_BALANCE_LOW: (400, "Insufficient contract account balance"),
    MARGIN_LOW: (400, "Insufficient margin"),
    POSITION_TOO_SMALL: (400, "Not enough position is available."),
    ORDER_EXCEEDS_BALANCE: (400, "The order amount exceeds the balance"),
    FUTURES_NOTHING_TO_CANCEL: (400, "Order does not exist"),
    TRADE_SIDE_MISMATCH: (400, "The order type for unilateral position must also be the unilateral position type."),
    FUTURES_CLIENT_OID_DUPLICATE: (400, "Duplicate clientOid"),
    LONG_STOP_ABOVE_MARK: (400, "Stop price for long positions please < mark price {0}"),
    BELOW_MINIMUM_SIZE: (400, "less than the minimum order quantity"),
    MARGIN_MODE_LOCKED: (400, "Currently holding positions or orders, the margin mode cannot be adjusted"),
    SHORT_STOP_BELOW_MARK: (400, "Short position stop loss price please > mark price {0}"),
    LONG_TP_NOT_ABOVE: (400, "The take profit price of the long position should be greater than the current price"),
    SHORT_TP_NOT_BELOW: (400, "The take profit price of short positions should be less than the current price"),
    LONG_SL_NOT_BELOW: (400, "The stop loss price of the long position should be less than the current price"),
    SHORT_SL_NOT_ABOVE: (400, "The stop loss price of the short position should be greater than the current price"),
    NO_POSITION_FOR_TPSL: (400, "There is no position in this position, so stop-profit and stop-loss orders cannot "
                                "be made"),
    TPSL_NOT_FOUND: (400, "Stop profit and stop loss order does not exist"),
    TPSL_ABOVE_POSITION: (400, "Insufficient position, can not set profit or stop loss"),
    PLAN_NOT_FOUND: (400, "Plan order does not exist"),
    TAKE_PROFIT_EXISTS: (400, "Take profit order already existed"),
    STOP_LOSS_EXISTS: (400, "Stop loss order already existed"),
}

# WebSocket error codes (numbers on the wire)
WS_NO_CHANNEL = 30001
WS_ILLEGAL = 30002
WS_BAD_OP = 30003
WS_LOGIN_NEEDED = 30004
WS_LOGIN_FAILED = 30005
WS_TOO_MANY = 30006
WS_OVER_LIMIT = 30007
WS_KEY_INVALID = 30011
WS_PASSPHRASE_INVALID = 30012
WS_TIMESTAMP_INVALID = 30013
WS_TIMESTAMP_EXPIRED = 30014
WS_SIGN_INVALID = 30015
WS_PARAM_ERROR = 30016

# WebSocket error events (docs/websocket.md): numeric code -> msg template. Sent as
# {"event":"error","code":<int>,"msg":...} with the offending `arg` when there is one.
WS_ERRORS: dict[int, str] = {
    WS_NO_CHANNEL: "instType:{0},channel:{1},instId:{2} doesn't exist",
    WS_ILLEGAL: "illegal request",
    WS_BAD_OP: "Invalid op",
    WS_LOGIN_NEEDED: "User needs to log in",
    WS_LOGIN_FAILED: "login failed",
    WS_TOO_MANY: "Request too many",
    WS_OVER_LIMIT: "Request over limit,connection close",
    WS_KEY_INVALID: "Invalid ACCESS_KEY",
    WS_PASSPHRASE_INVALID: "Invalid ACCESS_PASSPHRASE",
    WS_TIMESTAMP_INVALID: "Invalid ACCESS_TIMESTAMP",
    WS_TIMESTAMP_EXPIRED: "Request timestamp expired",
    WS_SIGN_INVALID: "Invalid sign",
    WS_PARAM_ERROR: "Param error",
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
    return BitgetError(PARAM_MISSING, name)


def invalid(name: str) -> BitgetError:
    return BitgetError(PARAM_INVALID, name)

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
    # futures (mix) trading: bitget-v2-futures.md B.4; where the refusal has no documented code, docs/futures.md
    "22002": (400, "No position to close"),
    "40104": (400, "Lever adjustment failure"),
    "40109": (400, "The data of the order cannot be found, please confirm the order number"),
    "40709": (400, "There is no position in this position, and no automatic margin call can be set"),
    "40711": (400, "Insufficient contract account balance"),
    "40712": (400, "Insufficient margin"),
    "40757": (400, "Not enough position is available."),
    "40762": (400, "The order amount exceeds the balance"),
    "40768": (400, "Order does not exist"),
    "40774": (400, "The order type for unilateral position must also be the unilateral position type."),
    "40786": (400, "Duplicate clientOid"),
    "40917": (400, "Stop price for long positions please < mark price {0}"),
    "45111": (400, "less than the minimum order quantity"),
    "45117": (400, "Currently holding positions or orders, the margin mode cannot be adjusted"),
    "45122": (400, "Short position stop loss price please > mark price {0}"),
}

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

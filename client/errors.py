"""Typed errors of the reference client, chosen from ONE table of Bitget codes.

    BitgetError                          anything this client raises
    ├── BitgetTransportError             no usable answer: connection refused or dropped, timeout,
    │                                    a body that is not JSON or not a Bitget envelope
    └── BitgetAPIError(code, msg, http_status)     the exchange answered with an error envelope
        ├── AuthenticationError          40001 40002 40003 40005 40006 40009 40011 40012 40036 40037 40041
        ├── PermissionDeniedError        40014 40018 40025 40038 (and HTTP 403)
        ├── RateLimitError               429 (HTTP or code); carries `retry_after` when the server sent one
        ├── TimestampError               40004 40008: the client re-syncs its clock and retries once
        ├── InsufficientBalanceError     43012 40754 40762 40798 43132 50020
        ├── OrderNotFoundError           43001 43004 43025 40109 40768 22001
        ├── BadParameterError            40017 40019 40020 40034 40808 45110 43008 43009 40304 ...
        │   └── DuplicateClientOidError  43118
        └── ServerError                  40010 40015 40200 40725 45001 and HTTP 5xx: the request may
                                         or may not have been executed
"""

from __future__ import annotations


class BitgetError(Exception):
    """Base of every error this client raises."""


class BitgetTransportError(BitgetError):
    """No usable answer. `sent` is False when the request surely never reached the exchange."""

    def __init__(self, message: str, *, http_status: int | None = None, sent: bool = True) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.sent = sent


class BitgetAPIError(BitgetError):
    """An error envelope: `code` and `msg` as Bitget sent them, and the HTTP status."""

    def __init__(self, code: str, msg: str, http_status: int, *, retry_after: float | None = None) -> None:
        super().__init__(f"{code} {msg} (HTTP {http_status})")
        self.code = code
        self.msg = msg
        self.http_status = http_status
        self.retry_after = retry_after


class AuthenticationError(BitgetAPIError):
    pass


class PermissionDeniedError(BitgetAPIError):
    pass


class RateLimitError(BitgetAPIError):
    pass


class TimestampError(BitgetAPIError):
    pass


class InsufficientBalanceError(BitgetAPIError):
    pass


class OrderNotFoundError(BitgetAPIError):
    pass


class BadParameterError(BitgetAPIError):
    pass


class DuplicateClientOidError(BadParameterError):
    pass


class ServerError(BitgetAPIError):
    pass


def _codes(cls: type[BitgetAPIError], *codes: str) -> dict[str, type[BitgetAPIError]]:
    return dict.fromkeys(codes, cls)


# THE table: Bitget code -> error class (docs/rules.md). Unlisted codes fall back on the HTTP status.
ERROR_CLASSES: dict[str, type[BitgetAPIError]] = {
    **_codes(AuthenticationError, "40001", "40002", "40003", "40005", "40006", "40009", "40011", "40012",
             "40036", "40037", "40041"),
    **_codes(PermissionDeniedError, "40014", "40018", "40025", "40038", "40081", "40105", "22010"),
    **_codes(RateLimitError, "429"),
    **_codes(TimestampError, "40004", "40008"),
    **_codes(InsufficientBalanceError, "43012", "40754", "40762", "40798", "43132", "50020"),
    **_codes(OrderNotFoundError, "43001", "43004", "43025", "40109", "40768", "22001"),
    **_codes(BadParameterError, "40007", "40017", "40019", "40020", "40034", "40053", "40057", "40058", "40059",
             "40064", "40072", "40078", "40079", "40102", "40304", "40305", "40306", "40402", "40705", "40707",
             "40808", "40811", "40813", "40924", "41103", "42016", "43006", "43007", "43008", "43009", "43010",
             "43011", "43027", "43028", "43111", "43112", "43114", "43116", "43125", "43129", "45110", "45111",
             "45112", "45115", "48001", "48002"),
    **_codes(DuplicateClientOidError, "43118"),
    **_codes(ServerError, "40010", "40015", "40200", "40725", "45001"),
}

_BY_STATUS: dict[int, type[BitgetAPIError]] = {401: AuthenticationError, 403: PermissionDeniedError,
                                               429: RateLimitError}


def api_error(code: str, msg: str, http_status: int, retry_after: float | None = None) -> BitgetAPIError:
    """The typed error for an error envelope: by code first, then by HTTP status."""
    cls = ERROR_CLASSES.get(code)
    if cls is None:
        cls = ServerError if http_status >= 500 else _BY_STATUS.get(http_status, BitgetAPIError)
    return cls(code, msg, http_status, retry_after=retry_after)

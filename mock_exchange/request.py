"""The parsed form of one Bitget API request, and typed access to its parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import orjson

from .errors import KEY_MISSING, PARAMS_INVALID, BitgetError, invalid, missing
from .state.accounts import ApiKey, parse_amount

MAX_QUERY_FIELDS = 100
_CHOICES: dict[tuple[str, ...], dict[str, str]] = {}  # options -> lower-case -> option, built once per tuple


def _choice_table(options: tuple[str, ...]) -> dict[str, str]:
    table: dict[str, str] = {}
    for option in options:
        table.setdefault(option.lower(), option)  # the first option wins, as a scan in order would
    for option in options:  # each option as spelled (`USDT-FUTURES`) is found at once, with the same answer
        table.setdefault(option, table[option.lower()])
    return table


class ApiRequest:
    """Raw bytes as sent (for the signature) plus parsed params (for the handler)."""

    __slots__ = ("_params", "body", "client_ip", "headers", "key", "method", "now_ms", "path", "raw_path", "raw_query")

    def __init__(self, method: str, path: str, raw_path: bytes, raw_query: bytes, body: bytes,
                 headers: dict[bytes, bytes], client_ip: str, now_ms: int) -> None:
        self.method = method
        self.path = path
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.body = body
        self.headers = headers  # as the ASGI server gave them: lower-case names, raw values
        self.client_ip = client_ip
        self.now_ms = now_ms
        self.key: ApiKey | None = None
        self._params: dict[str, Any] | None = None

    @property
    def uid(self) -> str:
        if self.key is None:
            raise BitgetError(KEY_MISSING)
        return self.key.uid

    @property
    def params(self) -> dict[str, Any]:
        """Query parameters, overlaid for POST by the JSON body (which must be an object)."""
        if self._params is None:
            self._params = self._parse()
        return self._params

    def _parse(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.raw_query:
            try:
                text = self.raw_query.decode("utf-8", "replace")
                params.update(parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS))
            except ValueError:
                raise BitgetError(PARAMS_INVALID) from None
        if self.method == "POST" and self.body.strip():
            try:
                body = orjson.loads(self.body)
            except orjson.JSONDecodeError:
                raise BitgetError(PARAMS_INVALID) from None
            if not isinstance(body, dict):
                raise BitgetError(PARAMS_INVALID)
            if not params:
                return body  # a fresh dict of its own: no copy needed
            params.update(body)
        return params

    def sub(self, params: dict[str, Any]) -> ApiRequest:
        """This request's identity over other params: one item of a batch, parsed like a request."""
        view = ApiRequest(self.method, self.path, self.raw_path, b"", b"", self.headers, self.client_ip, self.now_ms)
        view.key = self.key
        view._params = params
        return view

    # -- typed access -------------------------------------------------------------------
    def text(self, name: str, required: bool = False, max_len: int = 256) -> str | None:
        params = self._params if self._params is not None else self.params
        value = params.get(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        if type(value) is str:  # the common case, first
            text = value
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise invalid(name)
        else:
            text = str(value)
        if len(text) > max_len:
            raise invalid(name)
        return text

    def choice(self, name: str, options: tuple[str, ...], required: bool = False,
               default: str | None = None) -> str | None:
        """An enumerated value, matched case-insensitively (some clients send `GTC`)."""
        table = _CHOICES.get(options)
        if table is None:
            table = _CHOICES[options] = _choice_table(options)
        params = self._params if self._params is not None else self.params
        value = params.get(name)
        if type(value) is str:
            found = table.get(value)  # as spelled in the options, or in lower case: the common cases
            if found is not None:
                return found
        elif value is None and not required:
            return default  # absent (what `text` would say, without asking it)
        value = self.text(name, required)
        if value is None:
            return default
        found = table.get(value.lower())
        if found is None:
            raise invalid(name)
        return found

    def integer(self, name: str, default: int | None = None, lo: int = 0, hi: int = 2**63 - 1) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        if not value.isascii() or not value.lstrip("-").isdigit() or len(value) > 20:
            raise invalid(name)
        number = int(value)
        if not lo <= number <= hi:
            raise invalid(name)
        return number

    def amount(self, name: str, required: bool = False) -> Decimal | None:
        params = self._params if self._params is not None else self.params
        value = params.get(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        return parse_amount(value, name)

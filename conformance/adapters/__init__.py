"""Adapters: how the harness drives a client. Look one up by name (`reference`, `ccxt`, `ccxt-js`), as
`module:Class`, or as `cmd:COMMAND` (a process adapter in any language, conformance/adapters/process.py)."""

from __future__ import annotations

import importlib
import os
import sys

from .base import (
    Adapter,
    Balance,
    Credentials,
    ErrorCategory,
    LimitOrder,
    LogCapture,
    Order,
    OrderBook,
    OrderRef,
    Ticker,
    Unsupported,
    category_for_code,
)

BUILTIN = {
    "reference": "conformance.adapters.reference:ReferenceAdapter",
    "ccxt": "conformance.adapters.ccxt_adapter:CcxtAdapter",
    "ccxt-js": "cmd:node conformance/adapters/ccxt_adapter.js",  # shown in --help; started by process.ccxt_js()
}
COMMAND_PREFIX = "cmd:"


# the pip extra that brings a built-in adapter's client, named when that client is missing
EXTRAS = {"ccxt": "ccxt"}


class AdapterNotFound(LookupError):
    """The name is neither a built-in adapter nor an importable `module:Class` subclass of Adapter."""


def _import_from_cwd() -> None:
    """Let `module:Class` name a module in the current directory, as `python -m` would: the console script
    starts with its own directory on sys.path, not the one it is run from."""
    cwd = os.getcwd()
    if not any(os.path.abspath(entry or os.curdir) == cwd for entry in sys.path):
        sys.path.insert(0, cwd)


def load_adapter(name: str) -> type[Adapter]:
    """The adapter class for `reference`, `ccxt`, `ccxt-js`, a dotted path `package.module:Class`, or
    `cmd:COMMAND`. A process adapter's command is started (and greeted) here, so that a missing runtime or
    client package is a usage error, not a failure of every check."""
    if name == "ccxt-js" or name.startswith(COMMAND_PREFIX):
        return _process(name)
    target = BUILTIN.get(name, name)
    module_name, sep, class_name = target.partition(":")
    if not sep or not module_name or not class_name:
        raise AdapterNotFound(f"unknown adapter {name!r}: use one of {', '.join(BUILTIN)} or module:Class")
    if name not in BUILTIN:
        _import_from_cwd()
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or ""
        if name in EXTRAS and missing.partition(".")[0] == EXTRAS[name]:
            raise AdapterNotFound(f"adapter {name!r} needs the {missing} package: pip install "
                                  f"'bitget-mock[{EXTRAS[name]}]'") from exc
        raise AdapterNotFound(f"adapter {name!r}: cannot import {module_name}: {exc}") from exc
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Adapter):
        raise AdapterNotFound(f"adapter {name!r}: {class_name} in {module_name} is not a subclass of "
                              "conformance.adapters.Adapter")
    return cls


def _process(name: str) -> type[Adapter]:
    from .process import AdapterProcessError, ccxt_js, process_adapter

    if name == "ccxt-js":
        cls = ccxt_js()
    else:
        command = name[len(COMMAND_PREFIX):].strip()
        if not command:
            raise AdapterNotFound("adapter 'cmd:': give the command that starts it, e.g. 'cmd:node adapter.js'")
        try:
            cls = process_adapter(command, command)
        except ValueError as exc:  # unbalanced quotes
            raise AdapterNotFound(f"adapter {name!r}: {exc}") from None
    try:
        cls.start()
    except AdapterProcessError as exc:
        hint = " (ccxt-js needs Node.js: node on PATH, and `npm install ccxt`)" if name == "ccxt-js" else ""
        raise AdapterNotFound(f"adapter {name!r}: {exc}{hint}") from None
    return cls


__all__ = [
    "BUILTIN",
    "Adapter",
    "AdapterNotFound",
    "Balance",
    "Credentials",
    "ErrorCategory",
    "LimitOrder",
    "LogCapture",
    "Order",
    "OrderBook",
    "OrderRef",
    "Ticker",
    "Unsupported",
    "category_for_code",
    "load_adapter",
]

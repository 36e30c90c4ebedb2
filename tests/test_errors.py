"""The error table: every code has a name, every name is in the table, and nothing raises a bare literal."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mock_exchange import errors
from mock_exchange.errors import ERRORS, INSUFFICIENT_BALANCE, BitgetError

PACKAGE = Path(errors.__file__).resolve().parent


def _named_codes() -> dict[str, str]:
    return {name: value for name, value in vars(errors).items()
            if name.isupper() and isinstance(value, str) and value.isdigit()}


def test_every_code_has_exactly_one_name_and_every_name_is_in_the_table() -> None:
    named = _named_codes()
    assert sorted(named.values()) == sorted(set(named.values())), "two names for one code"
    assert set(named.values()) == set(ERRORS)


def _literal_codes_raised(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "BitgetError"
                and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, repr(node.args[0].value)))
    return found


def test_no_module_raises_a_code_by_its_bare_number() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, code in _literal_codes_raised(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line} BitgetError({code})")
    assert offenders == [], "raise codes by their name in mock_exchange/errors.py"


def test_the_scan_sees_a_literal_when_there_is_one() -> None:
    assert _literal_codes_raised(ast.parse('raise BitgetError("43012")')) == [(1, "'43012'")]


def test_an_unknown_code_cannot_be_raised() -> None:
    with pytest.raises(ValueError, match="add it to ERRORS"):
        BitgetError("49999")
    assert BitgetError(INSUFFICIENT_BALANCE).status == 400

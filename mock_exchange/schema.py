"""A small language for the JSON answers Bitget sends: declare a shape, validate a value, emit JSON Schema.

Bitget sends nearly every number as a decimal string, ids and times as digit strings, `""` for some unset
values and `null` for others, enums in a fixed case. The types below say exactly that, so one declaration
per endpoint drives the tests (`validate`) and the OpenAPI description (`json_schema`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_NUM = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_INT = re.compile(r"-?[0-9]+")
NUM_PATTERN = "^-?[0-9]+(\\.[0-9]+)?$"
INT_PATTERN = "^-?[0-9]+$"


@dataclass(frozen=True)
class Mismatch:
    """One place where a value differs from its schema: a JSON path (`$.data[0].side`) and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Schema:
    """A JSON shape. `check` appends mismatches; `json_schema` is its JSON Schema (2020-12) form."""

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class _Str(Schema):
    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, str):
            out.append(Mismatch(path, f"expected a string, got {_kind(value)}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string"}


class _Pattern(Schema):
    def __init__(self, pattern: re.Pattern[str], source: str, what: str) -> None:
        self.pattern, self.source, self.what = pattern, source, what

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, str):
            out.append(Mismatch(path, f"expected {self.what}, got {_kind(value)}"))
        elif self.pattern.fullmatch(value) is None:
            out.append(Mismatch(path, f"expected {self.what}, got {value!r}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": self.source}


class _Int(Schema):
    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(Mismatch(path, f"expected an integer, got {_kind(value)}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer"}


class _Bool(Schema):
    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, bool):
            out.append(Mismatch(path, f"expected a boolean, got {_kind(value)}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class _Number(Schema):
    """A JSON number (inside `feeDetail`'s JSON, Bitget's one place with bare numbers)."""

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            out.append(Mismatch(path, f"expected a number, got {_kind(value)}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number"}


class _Json(Schema):
    """Any JSON value: the admin API's free-form parts (journal entries, fault rules, limit counters)."""

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            out.append(Mismatch(path, f"expected JSON, got {_kind(value)}"))

    def json_schema(self) -> dict[str, Any]:
        return {}


Str: Schema = _Str()
Json: Schema = _Json()
NumStr: Schema = _Pattern(_NUM, NUM_PATTERN, "a decimal string")  # never "" and never null
IntStr: Schema = _Pattern(_INT, INT_PATTERN, "a digit string")  # ids, ms timestamps, counts
Int: Schema = _Int()
Bool: Schema = _Bool()
Number: Schema = _Number()  # a bare JSON number: only inside feeDetail's JSON text


class Enum(Schema):
    """One of these strings, in exactly this case."""

    def __init__(self, *values: str) -> None:
        self.values = values

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if value not in self.values or not isinstance(value, str):
            out.append(Mismatch(path, f"expected one of {list(self.values)}, got {value!r}"))

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


class MaybeEmpty(Schema):
    """`inner`, or `""` where Bitget sends an empty string for an unset value."""

    def __init__(self, inner: Schema) -> None:
        self.inner = inner

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if value != "":
            self.inner.check(value, path, out)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"const": ""}]}


class Nullable(Schema):
    """`inner`, or `null` where Bitget sends null."""

    def __init__(self, inner: Schema) -> None:
        self.inner = inner

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if value is not None:
            self.inner.check(value, path, out)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}


class Obj(Schema):
    """An object with exactly these keys, plus any of `optional`'s (which may be absent), plus any other key
    whose value has the shape `rest` when it is given (`feeDetail`'s per-coin entries)."""

    def __init__(self, fields: Mapping[str, Schema], optional: Mapping[str, Schema] | None = None,
                 rest: Schema | None = None) -> None:
        self.fields = fields
        self.optional: Mapping[str, Schema] = optional or {}
        self.rest = rest

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, dict):
            out.append(Mismatch(path, f"expected an object, got {_kind(value)}"))
            return
        for name, schema in self.fields.items():
            if name not in value:
                out.append(Mismatch(f"{path}.{name}", "missing"))
            else:
                schema.check(value[name], f"{path}.{name}", out)
        for name, item in value.items():
            if name in self.fields:
                continue
            opt = self.optional.get(name, self.rest)
            if opt is None:
                out.append(Mismatch(f"{path}.{name}", "not in the schema"))
            else:
                opt.check(item, f"{path}.{name}", out)

    def json_schema(self) -> dict[str, Any]:
        props = {name: s.json_schema() for name, s in {**self.fields, **self.optional}.items()}
        extra = self.rest.json_schema() if self.rest is not None else False
        return {"type": "object", "properties": props, "required": list(self.fields), "additionalProperties": extra}


class Map(Schema):
    """An object whose keys are free (a coin name, say) and whose values all have one shape."""

    def __init__(self, values: Schema) -> None:
        self.values = values

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, dict):
            out.append(Mismatch(path, f"expected an object, got {_kind(value)}"))
            return
        for name, item in value.items():
            self.values.check(item, f"{path}.{name}", out)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.values.json_schema()}


class List(Schema):
    def __init__(self, items: Schema) -> None:
        self.items = items

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, list):
            out.append(Mismatch(path, f"expected an array, got {_kind(value)}"))
            return
        for i, item in enumerate(value):
            self.items.check(item, f"{path}[{i}]", out)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.items.json_schema()}


class Tuple(Schema):
    """A fixed-length array with one schema per position (a candle, an order-book level)."""

    def __init__(self, *items: Schema) -> None:
        self.items = items

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, list) or len(value) != len(self.items):
            out.append(Mismatch(path, f"expected an array of {len(self.items)}, got {_kind(value)}"
                                + (f" of {len(value)}" if isinstance(value, list) else "")))
            return
        for i, (schema, item) in enumerate(zip(self.items, value, strict=True)):
            schema.check(item, f"{path}[{i}]", out)

    def json_schema(self) -> dict[str, Any]:
        n = len(self.items)
        return {"type": "array", "prefixItems": [s.json_schema() for s in self.items], "items": False,
                "minItems": n, "maxItems": n}


class JsonStr(Schema):
    """A string holding JSON that has `inner`'s shape (Bitget's `feeDetail` on orders)."""

    def __init__(self, inner: Schema) -> None:
        self.inner = inner

    def check(self, value: Any, path: str, out: list[Mismatch]) -> None:
        if not isinstance(value, str):
            out.append(Mismatch(path, f"expected a JSON string, got {_kind(value)}"))
            return
        try:
            decoded = json.loads(value)
        except ValueError:
            out.append(Mismatch(path, "expected a JSON string, got text that is not JSON"))
            return
        self.inner.check(decoded, path + "<json>", out)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "contentMediaType": "application/json", "contentSchema": self.inner.json_schema()}


def success(data: Schema) -> Obj:
    """Bitget's success envelope around an endpoint's `data`."""
    return Obj({"code": Enum("00000"), "msg": Str, "requestTime": Int, "data": data})


ERROR_ENVELOPE = Obj({"code": _Pattern(re.compile(r"[0-9]+"), "^[0-9]+$", "a code"), "msg": Str,
                      "requestTime": Int, "data": Nullable(Str)})


def validate(schema: Schema, value: Any, path: str = "$") -> list[Mismatch]:
    """Every mismatch between `value` and `schema`; empty when the value conforms."""
    out: list[Mismatch] = []
    schema.check(value, path, out)
    return out


def validate_answer(data_schema: Schema, body: Any) -> list[Mismatch]:
    """A whole success answer (the envelope and its `data`) against an endpoint's declared `data` schema."""
    return validate(success(data_schema), body)

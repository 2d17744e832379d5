"""The JSON Schema of the ``#+`` header (``header.schema.json``) and checking a header with it.

The schema file is the one description of what a header may say: :func:`check_header` checks
a parsed header against it (with :mod:`jsonschema`), and the names other modules need come
from it (:data:`PARAMETER_TYPES`, :data:`VIEWS`, :data:`MAX_STRING`, and :data:`VALUE_SCHEMAS`,
the schema of one value of each parameter type, which the OpenAPI document starts from).

A failing part of the schema names its error in ``x-message``; the error is reported at the
line of the YAML key (or list item) it is about, as ``queries/NAME.rq:LINE: message``. Of
several errors the first in the schema's order is reported, so the schema lists the basic
checks (keys, types) before the ones that combine keys.
"""

from __future__ import annotations

import datetime
import json
from collections import deque
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from server.canned.errors import CannedQueryError

__all__ = [
    "HEADER_SCHEMA",
    "MAX_STRING",
    "PARAMETER_TYPES",
    "VALUE_SCHEMAS",
    "VIEWS",
    "check_header",
    "json_compatible",
]

#: The header's JSON Schema (draft 2020-12), as read from ``header.schema.json``.
HEADER_SCHEMA: Final[Mapping[str, Any]] = json.loads(
    resources.files("server.canned").joinpath("header.schema.json").read_text(encoding="utf-8")
)
_DEFS: Final = HEADER_SCHEMA["$defs"]
#: Parameter types: an instance of a class, a concept of a SKOS scheme, or a literal.
PARAMETER_TYPES: Final[tuple[str, ...]] = tuple(_DEFS["parameter"]["properties"]["type"]["enum"])
#: How a query's answer is best shown (``map`` needs a ``?geometry`` column).
VIEWS: Final[tuple[str, ...]] = tuple(HEADER_SCHEMA["properties"]["view"]["enum"])
#: The JSON Schema of one value of each parameter type (read-only).
VALUE_SCHEMAS: Final[Mapping[str, Mapping[str, Any]]] = MappingProxyType(_DEFS["value"])
#: The longest text a ``string`` parameter accepts.
MAX_STRING: Final[int] = VALUE_SCHEMAS["string"]["maxLength"]


def _is_integer(checker: object, instance: object) -> bool:
    """JSON Schema's ``integer``, but not ``1.0``: YAML tells whole numbers from decimals."""
    return isinstance(instance, int) and not isinstance(instance, bool)


# types-jsonschema declares extend() without annotations; its result is a validator class.
_Validator = extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
_VALIDATOR: Final = _Validator(HEADER_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
#: Schema keywords followed by a name, by an index, or by nothing on an error's schema path.
_NAMED: Final = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_INDEXED: Final = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SINGLE: Final = frozenset(
    {"items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains"}
)
#: Of those, the ones that step into one property or item of the instance.
_INTO_INSTANCE: Final = frozenset(
    {"properties", "patternProperties", "additionalProperties", "items", "prefixItems"}
)


def json_compatible(data: Any) -> Any:
    """``data`` as loaded from YAML with dates and times as ISO 8601 texts (JSON has none)."""
    if isinstance(data, dict):
        return {key: json_compatible(value) for key, value in data.items()}
    if isinstance(data, list):
        return [json_compatible(value) for value in data]
    if isinstance(data, datetime.date):  # datetime.datetime is a date too
        return data.isoformat()
    return data


def check_header(path: Path, data: Any, node: yaml.Node | None, first_line: int) -> None:
    """Raise :class:`CannedQueryError` for the first part of ``data`` (the header, made
    :func:`json_compatible`) that the schema rejects; ``node`` is the YAML node it was read
    from and ``first_line`` the file line of the header's first line."""
    error = next(iter(_VALIDATOR.iter_errors(data)), None)
    if error is None:
        return
    message, depth = _message(error)
    where = list(error.absolute_path)[:depth]
    line = first_line + _line(node, where, error)
    raise CannedQueryError(path, line, message.format_map(_context(data, where, error)))


def _message(error: ValidationError) -> tuple[str, int]:
    """The ``x-message`` of the deepest schema part on the error's way that has one, and how
    many steps into the instance that part is."""
    schema: Any = HEADER_SCHEMA
    depth = 0
    found = (str(HEADER_SCHEMA["x-message"]), 0)
    keys = deque(error.relative_schema_path)
    while keys and isinstance(schema, Mapping):
        if "$ref" in schema and keys[0] not in schema:
            schema = _resolve(schema["$ref"])
        if "x-message" in schema:
            found = (str(schema["x-message"]), depth)
        key = keys.popleft()
        if key in _NAMED or key in _INDEXED:
            if not keys:
                break
            schema = schema[key][keys.popleft()]
        elif key in _SINGLE:
            schema = schema[key]
        else:
            break  # a validation keyword: the error is about the part reached
        depth += key in _INTO_INSTANCE
    if isinstance(schema, Mapping) and "x-message" in schema:
        found = (str(schema["x-message"]), depth)
    return found


def _resolve(reference: str) -> Any:
    """A schema part by its local reference (``#/$defs/...``)."""
    part: Any = HEADER_SCHEMA
    for step in reference.removeprefix("#/").split("/"):
        part = part[step]
    return part


def _line(node: yaml.Node | None, where: Sequence[object], error: ValidationError) -> int:
    """The line (counted from the header's first) of the YAML key or item at ``where``; for
    an unknown key (``propertyNames``), the line of that key."""
    key_node: yaml.Node | None = None
    for step in where:
        key_node, node = _child(node, step)
    if "propertyNames" in error.relative_schema_path:
        key_node, _ = _child(node, error.instance)
    target = key_node or node
    return target.start_mark.line if target is not None else 0


def _child(node: yaml.Node | None, step: object) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of mapping key ``step``, or (``None``, item) of list index."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return None, node.value[step]
    return None, None


def _context(data: Any, where: Sequence[object], error: ValidationError) -> dict[str, str]:
    """The values an ``x-message`` may name: the failing value, its key, the parameter's name
    and type, the allowed values (of an ``enum``) and the parameter types."""
    parameter: Any = {}
    if len(where) >= 2 and where[0] == "parameters" and isinstance(data, dict):
        items = data.get("parameters")
        if isinstance(items, list) and isinstance(where[1], int) and where[1] < len(items):
            parameter = items[where[1]] if isinstance(items[where[1]], dict) else {}
    value = error.validator_value
    allowed = value if error.validator == "enum" and isinstance(value, list) else []
    return {
        "value": str(error.instance)[:80],
        "key": next((str(step) for step in reversed(where) if isinstance(step, str)), ""),
        "name": str(parameter.get("name", "?")),
        "type": str(parameter.get("type", "?")),
        "allowed": ", ".join(str(value) for value in allowed),
        "types": ", ".join(PARAMETER_TYPES),
    }

"""The OpenAPI description of the Strategiescan: the operations ``/scan/{cbs}`` (the page,
with ``?vergelijk=``) and ``/scan/{cbs}.json``, ``.pdf`` and ``.docx``, and the JSON Schema
of the scan document, derived from the dataclasses of :mod:`server.scan.model` (so the
description cannot drift from what :func:`server.scan.document.scan_document` writes). The
texts are gettext messages, written in the reader's language by the ``gettext`` handed in.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from typing import Any, Final

from server.http.media_types import DOCX, HTML, JSON, PDF
from server.messages import N_, NO_DATA, NOT_MODIFIED, Gettext, translated
from server.scan import model

__all__ = ["scan_paths", "scan_schemas"]

_SIMPLE: Final[dict[object, dict[str, Any]]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
}
_CBS: Final = {
    "name": "cbs",
    "in": "path",
    "required": True,
    "description": N_("CBS-code van een huidige MRDH-gemeente"),
    "schema": {"type": "string", "pattern": "^gm[0-9]{4}$", "examples": ["gm0503"]},
}
_LANG: Final = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": N_("Taal: nl (standaard) of en"),
    "schema": {"type": "string", "enum": ["nl", "en"], "default": "nl"},
}
_NOT_FOUND: Final = {
    "description": N_(
        "Geen huidige MRDH-gemeente met deze CBS-code; een voormalige gemeente krijgt een "
        "pagina die haar opvolger noemt"
    )
}


def _schema(annotation: object) -> dict[str, Any]:
    """The JSON Schema of a field's type: a dataclass by reference, tuples as arrays,
    ``X | None`` as ``[type, "null"]``."""
    if annotation in _SIMPLE:
        return dict(_SIMPLE[annotation])
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return {"$ref": f"#/components/schemas/Scan{annotation.__name__}"}
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and type(None) in arguments:
        (inner,) = [argument for argument in arguments if argument is not type(None)]
        return {"anyOf": [_schema(inner), {"type": "null"}]}
    if origin is tuple:
        items = [_schema(argument) for argument in arguments if argument is not Ellipsis]
        if Ellipsis in arguments:
            return {"type": "array", "items": items[0]}
        return {
            "type": "array",
            "prefixItems": items,
            "minItems": len(items),
            "maxItems": len(items),
        }
    raise TypeError(f"no JSON Schema for {annotation!r}")


def _object(cls: type, gettext: Gettext) -> dict[str, Any]:
    """The schema of dataclass ``cls``; a field's ``description`` metadata is written in the
    reader's language."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    properties = {}
    for field in fields:
        properties[field.name] = _schema(hints[field.name])
        if "description" in field.metadata:
            properties[field.name]["description"] = gettext(field.metadata["description"])
    return {
        "type": "object",
        "required": [field.name for field in fields],
        "additionalProperties": False,
        "properties": properties,
    }


def scan_schemas(gettext: Gettext) -> dict[str, Any]:
    """The component schemas: ``ScanDocument`` and one ``Scan<Class>`` per dataclass."""
    found = (getattr(model, name) for name in model.__all__ if name != "Scan")
    classes = [cls for cls in found if isinstance(cls, type) and dataclasses.is_dataclass(cls)]
    schemas = {f"Scan{cls.__name__}": _object(cls, gettext) for cls in classes}
    document = _object(model.Scan, gettext)
    document["required"] = ["url", "examples", *document["required"]]
    document["properties"] = {
        "url": {"type": "string", "format": "uri"},
        "examples": {
            "type": "boolean",
            "description": gettext("Of de scan verzonnen voorbeelden bevat"),
        },
        **document["properties"],
    }
    schemas["ScanDocument"] = document
    return schemas


def _operation(
    gettext: Gettext,
    operation_id: str,
    summary: str,
    media_type: str,
    schema: dict[str, Any],
    *extra: dict[str, Any],
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": ["scan"],
            "parameters": [translated(_CBS, gettext), translated(_LANG, gettext), *extra],
            "responses": {
                "200": {"description": summary, "content": {media_type: {"schema": schema}}},
                "304": {"description": gettext(NOT_MODIFIED)},
                "400": {"description": gettext("Een onbekende taal of vergelijk-waarde")},
                "404": translated(_NOT_FOUND, gettext),
                "503": {"description": gettext(NO_DATA)},
            },
        }
    }


def scan_paths(members: Sequence[str], gettext: Gettext) -> dict[str, Any]:
    """The paths of the scan: the page and its three downloads; ``members`` are the CBS codes
    of the current MRDH members, the values ``vergelijk`` takes."""
    binary = {"type": "string", "format": "binary"}
    compare = {
        "name": "vergelijk",
        "in": "query",
        "required": False,
        "description": gettext("Zet een tweede gemeente ernaast"),
        "schema": {"type": "string", "enum": sorted(members)},
    }
    return {
        "/scan/{cbs}": _operation(
            gettext,
            "scanPage",
            gettext("De Strategiescan"),
            HTML,
            {"type": "string"},
            compare,
        ),
        "/scan/{cbs}.json": _operation(
            gettext,
            "scanDocument",
            gettext("De hele scan als JSON"),
            JSON,
            {"$ref": "#/components/schemas/ScanDocument"},
        ),
        "/scan/{cbs}.pdf": _operation(gettext, "scanPdf", gettext("De scan als PDF"), PDF, binary),
        "/scan/{cbs}.docx": _operation(
            gettext, "scanWord", gettext("De scan als Word-document"), DOCX, binary
        ),
    }

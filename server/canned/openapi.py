"""The OpenAPI 3.1 description of the canned queries, generated from their ``#+`` headers.

One ``GET`` operation per canned query (``/queries/<name>``) with a typed query parameter per
declared parameter: ``iri`` and ``concept`` parameters are strings with an ``enum`` of the
allowed IRIs (from the graph: the instances of the class, the concepts of the scheme),
``integer`` with its bounds, ``date`` as ``format: date`` (each type's schema is the header
schema's, :data:`server.canned.schema.VALUE_SCHEMAS`), a parameter that takes several
values an ``array`` (repeat the name: ``?status=a&status=b``). Each operation lists its
responses: SPARQL 1.1 Query Results JSON with the query's own columns, CSV, HTML and, for a
query that returns geometries, GeoJSON; 304 for a matching ``If-None-Match``; 400 naming the
wrong parameter. ``/queries`` (the list) is described too.

The enums come from the data, so the document belongs to a data version
(``info.x-data-version``); :func:`openapi_document` is a plain function of the queries and
their choices.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from server.canned.query import EXAMPLE_COLUMN, CannedQuery, Choice, Parameter
from server.canned.schema import VALUE_SCHEMAS
from server.http.media_types import CSV, GEOJSON, HTML, JSON, SPARQL_JSON

__all__ = ["OPENAPI_VERSION", "openapi_document", "operation_id"]

OPENAPI_VERSION: Final = "3.1.0"


def operation_id(name: str) -> str:
    """The operation id of a query: its name in lowerCamelCase (``waardeketen-matrix`` →
    ``waardeketenMatrix``)."""
    first, *rest = name.split("-")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _texts(nl: str, en: str) -> str:
    return nl if not en or en == nl else f"{nl}\n\n*{en}*"


def _value_schema(parameter: Parameter, choices: Sequence[Choice]) -> dict[str, Any]:
    """The schema of one value: the header schema's for the type (``$defs/value``, so the
    two cannot drift), with the allowed IRIs (``enum``) or the integer bounds added."""
    schema: dict[str, Any] = copy.deepcopy(dict(VALUE_SCHEMAS[parameter.type]))
    if parameter.has_choices and choices:
        schema["enum"] = [str(choice.value) for choice in choices]
        # Labels next to the enum (a widely used extension; Swagger UI shows the enum).
        schema["x-enum-labels"] = [choice.label_in("nl") for choice in choices]
    if parameter.minimum is not None:
        schema["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        schema["maximum"] = parameter.maximum
    return schema


def _parameter(parameter: Parameter, choices: Sequence[Choice]) -> dict[str, Any]:
    item = _value_schema(parameter, choices)
    defaults = list(parameter.default_values)
    if parameter.multiple:
        schema: dict[str, Any] = {"type": "array", "items": item, "uniqueItems": True}
        if defaults:
            schema["default"] = defaults
    else:
        schema = item
        if defaults:
            schema["default"] = defaults[0]
    label = parameter.label_in("nl")
    label_en = parameter.label.get("en", "")
    description = label + (f" ({label_en})" if label_en and label_en != label else "")
    if parameter.description_in("nl"):
        description += ". " + _texts(
            parameter.description_in("nl"), parameter.description.get("en", "")
        )
    if parameter.type == "iri":
        description += f"\n\nEen instantie van (an instance of) <{parameter.class_iri}>."
        if parameter.members == "current":
            description += " Alleen huidige leden van de MRDH (only current members of MRDH)."
    elif parameter.type == "concept":
        description += f"\n\nEen begrip uit (a concept of) <{parameter.scheme}>."
    if parameter.has_choices:
        description += " De laatste padstap volstaat ook (the last path segment will do)."
    result: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": description,
        "schema": schema,
    }
    if parameter.multiple:
        result["style"] = "form"
        result["explode"] = True
    return result


def _column_schema(query: CannedQuery, name: str) -> dict[str, Any]:
    """One column of the answer: an RDF term, titled with the column's label (Dutch, with the
    English one in the description); the example marker says what it means."""
    schema: dict[str, Any] = {
        "$ref": "#/components/schemas/RdfTerm",
        "title": query.column_label(name, "nl"),
        "description": _texts(query.column_label(name, "nl"), query.column_label(name, "en")),
    }
    if name == EXAMPLE_COLUMN:
        schema["description"] += "\n\n" + _texts(
            "Een xsd:boolean: true als de rij een verzonnen voorbeeld betreft (rg:isExample), "
            "zodat zij zonder de voorbeelden niet (zo) in het antwoord zou staan.",
            "An xsd:boolean: true when the row involves an invented example (rg:isExample), "
            "so that without the examples it would not be in the answer (as it is).",
        )
    return schema


def _result_schema(query: CannedQuery) -> dict[str, Any]:
    """SPARQL JSON results with exactly this query's columns, titled with their labels."""
    binding: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if query.variables:
        binding["properties"] = {name: _column_schema(query, name) for name in query.variables}
    else:
        binding["additionalProperties"] = {"$ref": "#/components/schemas/RdfTerm"}
    vars_schema: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
    if query.variables:
        vars_schema["items"]["enum"] = list(query.variables)
    return {
        "type": "object",
        "required": ["head", "results"],
        "properties": {
            "head": {
                "type": "object",
                "required": ["vars"],
                "properties": {"vars": vars_schema},
            },
            "results": {
                "type": "object",
                "required": ["bindings"],
                "properties": {"bindings": {"type": "array", "items": binding}},
            },
        },
    }


def _component_name(query: CannedQuery) -> str:
    return "Result_" + re.sub(r"[^A-Za-z0-9]", "_", query.name)


def _operation(
    query: CannedQuery, choices: Callable[[Parameter], Sequence[Choice]]
) -> dict[str, Any]:
    content: dict[str, Any] = {
        SPARQL_JSON: {"schema": {"$ref": f"#/components/schemas/{_component_name(query)}"}},
        CSV: {"schema": {"type": "string"}},
        HTML: {"schema": {"type": "string"}},
    }
    if query.has_geometry:
        content[GEOJSON] = {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
    formats = ".json, .csv" + (", .geojson" if query.has_geometry else "")
    description = _texts(query.description_in("nl"), query.description.get("en", ""))
    description += (
        f"\n\nOok als `/queries/{query.name}` + {formats} "
        f"(also by file extension). Weergave (view): {query.view}."
    )
    return {
        "operationId": operation_id(query.name),
        "summary": query.title_in("nl"),
        "description": description,
        "tags": [query.tags[0] if query.tags else "vragen"],
        "parameters": [_parameter(parameter, choices(parameter)) for parameter in query.parameters],
        "responses": {
            "200": {
                "description": "Het antwoord (the answer)",
                "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                "content": content,
            },
            "304": {"description": "Niet gewijzigd (not modified: If-None-Match matched)"},
            "400": {
                "description": "Een parameter heeft een verkeerde waarde (a wrong parameter value)",
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "406": {"description": "Dit formaat kan niet (this format is not available)"},
            "503": {"description": "Er zijn (nog) geen gegevens (no data has been built)"},
        },
    }


_COMPONENTS: Final[dict[str, Any]] = {
    "RdfTerm": {
        "type": "object",
        "description": "An RDF term in SPARQL 1.1 Query Results JSON (§3.2.2).",
        "required": ["type", "value"],
        "properties": {
            "type": {"type": "string", "enum": ["uri", "literal", "bnode"]},
            "value": {"type": "string"},
            "datatype": {"type": "string", "format": "iri"},
            "xml:lang": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "parameter": {"type": "string"},
                },
            }
        },
    },
    "FeatureCollection": {
        "type": "object",
        "description": "RFC 7946 GeoJSON; one feature per row, geometry from ?geometry.",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "geometry": {"type": ["object", "null"]},
                        "properties": {"type": "object"},
                    },
                },
            },
        },
    },
    "QueryList": {
        "type": "object",
        "required": ["queries"],
        "properties": {
            "queries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "title", "description", "parameters"],
                    "properties": {
                        "name": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "url": {"type": "string"},
                        "view": {"type": "string", "enum": ["table", "map", "chart"]},
                        "variables": {"type": "array", "items": {"type": "string"}},
                        "columns": {
                            "type": "array",
                            "description": "Per column: its variable and its label (nl, en).",
                            "items": {
                                "type": "object",
                                "required": ["name", "label"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "label": {
                                        "type": "object",
                                        "properties": {
                                            "nl": {"type": "string"},
                                            "en": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        },
                        "parameters": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "type", "required", "default"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "type": {
                                        "type": "string",
                                        "enum": ["iri", "concept", "string", "integer", "date"],
                                    },
                                    "required": {"type": "boolean"},
                                    "multiple": {"type": "boolean"},
                                    "default": {},
                                },
                            },
                        },
                    },
                },
            }
        },
    },
}


_LIST_OPERATION: Final[dict[str, Any]] = {
    "operationId": "vragen",
    "summary": "Alle vragen (every canned query)",
    "description": "De vragen met hun parameters (the queries and their parameters).",
    "tags": ["vragen"],
    "responses": {
        "200": {
            "description": "De lijst (the list)",
            "content": {
                JSON: {"schema": {"$ref": "#/components/schemas/QueryList"}},
                HTML: {"schema": {"type": "string"}},
            },
        }
    },
}


def openapi_document(
    queries: Iterable[CannedQuery],
    choices: Callable[[Parameter], Sequence[Choice]],
    *,
    api_version: str,
    data_version: str | None,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``queries``; ``choices`` gives the allowed values of a
    parameter (the enum)."""
    queries = list(queries)
    paths: dict[str, Any] = {"/queries": {"get": copy.deepcopy(_LIST_OPERATION)}}
    schemas = dict(_COMPONENTS)
    for query in queries:
        paths[f"/queries/{query.name}"] = {"get": _operation(query, choices)}
        schemas[_component_name(query)] = _result_schema(query)
    tags = sorted({query.tags[0] for query in queries if query.tags} | {"vragen"})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Regiograaf — vragen (canned queries)",
            "version": api_version,
            "summary": "De vragen van de Handreiking Digitale Strategie als API",
            "description": (
                "De vragen van de *Handreiking Digitale Strategie* van de MRDH, beantwoord uit "
                "de Regiograaf. Elke vraag is een bestand in `queries/`; zijn parameters worden "
                "als waarden gebonden, nooit in de vraagtekst geplakt.\n\n*The questions of "
                "the MRDH Digital Strategy Guide, answered from the Regiograaf knowledge graph. "
                "Every query is a file in `queries/`; parameter values are bound, never "
                "spliced into the query text.*"
            ),
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
            "x-data-version": data_version,
        },
        "servers": [{"url": "/", "description": "Deze server (this server)"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": {
                "ETag": {
                    "description": "Per data version, query, arguments and format",
                    "schema": {"type": "string"},
                }
            },
        },
    }

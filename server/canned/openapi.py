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
their choices. It is written in one language: the queries' own texts (title, description,
column and parameter labels) in that language from their headers, the fixed texts as gettext
messages (Dutch msgids, English in the web app's catalog) by the ``gettext`` it is handed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from server.canned.query import EXAMPLE_COLUMN, CannedQuery, Choice, Parameter
from server.canned.schema import VALUE_SCHEMAS
from server.http.media_types import CSV, GEOJSON, HTML, JSON, SPARQL_JSON
from server.messages import N_, NO_DATA, NOT_MODIFIED, Gettext, translated, untranslated

__all__ = ["OPENAPI_VERSION", "openapi_document", "operation_id"]

OPENAPI_VERSION: Final = "3.1.0"


def operation_id(name: str) -> str:
    """The operation id of a query: its name in lowerCamelCase (``waardeketen-matrix`` →
    ``waardeketenMatrix``)."""
    first, *rest = name.split("-")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _value_schema(parameter: Parameter, choices: Sequence[Choice], lang: str) -> dict[str, Any]:
    """The schema of one value: the header schema's for the type (``$defs/value``, so the
    two cannot drift), with the allowed IRIs (``enum``) or the integer bounds added."""
    schema: dict[str, Any] = copy.deepcopy(dict(VALUE_SCHEMAS[parameter.type]))
    if parameter.has_choices and choices:
        schema["enum"] = [str(choice.value) for choice in choices]
        # Labels next to the enum (a widely used extension; Swagger UI shows the enum).
        schema["x-enum-labels"] = [choice.label_in(lang) for choice in choices]
    if parameter.minimum is not None:
        schema["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        schema["maximum"] = parameter.maximum
    return schema


def _parameter_text(parameter: Parameter, lang: str, gettext: Gettext) -> str:
    """The description of a parameter: its label and description from the header, and what
    values it takes."""
    text = parameter.label_in(lang)
    if parameter.description_in(lang):
        text += ". " + parameter.description_in(lang)
    if parameter.type == "iri":
        text += "\n\n" + gettext("Een instantie van <%(klasse)s>.", klasse=parameter.class_iri)
        if parameter.members == "current":
            text += " " + gettext("Alleen huidige leden van de MRDH.")
    elif parameter.type == "concept":
        text += "\n\n" + gettext("Een begrip uit <%(schema)s>.", schema=parameter.scheme)
    if parameter.has_choices:
        text += " " + gettext("De laatste padstap volstaat ook.")
    return text


def _parameter(
    parameter: Parameter, choices: Sequence[Choice], lang: str, gettext: Gettext
) -> dict[str, Any]:
    item = _value_schema(parameter, choices, lang)
    defaults = list(parameter.default_values)
    if parameter.multiple:
        schema: dict[str, Any] = {"type": "array", "items": item, "uniqueItems": True}
        if defaults:
            schema["default"] = defaults
    else:
        schema = item
        if defaults:
            schema["default"] = defaults[0]
    result: dict[str, Any] = {
        "name": parameter.name,
        "in": "query",
        "required": parameter.required,
        "description": _parameter_text(parameter, lang, gettext),
        "schema": schema,
    }
    if parameter.multiple:
        result["style"] = "form"
        result["explode"] = True
    return result


def _column_schema(query: CannedQuery, name: str, lang: str, gettext: Gettext) -> dict[str, Any]:
    """One column of the answer: an RDF term, titled with the column's label; the example
    marker says what it means."""
    schema: dict[str, Any] = {
        "$ref": "#/components/schemas/RdfTerm",
        "title": query.column_label(name, lang),
    }
    if name == EXAMPLE_COLUMN:
        schema["description"] = gettext(
            "Een booleaanse waarde: true als de rij een verzonnen voorbeeld betreft, zodat zij "
            "zonder de voorbeelden niet (zo) in het antwoord zou staan."
        )
    return schema


def _result_schema(query: CannedQuery, lang: str, gettext: Gettext) -> dict[str, Any]:
    """SPARQL JSON results with exactly this query's columns, titled with their labels."""
    binding: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if query.variables:
        binding["properties"] = {
            name: _column_schema(query, name, lang, gettext) for name in query.variables
        }
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


#: The views of a query's answer in words (the same messages as the list of queries).
_VIEWS: Final = {"table": N_("tabel"), "map": N_("kaart"), "chart": N_("grafiek")}


def _component_name(query: CannedQuery) -> str:
    return "Result_" + re.sub(r"[^A-Za-z0-9]", "_", query.name)


def _operation(
    query: CannedQuery,
    choices: Callable[[Parameter], Sequence[Choice]],
    lang: str,
    gettext: Gettext,
) -> dict[str, Any]:
    content: dict[str, Any] = {
        SPARQL_JSON: {"schema": {"$ref": f"#/components/schemas/{_component_name(query)}"}},
        CSV: {"schema": {"type": "string"}},
        HTML: {"schema": {"type": "string"}},
    }
    if query.has_geometry:
        content[GEOJSON] = {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
    how = gettext(
        "Ook als %(pad)s met de extensie %(extensies)s. Weergave: %(weergave)s.",
        pad="`/queries/" + query.name + "`",
        extensies=".json, .csv" + (", .geojson" if query.has_geometry else ""),
        weergave=gettext(_VIEWS[query.view]),
    )
    description = query.description_in(lang) + "\n\n" + how
    return {
        "operationId": operation_id(query.name),
        "summary": query.title_in(lang),
        "description": description.strip(),
        "tags": [query.tags[0] if query.tags else "vragen"],
        "parameters": [
            _parameter(parameter, choices(parameter), lang, gettext)
            for parameter in query.parameters
        ],
        "responses": {
            "200": {
                "description": gettext("Het antwoord"),
                "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                "content": content,
            },
            "304": {"description": gettext(NOT_MODIFIED)},
            "400": {
                "description": gettext("Een parameter heeft een verkeerde waarde"),
                "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
            "406": {"description": gettext("Dit formaat kan niet")},
            "503": {"description": gettext(NO_DATA)},
        },
    }


_COMPONENTS: Final[dict[str, Any]] = {
    "RdfTerm": {
        "type": "object",
        "description": N_("Een RDF-term in SPARQL 1.1 Query Results JSON (§3.2.2)."),
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
        "description": N_("GeoJSON (RFC 7946): één feature per rij, met de geometrie van de rij."),
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
                            "description": N_("Per kolom: haar variabele en haar label (nl, en)."),
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
    "summary": N_("Alle vragen"),
    "description": N_("De vragen met hun parameters."),
    "tags": ["vragen"],
    "responses": {
        "200": {
            "description": N_("De lijst"),
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
    lang: str = "nl",
    gettext: Gettext = untranslated,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document for ``queries`` in ``lang`` (the fixed texts by ``gettext``,
    which must write that language); ``choices`` gives the allowed values of a parameter (the
    enum)."""
    queries = list(queries)
    paths: dict[str, Any] = {"/queries": {"get": translated(_LIST_OPERATION, gettext)}}
    schemas = translated(_COMPONENTS, gettext)
    for query in queries:
        paths[f"/queries/{query.name}"] = {"get": _operation(query, choices, lang, gettext)}
        schemas[_component_name(query)] = _result_schema(query, lang, gettext)
    tags = sorted({query.tags[0] for query in queries if query.tags} | {"vragen"})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": gettext("Regiograaf — vragen"),
            "version": api_version,
            "summary": gettext("De vragen van de Handreiking Digitale Strategie als API"),
            "description": gettext(
                "De vragen van de *Handreiking Digitale Strategie* van de MRDH, beantwoord uit "
                "de Regiograaf. Elke vraag is een bestand in `queries/`; zijn parameters worden "
                "als waarden gebonden, nooit in de vraagtekst geplakt."
            ),
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
            "x-data-version": data_version,
        },
        "servers": [{"url": "/", "description": gettext("Deze server")}],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": {
                "ETag": {
                    "description": gettext("Per gegevensversie, vraag, argumenten en formaat"),
                    "schema": {"type": "string"},
                }
            },
        },
    }

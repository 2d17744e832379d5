"""The OpenAPI description of the search: ``/zoeken`` (the page, or JSON by ``Accept``) and
``/zoeken.json``, with the JSON Schema of the answer (what
:func:`server.web.search.document` writes), its texts written by the ``gettext`` handed in."""

from __future__ import annotations

from typing import Any, Final

from server.http.media_types import HTML, JSON, TEXT
from server.messages import NO_DATA, NOT_MODIFIED, Gettext
from server.search.kinds import KINDS
from server.search.query import MAX_RESULTS
from server.search.text import MAX_CHARACTERS

__all__ = ["TAG", "search_paths", "search_schemas"]

#: The tag of the search operations.
TAG: Final = "zoeken"

_NULLABLE_STRING: Final = {"type": ["string", "null"]}


def _parameters(q_required: bool, gettext: Gettext) -> list[dict[str, Any]]:
    return [
        {
            "name": "q",
            "in": "query",
            "required": q_required,
            "description": gettext(
                "De zoekwoorden; alle moeten voorkomen, hoofdletters en accenten maken niet uit"
            ),
            "schema": {
                "type": "string",
                "maxLength": MAX_CHARACTERS,
                "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
                "examples": ["zoetermeer", "digitale tweeling"],
            },
        },
        {
            "name": "soort",
            "in": "query",
            "required": False,
            "description": gettext("Alleen deze soort"),
            "schema": {"type": "string", "enum": list(KINDS)},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": gettext("Hoeveel resultaten hooguit; standaard 50"),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS, "default": 50},
        },
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": gettext("Taal van namen en beschrijvingen: nl (standaard) of en"),
            "schema": {"type": "string", "enum": ["nl", "en"], "default": "nl"},
        },
    ]


def _hit_schema(gettext: Gettext) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "iri",
            "kind",
            "kind_label",
            "label",
            "description",
            "url",
            "example",
            "former",
            "cbs",
            "rank",
        ],
        "properties": {
            "iri": {"type": "string", "format": "iri"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "kind_label": {"type": "string", "description": gettext("De soort in woorden")},
            "label": {"type": "string"},
            "description": {"type": "string", "description": gettext("Begin van de beschrijving")},
            "url": {"type": ["string", "null"], "format": "uri"},
            "example": {"type": "boolean", "description": gettext("Verzonnen voorbeeld")},
            "former": {"type": "boolean", "description": gettext("Voormalige gemeente")},
            "cbs": _NULLABLE_STRING,
            "rank": {
                "type": "integer",
                "minimum": 0,
                "maximum": 3,
                "description": gettext(
                    "0 naam gelijk, 1 naam begint ermee, 2 alle woorden in de naam, "
                    "3 in de beschrijving"
                ),
            },
        },
    }


def _result_schema() -> dict[str, Any]:
    counts = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "q",
            "lang",
            "words",
            "dropped_words",
            "kind",
            "total",
            "more",
            "counts",
            "kinds",
            "results",
        ],
        "properties": {
            "q": {"type": "string"},
            "lang": {"type": "string", "enum": ["nl", "en"]},
            "words": {"type": "array", "items": {"type": "string"}},
            "dropped_words": {"type": "integer", "minimum": 0},
            "kind": {"type": ["string", "null"]},
            "total": {"type": "integer", "minimum": 0},
            "more": {"type": "boolean"},
            "counts": counts,
            "kinds": {"type": "object", "additionalProperties": {"type": "string"}},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
        },
    }


def search_schemas(gettext: Gettext) -> dict[str, Any]:
    """The component schemas ``SearchResult`` and ``SearchHit``."""
    return {"SearchResult": _result_schema(), "SearchHit": _hit_schema(gettext)}


def _responses(content: dict[str, Any], gettext: Gettext) -> dict[str, Any]:
    error = {JSON: {"schema": {"type": "object"}}}
    return {
        "200": {"description": gettext("De resultaten"), "content": content},
        "304": {"description": gettext(NOT_MODIFIED)},
        "400": {
            "description": gettext(
                "Een zoekvraag die te lang is of stuurtekens bevat, of een parameter die niet "
                "past. Een onbekende taal weigert de site al vóór de zoekpagina: als tekst, "
                "tenzij de client om HTML of JSON vraagt."
            ),
            "content": {
                **error,
                HTML: {"schema": {"type": "string"}},
                TEXT: {"schema": {"type": "string"}},
            },
        },
        "503": {"description": gettext(NO_DATA)},
    }


def search_paths(gettext: Gettext) -> dict[str, Any]:
    """The paths ``/zoeken`` and ``/zoeken.json``."""
    answer = {"$ref": "#/components/schemas/SearchResult"}
    page = _responses({HTML: {"schema": {"type": "string"}}, JSON: {"schema": answer}}, gettext)
    page["406"] = {"description": gettext("Geen HTML of JSON aanvaard")}
    return {
        "/zoeken": {
            "get": {
                "operationId": "zoekenPagina",
                "summary": gettext("Zoeken: de pagina, of JSON met Accept"),
                "tags": [TAG],
                "parameters": _parameters(False, gettext),
                "responses": page,
            }
        },
        "/zoeken.json": {
            "get": {
                "operationId": "zoeken",
                "summary": gettext(
                    "Zoeken in projecten, doelen, strategieën, bouwstenen en gemeenten"
                ),
                "tags": [TAG],
                "parameters": _parameters(True, gettext),
                "responses": _responses({JSON: {"schema": answer}}, gettext),
            }
        },
    }

"""The OpenAPI description of the search: ``/zoeken`` (the page, or JSON by ``Accept``) and
``/zoeken.json``, with the JSON Schema of the answer (what
:func:`server.web.search.document` writes)."""

from __future__ import annotations

from typing import Any, Final

from server.http.media_types import HTML, JSON, TEXT
from server.search.kinds import KINDS
from server.search.query import MAX_RESULTS
from server.search.text import MAX_CHARACTERS

__all__ = ["TAG", "search_paths", "search_schemas"]

#: The tag of the search operations.
TAG: Final = "zoeken"

_NULLABLE_STRING: Final = {"type": ["string", "null"]}


def _parameters(q_required: bool) -> list[dict[str, Any]]:
    return [
        {
            "name": "q",
            "in": "query",
            "required": q_required,
            "description": (
                "De zoekwoorden; alle moeten voorkomen, hoofdletters en accenten maken niet uit "
                "(the search words; all must occur, case and accents do not matter)"
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
            "description": "Alleen deze soort (only this kind)",
            "schema": {"type": "string", "enum": list(KINDS)},
        },
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Hoeveel resultaten hooguit (at most this many hits); standaard 50",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RESULTS, "default": 50},
        },
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "Taal van namen en beschrijvingen (language): nl (standaard) of en",
            "schema": {"type": "string", "enum": ["nl", "en"], "default": "nl"},
        },
    ]


def _hit_schema() -> dict[str, Any]:
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
            "kind_label": {"type": "string", "description": "De soort in woorden (the kind)"},
            "label": {"type": "string"},
            "description": {"type": "string", "description": "Begin van de beschrijving"},
            "url": {"type": ["string", "null"], "format": "uri"},
            "example": {"type": "boolean", "description": "Verzonnen voorbeeld (invented)"},
            "former": {"type": "boolean", "description": "Voormalige gemeente (former member)"},
            "cbs": _NULLABLE_STRING,
            "rank": {
                "type": "integer",
                "minimum": 0,
                "maximum": 3,
                "description": (
                    "0 naam gelijk, 1 naam begint ermee, 2 alle woorden in de naam, "
                    "3 in de beschrijving (0 label equal, 1 label starts with it, 2 all words "
                    "in the label, 3 in the description)"
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


def search_schemas() -> dict[str, Any]:
    """The component schemas ``SearchResult`` and ``SearchHit``."""
    return {"SearchResult": _result_schema(), "SearchHit": _hit_schema()}


def _responses(content: dict[str, Any]) -> dict[str, Any]:
    error = {JSON: {"schema": {"type": "object"}}}
    return {
        "200": {"description": "De resultaten (the hits)", "content": content},
        "304": {"description": "Niet gewijzigd (not modified: If-None-Match matched)"},
        "400": {
            "description": (
                "Een zoekvraag die te lang is of stuurtekens bevat, of een parameter die niet "
                "past (a search too long or with control characters, or a bad parameter). Een "
                "onbekende taal weigert de site al vóór de zoekpagina: als tekst, tenzij de "
                "client om HTML of JSON vraagt (an unknown lang= is refused by the site before "
                "the search page: plain text unless the client asks for HTML or JSON)"
            ),
            "content": {
                **error,
                HTML: {"schema": {"type": "string"}},
                TEXT: {"schema": {"type": "string"}},
            },
        },
        "503": {"description": "Er zijn (nog) geen gegevens (no data has been built)"},
    }


def search_paths() -> dict[str, Any]:
    """The paths ``/zoeken`` and ``/zoeken.json``."""
    answer = {"$ref": "#/components/schemas/SearchResult"}
    page = _responses({HTML: {"schema": {"type": "string"}}, JSON: {"schema": answer}})
    page["406"] = {"description": "Geen HTML of JSON aanvaard (neither HTML nor JSON accepted)"}
    return {
        "/zoeken": {
            "get": {
                "operationId": "zoekenPagina",
                "summary": "Zoeken: de pagina, of JSON met Accept (search: the page, or JSON)",
                "tags": [TAG],
                "parameters": _parameters(q_required=False),
                "responses": page,
            }
        },
        "/zoeken.json": {
            "get": {
                "operationId": "zoeken",
                "summary": "Zoeken in projecten, doelen, strategieën, bouwstenen en gemeenten "
                "(search projects, goals, strategies, building blocks and municipalities)",
                "tags": [TAG],
                "parameters": _parameters(q_required=True),
                "responses": _responses({JSON: {"schema": answer}}),
            }
        },
    }

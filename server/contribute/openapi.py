"""The write path and the validation API in the OpenAPI 3.1 document (``/openapi.json``):
``POST /bijdragen/valideren``, ``/graph-store`` and ``/feed``, and the schema of the
validation report (:mod:`server.build.reports`, JSON ``version`` 1)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

__all__ = ["TAG", "paths", "schemas"]

#: The tag of these operations.
TAG = "bijdragen"

_TEXTS = {"nl", "en"}
_BILINGUAL = {
    "type": "object",
    "properties": {lang: {"type": "string"} for lang in sorted(_TEXTS)},
}
_FINDING = {
    "type": "object",
    "required": ["line", "focus", "shape", "severity", "message", "hint"],
    "properties": {
        "line": {"type": ["integer", "null"], "description": "Regel (line), 1-based"},
        "focus": {"type": "string"},
        "label": {"type": ["string", "null"]},
        "shape": {"type": "string", "description": "Regel-ID (rule IRI)"},
        "component": {"type": "string"},
        "path": {"type": ["string", "null"]},
        "value": {"type": ["string", "null"]},
        "severity": {"enum": ["Violation", "Warning", "Info"]},
        "message": {"type": "string"},
        "hint": {"type": "string"},
        "messages": _BILINGUAL,
        "hints": _BILINGUAL,
    },
}
_REPORT = {
    "type": "object",
    "description": "Het rapport van `regiograaf validate --format json` (the validation report)",
    "required": ["version", "conforms", "lang", "summary", "files"],
    "properties": {
        "version": {"const": 1},
        "conforms": {"type": "boolean"},
        "lang": {"enum": ["nl", "en"]},
        "summary": {
            "type": "object",
            "properties": {
                name: {"type": "integer"}
                for name in (
                    "files",
                    "conforming",
                    "syntax_errors",
                    "violations",
                    "warnings",
                    "infos",
                )
            },
        },
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "conforms": {"type": "boolean"},
                    "syntax_error": {
                        "type": ["object", "null"],
                        "properties": {
                            "line": {"type": "integer"},
                            "column": {"type": "integer"},
                            "message": {"type": "string"},
                            "messages": _BILINGUAL,
                        },
                    },
                    "findings": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Melding"},
                    },
                },
            },
        },
    },
}
_REPORT_CONTENT = {
    "application/json": {"schema": {"$ref": "#/components/schemas/Validatierapport"}},
    "text/plain": {"schema": {"type": "string"}},
    "application/sarif+json": {"schema": {"type": "object"}},
}
_TURTLE_BODY = {
    "required": True,
    "content": {
        "text/turtle": {"schema": {"type": "string", "minLength": 1}},
        "application/n-triples": {"schema": {"type": "string", "minLength": 1}},
    },
}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Taal van de meldingen (language of the messages)",
    "schema": {"enum": ["nl", "en"], "default": "nl"},
}
# The protocol names a graph by ?graph=<iri> or the default graph by ?default (exactly one);
# OpenAPI cannot say "one of two", so the document declares ?graph, and ?default is described.
_GRAPH = {
    "name": "graph",
    "in": "query",
    "required": True,
    "description": "IRI van de graaf (graph IRI)",
    "schema": {"type": "string", "format": "iri"},
}


def _error(text: str) -> dict[str, Any]:
    return {"description": text}


def _write(operation_id: str, summary: str, *, body: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [TAG],
        "operationId": operation_id,
        "summary": summary,
        "security": [{"sleutel": []}],
        "parameters": [copy.deepcopy(_GRAPH), copy.deepcopy(_LANG)],
        "responses": {
            "200": _error("Aanvaard en gebouwd (accepted and served)"),
            "400": {"description": "Syntaxfout (syntax error)", "content": _REPORT_CONTENT},
            "401": _error("Geen of ongeldige sleutel (no or invalid token)"),
            "403": _error("Sleutel van een andere organisatie, of geen bijdragegraaf"),
            "405": _error("Standaardgraaf, of deze server neemt geen bijdragen aan"),
            "412": _error("If-Match of If-None-Match klopt niet (precondition failed)"),
            "422": {"description": "Fouten (violations)", "content": _REPORT_CONTENT},
            "429": _error("Te veel mislukte pogingen; zie Retry-After"),
        },
    }
    if body:
        operation["requestBody"] = copy.deepcopy(_TURTLE_BODY)
        operation["responses"]["201"] = _error("Nieuwe graaf (created)")
        operation["responses"]["413"] = _error("Te groot (payload too large)")
        operation["responses"]["415"] = _error("Geen Turtle of N-Triples")
    else:
        operation["responses"]["404"] = _error("Geen graaf onder deze naam")
    return operation


def paths(organisations: Sequence[str]) -> dict[str, Any]:  # long: one literal table
    """The operations of the write path, the validation API and the feed; ``organisations``
    are the codes of the organisations that may contribute (``gm0599``, ``mrdh``, ...)."""
    graph_types = {
        media: {"schema": {"type": "string"}}
        for media in ("text/turtle", "application/n-triples", "application/ld+json")
    }
    return {
        "/bijdragen/valideren": {
            "post": {
                "tags": [TAG],
                "operationId": "valideren",
                "summary": "Een bijdrage controleren zonder haar op te slaan (validate)",
                "parameters": [
                    {
                        "name": "gemeente",
                        "in": "query",
                        "required": False,
                        "description": "Code van de organisatie (gm0599, mrdh, pv28): controleer "
                        "ook het eigendom (also check ownership)",
                        "schema": {"type": "string", "enum": sorted(organisations)},
                    },
                    {
                        "name": "naam",
                        "in": "query",
                        "required": False,
                        "description": "Naam van het bestand in de map van de organisatie",
                        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,79}$"},
                    },
                    copy.deepcopy(_LANG),
                ],
                "requestBody": copy.deepcopy(_TURTLE_BODY),
                "responses": {
                    "200": {"description": "Het rapport (the report)", "content": _REPORT_CONTENT},
                    "400": _error("Onbekende organisatie of naam"),
                    "413": _error("Te groot (payload too large)"),
                    "415": _error("Geen Turtle of N-Triples"),
                },
            }
        },
        "/graph-store": {
            "get": {
                "tags": [TAG],
                "operationId": "grafenLezen",
                "summary": "Een graaf lezen (SPARQL 1.1 Graph Store Protocol, GET)",
                "description": "`?graph=<iri>` leest één graaf; `?default` (in plaats van "
                "graph) de standaardgraaf (`?default` instead of graph: the default graph).",
                "parameters": [copy.deepcopy(_GRAPH)],
                "responses": {
                    "200": {"description": "De graaf (the graph)", "content": graph_types},
                    "400": _error("Geen of twee grafen genoemd"),
                    "404": _error("Geen graaf onder deze naam"),
                },
            },
            "put": _write("graafVervangen", "Een bijdragegraaf vervangen (replace)", body=True),
            "post": _write("graafAanvullen", "Aan een bijdragegraaf toevoegen (merge)", body=True),
            "delete": _write(
                "graafVerwijderen", "Een bijdragegraaf verwijderen (delete)", body=False
            ),
        },
        "/feed": {
            "get": {
                "tags": [TAG],
                "operationId": "wijzigingen",
                "summary": "De wijzigingen als Linked Data Event Stream (LDES, TREE)",
                "responses": {"200": {"description": "De wortel", "content": graph_types}},
            }
        },
    }


def schemas() -> dict[str, Any]:
    """The schemas :func:`paths` refers to, and the token's security scheme."""
    return {"Validatierapport": copy.deepcopy(_REPORT), "Melding": copy.deepcopy(_FINDING)}


SECURITY = {
    "sleutel": {
        "type": "http",
        "scheme": "bearer",
        "description": "Schrijfsleutel van een organisatie (regiograaf token add)",
    }
}

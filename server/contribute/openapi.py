"""The write path and the validation API in the OpenAPI 3.1 document (``/openapi.json``):
``POST /bijdragen/valideren``, ``/graph-store`` and ``/feed``, and the schema of the
validation report (:mod:`server.build.reports`, JSON ``version`` 1). The texts are gettext
messages (marked with ``N_`` in the constants), written by the ``gettext`` handed in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.messages import N_, Gettext, translated

__all__ = ["TAG", "paths", "schemas", "security"]

#: The tag of these operations.
TAG = "bijdragen"
#: Texts of several answers.
TOO_LARGE = N_("Te groot")
NOT_TURTLE = N_("Geen Turtle of N-Triples")
NO_GRAPH = N_("Geen graaf onder deze naam")

_LANGUAGES = {"nl", "en"}
_BILINGUAL = {
    "type": "object",
    "properties": {lang: {"type": "string"} for lang in sorted(_LANGUAGES)},
}
_FINDING = {
    "type": "object",
    "required": ["line", "focus", "shape", "severity", "message", "hint"],
    "properties": {
        "line": {"type": ["integer", "null"], "description": N_("Regelnummer, vanaf 1")},
        "focus": {"type": "string"},
        "label": {"type": ["string", "null"]},
        "shape": {"type": "string", "description": N_("IRI van de regel")},
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
    "description": N_("Het rapport van `regiograaf validate --format json`"),
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
    "description": N_("Taal van de meldingen"),
    "schema": {"enum": ["nl", "en"], "default": "nl"},
}
# The protocol names a graph by ?graph=<iri> or the default graph by ?default (exactly one);
# OpenAPI cannot say "one of two", so the document declares ?graph, and ?default is described.
_GRAPH = {
    "name": "graph",
    "in": "query",
    "required": True,
    "description": N_("IRI van de graaf"),
    "schema": {"type": "string", "format": "iri"},
}


def _write(operation_id: str, summary: str, gettext: Gettext, *, body: bool) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [TAG],
        "operationId": operation_id,
        "summary": summary,
        "security": [{"sleutel": []}],
        "parameters": [translated(_GRAPH, gettext), translated(_LANG, gettext)],
        "responses": {
            "200": {"description": gettext("Aanvaard en gebouwd")},
            "400": {"description": gettext("Syntaxfout"), "content": _REPORT_CONTENT},
            "401": {"description": gettext("Geen of ongeldige sleutel")},
            "403": {
                "description": gettext("Sleutel van een andere organisatie, of geen bijdragegraaf")
            },
            "405": {
                "description": gettext("Standaardgraaf, of deze server neemt geen bijdragen aan")
            },
            "412": {"description": gettext("If-Match of If-None-Match klopt niet")},
            "422": {"description": gettext("Fouten"), "content": _REPORT_CONTENT},
            "429": {"description": gettext("Te veel mislukte pogingen; zie Retry-After")},
        },
    }
    if body:
        operation["requestBody"] = translated(_TURTLE_BODY, gettext)
        operation["responses"]["201"] = {"description": gettext("Nieuwe graaf")}
        operation["responses"]["413"] = {"description": gettext(TOO_LARGE)}
        operation["responses"]["415"] = {"description": gettext(NOT_TURTLE)}
    else:
        operation["responses"]["404"] = {"description": gettext(NO_GRAPH)}
    return operation


def paths(organisations: Sequence[str], gettext: Gettext) -> dict[str, Any]:  # long: one table
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
                "summary": gettext("Een bijdrage controleren zonder haar op te slaan"),
                "parameters": [
                    {
                        "name": "gemeente",
                        "in": "query",
                        "required": False,
                        "description": gettext(
                            "Code van de organisatie (gm0599, mrdh, pv28): controleer ook het "
                            "eigendom"
                        ),
                        "schema": {"type": "string", "enum": sorted(organisations)},
                    },
                    {
                        "name": "naam",
                        "in": "query",
                        "required": False,
                        "description": gettext("Naam van het bestand in de map van de organisatie"),
                        "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,79}$"},
                    },
                    translated(_LANG, gettext),
                ],
                "requestBody": translated(_TURTLE_BODY, gettext),
                "responses": {
                    "200": {"description": gettext("Het rapport"), "content": _REPORT_CONTENT},
                    "400": {"description": gettext("Onbekende organisatie of naam")},
                    "413": {"description": gettext(TOO_LARGE)},
                    "415": {"description": gettext(NOT_TURTLE)},
                },
            }
        },
        "/graph-store": {
            "get": {
                "tags": [TAG],
                "operationId": "grafenLezen",
                "summary": gettext("Een graaf lezen (SPARQL 1.1 Graph Store Protocol, GET)"),
                "description": gettext(
                    "`?graph=<iri>` leest één graaf; `?default` (in plaats van graph) de "
                    "standaardgraaf."
                ),
                "parameters": [translated(_GRAPH, gettext)],
                "responses": {
                    "200": {"description": gettext("De graaf"), "content": graph_types},
                    "400": {"description": gettext("Geen of twee grafen genoemd")},
                    "404": {"description": gettext(NO_GRAPH)},
                },
            },
            "put": _write(
                "graafVervangen", gettext("Een bijdragegraaf vervangen"), gettext, body=True
            ),
            "post": _write(
                "graafAanvullen", gettext("Aan een bijdragegraaf toevoegen"), gettext, body=True
            ),
            "delete": _write(
                "graafVerwijderen", gettext("Een bijdragegraaf verwijderen"), gettext, body=False
            ),
        },
        "/feed": {
            "get": {
                "tags": [TAG],
                "operationId": "wijzigingen",
                "summary": gettext("De wijzigingen als Linked Data Event Stream (LDES, TREE)"),
                "responses": {"200": {"description": gettext("De wortel"), "content": graph_types}},
            }
        },
    }


def schemas(gettext: Gettext) -> dict[str, Any]:
    """The schemas :func:`paths` refers to."""
    return {
        "Validatierapport": translated(_REPORT, gettext),
        "Melding": translated(_FINDING, gettext),
    }


def security(gettext: Gettext) -> dict[str, Any]:
    """The security scheme of the write path: an organisation's token."""
    return {
        "sleutel": {
            "type": "http",
            "scheme": "bearer",
            "description": gettext("Schrijfsleutel van een organisatie (regiograaf token add)"),
        }
    }

"""``/bijdragen/<code>``: the contribution graphs of one organisation and all their versions.

- ``/bijdragen/<code>`` (HTML; ``.json`` for programs): per graph its versions, newest first:
  when, by whom (the token's name and the organisation), how (PUT, POST, DELETE, or a change
  of the file itself), size, triples, and how many triples were added and removed;
- ``/bijdragen/<code>/<name>/versies/<n>``: what version ``n`` changed, triple by triple;
- ``/bijdragen/<code>/<name>/versies/<n>.ttl``: the content of version ``n``, which never
  changes (restoring it is a PUT of this file to the graph store).

The history is read from the log (:mod:`server.contribute.history`), brought up to date with
the files first when no write is going on.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask.blueprints import BlueprintSetupState
from rdflib import Literal, URIRef
from werkzeug.routing import BaseConverter

from server.build.history import Version
from server.contribute.access import services
from server.contribute.diff import triple_diff
from server.contribute.graphs import ContributionGraph, valid_code
from server.contribute.writes import organisation_iri
from server.errors import NotFound
from server.http.media_types import TURTLE
from server.http.policy import not_modified
from server.messages import N_
from server.web.bijdragen import html_page
from server.web.context import get_settings, get_store, site_url
from server.web.language import language

blueprint = Blueprint("bijdragen_history", __name__)


class _OrganisationCode(BaseConverter):
    """An organisation's code (``gm0599``, ``mrdh``), never ``valideren``: that is the
    validation API (POST only), which must not seem to answer GET too (its ``Allow``)."""

    regex = r"(?!valideren\b)[a-z][a-z0-9-]{1,39}"


@blueprint.record_once
def _add_converter(state: BlueprintSetupState) -> None:
    """Recorded before the routes, so that the converter exists when they are added."""
    state.app.url_map.converters["organisatie"] = _OrganisationCode


#: Versions never change: their content may be kept for a year.
IMMUTABLE = "public, max-age=31536000, immutable"

_LABEL = """\
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?org ?lang ?label WHERE { ?org skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
LIMIT 1"""


def _organisation(code: str) -> tuple[str, str]:
    """The IRI and name of the organisation of folder ``code``; 404 when there is none."""
    iri = organisation_iri(get_settings().root, code) if valid_code(code) else None
    if iri is None:
        raise NotFound.saying(N_("Geen organisatie met de code %(code)s."), code=repr(code))
    rows = (
        get_store().query(_LABEL, bindings={"org": URIRef(iri), "lang": Literal(language())}).rows()
    )
    return iri, str(rows[0]["label"]) if rows else code


def _versions(code: str) -> dict[str, list[Version]]:
    """The versions of every graph of ``code``, by graph name, newest first."""
    contributions = services(get_settings()).contributions
    contributions.sync(blocking=False)
    graphs: dict[str, list[Version]] = {}
    for version in contributions.history.versions():
        if version.code == code:
            graphs.setdefault(version.name, []).insert(0, version)
    return dict(sorted(graphs.items()))


def _version_json(version: Version) -> dict[str, object]:
    return {
        "version": version.number,
        "seq": version.seq,
        "graph": version.graph,
        "sha256": version.sha256,
        "operation": version.operation,
        "at": version.at,
        "organisation": version.organisation,
        "token": version.by,
        "token_name": version.by_name,
        "bytes": version.size,
        "triples": version.triples,
        "added": version.added,
        "removed": version.removed,
        "deleted": version.deleted,
    }


@blueprint.get("/bijdragen/<organisatie:code>")
@blueprint.get("/bijdragen/<organisatie:code>.json")
def organisation_history(code: str) -> Response:
    """The graphs and versions of one organisation (HTML, or JSON for ``.json``)."""
    iri, name = _organisation(code)
    graphs = _versions(code)
    if not request.path.endswith(".json"):
        return html_page(
            "bijdragen_history.html",
            "no-cache",
            code=code,
            organisation=name,
            graphs=graphs,
            site=site_url(),
        )
    response = jsonify(
        organisation=iri,
        code=code,
        graphs=[
            {
                "name": graph,
                "graph": ContributionGraph(code, graph).iri,
                "versions": [_version_json(v) for v in versions],
            }
            for graph, versions in graphs.items()
        ],
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


def _find(code: str, name: str, number: int) -> tuple[Version, Version | None]:
    """Version ``number`` of graph ``name`` of ``code`` and the one before; 404 without it."""
    versions = {v.number: v for v in _versions(code).get(name, [])}
    if number not in versions:
        raise NotFound.saying(
            N_("Geen versie %(number)s van %(name)s."), number=number, name=f"{code}/{name}"
        )
    return versions[number], versions.get(number - 1)


@blueprint.get("/bijdragen/<organisatie:code>/<name>/versies/<int:number>")
def version_diff(code: str, name: str, number: int) -> Response:
    """What version ``number`` added and removed, triple by triple."""
    _organisation(code)
    version, before = _find(code, name, number)
    history = services(get_settings()).contributions.history
    old = history.content(before.sha256) if before and before.sha256 else None
    new = history.content(version.sha256) if version.sha256 else None
    return html_page(
        "bijdragen_versie.html",
        "public, max-age=3600",
        code=code,
        name=name,
        version=version,
        before=before,
        diff=triple_diff(old, new),
    )


@blueprint.get("/bijdragen/<organisatie:code>/<name>/versies/<int:number>.ttl")
def version_content(code: str, name: str, number: int) -> Response:
    """The content of version ``number`` (Turtle); 404 for a deletion."""
    version, _ = _find(code, name, number)
    if version.sha256 is None:
        raise NotFound.saying(N_("Versie %(number)s verwijderde de graaf."), number=number)
    if not_modified(request.method, request.headers.get("If-None-Match"), version.sha256):
        response = Response(status=304)
    else:
        data = services(get_settings()).contributions.history.content(version.sha256)
        response = Response(data, content_type=f"{TURTLE}; charset=utf-8")
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["ETag"] = f'"{version.sha256}"'
    response.headers["Content-Disposition"] = f'inline; filename="{name}-versie-{number}.ttl"'
    return response

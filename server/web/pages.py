"""The home page and ``/health``: what is loaded, in numbers from SPARQL on the store.

The store is opened lazily, once per worker process (:func:`server.store.open_store`), never at
import time; it follows a rebuild on disk without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template

from server.settings import Settings
from server.store import Store, StoreError, StoreMissing, open_store

blueprint = Blueprint("pages", __name__)

_PREFIXES = """\
PREFIX rg: <https://w3id.org/regiograaf/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: The numbers on the home page: name → SPARQL returning one ``?n``.
COUNT_QUERIES: dict[str, str] = {
    "municipalities": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Municipality }",
    "projects": "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Project }",
    "example_projects": (
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Project ; rg:isExample true }"
    ),
    "goals": ("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c . ?c rdfs:subClassOf* rg:Goal }"),
    "example_goals": (
        "SELECT (COUNT(DISTINCT ?x) AS ?n) "
        "WHERE { ?x a ?c ; rg:isExample true . ?c rdfs:subClassOf* rg:Goal }"
    ),
}

#: Goals per level, for the home page.
GOAL_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("MunicipalGoal", "Gemeentelijke doelen", "Municipal goals"),
    ("RegionalGoal", "Regionale doelen", "Regional goals"),
    ("ProvincialGoal", "Provinciale doelen", "Provincial goals"),
    ("NationalGoal", "Nationale doelen", "National goals"),
)

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@dataclass(frozen=True)
class GraphCount:
    """A named graph and its number of triples."""

    iri: str
    triples: int


def settings() -> Settings:
    """The settings of the running app."""
    return current_app.config["REGIOGRAAF"]


def store() -> Store:
    """The read-only store of this worker (opened on first use)."""
    return open_store(settings().store)


def count(sparql: str) -> int:
    """The ``?n`` of a one-row counting query over the union of all graphs."""
    rows = store().query(_PREFIXES + sparql).rows()
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def graph_counts() -> list[GraphCount]:
    """Every named graph with its triple count, sorted by IRI."""
    rows = store().query(GRAPH_COUNTS).rows()
    return [GraphCount(str(row["g"]), int(row["n"])) for row in rows]


def _with_etag(response: Response, version: str | None) -> Response:
    if version:
        response.set_etag(version)
    return response


@blueprint.get("/health")
def health() -> Response:
    """``{"status": "ok", "data_version", "graphs", "triples"}``; 503 when there is no store."""
    current = store()
    try:
        version = current.data_version()
        graphs = current.named_graphs()
        triples = current.count()
    except StoreMissing as error:
        response = jsonify(status="unavailable", error=str(error), data_version=None)
        response.status_code = 503
        return response
    except StoreError as error:
        response = jsonify(status="error", error=str(error), data_version=None)
        response.status_code = 503
        return response
    response = jsonify(status="ok", data_version=version, graphs=len(graphs), triples=triples)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/")
def home() -> Response:
    """The home page: what is loaded (Dutch first, English second)."""
    current = store()
    try:
        version = current.data_version()
        numbers = {name: count(sparql) for name, sparql in COUNT_QUERIES.items()}
        levels = [
            (
                nl,
                en,
                count(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a rg:{name} }}"),
            )
            for name, nl, en in GOAL_LEVELS
        ]
        graphs = graph_counts()
    except StoreMissing:
        html = render_template("unavailable.html")
        return make_response(html, 503)
    except StoreError as error:
        # The details may name paths on the server: they go to the log only.
        current_app.logger.error("The store cannot be read: %s", error)
        html = render_template("unavailable.html", unreadable=True)
        return make_response(html, 503)
    metadata = current.metadata()
    html = render_template(
        "home.html",
        data_version=version,
        generated_at=metadata.get("generated_at"),
        numbers=numbers,
        levels=levels,
        graphs=graphs,
        total=sum(graph.triples for graph in graphs),
    )
    return _with_etag(make_response(html), version)

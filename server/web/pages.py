"""The home page, ``/over`` (what is loaded, in numbers from SPARQL on the store) and
``/health``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, jsonify, make_response, render_template
from flask_babel import LazyString, gettext, lazy_gettext

from server.errors import StoreError, StoreMissing
from server.http.media_types import HTML
from server.rdf.namespaces import sparql_prefixes
from server.scan.compute import current_members
from server.store import Store
from server.web.context import get_settings, get_store
from server.web.language import language
from server.web.policy import answer, representation

blueprint = Blueprint("pages", __name__)

_PREFIXES = sparql_prefixes("rg", "rdfs")

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

#: Goals per level, for ``/over`` (the labels are messages, translated when shown).
GOAL_LEVELS: tuple[tuple[str, LazyString], ...] = (
    ("MunicipalGoal", lazy_gettext("Gemeentelijke doelen")),
    ("RegionalGoal", lazy_gettext("Regionale doelen")),
    ("ProvincialGoal", lazy_gettext("Provinciale doelen")),
    ("NationalGoal", lazy_gettext("Nationale doelen")),
)

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@dataclass(frozen=True)
class GraphCount:
    """A named graph and its number of triples."""

    iri: str
    triples: int


def count(store: Store, sparql: str) -> int:
    """The ``?n`` of a one-row counting query over the union of all graphs."""
    rows = store.query(_PREFIXES + sparql).rows()
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def graph_counts(store: Store) -> list[GraphCount]:
    """Every named graph with its triple count, sorted by IRI."""
    rows = store.query(GRAPH_COUNTS).rows()
    return [GraphCount(str(row["g"]), int(row["n"])) for row in rows]


@blueprint.get("/health")
def health() -> Response:
    """``{"status": "ok", "data_version", "graphs", "triples"}``; 503 with ``"status":
    "unavailable"`` (nothing built) or ``"error"`` (the store cannot be read) and the public
    message of the error (the details, which may name server paths, go to the log)."""
    store = get_store()
    try:
        version = store.data_version()
        graphs = store.named_graphs()
        triples = store.count()
    except StoreError as error:  # a health check reports the error as its content
        if error.logged:
            current_app.logger.error("/health: %s", error)
        status = "unavailable" if isinstance(error, StoreMissing) else "error"
        response = jsonify(status=status, error=error.message_in(gettext), data_version=None)
        response.status_code = error.status
    else:
        response = jsonify(status="ok", data_version=version, graphs=len(graphs), triples=triples)
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.get("/")
def home() -> Response:
    """The home page for people: choose your municipality, search, the questions people come
    with, and what Regiograaf is."""
    chosen = representation(HTML)
    return answer(chosen, _home_page)


def _home_page() -> Response:
    html = render_template(
        "home.html",
        members=current_members(get_store(), get_settings(), language()),
        questions=questions(),
    )
    return make_response(html)


def questions() -> list[tuple[str, str, str]]:
    """The questions people come with: (link, question, where the answer is), in the
    request's language."""
    return [
        (
            "/queries/waardeketen-gaten",
            gettext(
                "Waar heeft mijn gemeente nog niets, terwijl andere gemeenten wel projecten hebben?"
            ),
            gettext("De gaten in de waardeketen, per gemeente; in de Strategiescan onder Gaten."),
        ),
        (
            "/queries/lerende-partners",
            gettext("Van welke gemeenten kunnen wij leren?"),
            gettext("Gemeenten met projecten waar uw gemeente er geen heeft."),
        ),
        (
            "/queries/doelen-zonder-aansluiting",
            gettext("Sluiten onze doelen aan op die van regio en provincie?"),
            gettext("Doelen die nergens op aansluiten; in de Strategiescan onder Strategie."),
        ),
        (
            "/queries/samenwerkingskansen",
            gettext("Met welke gemeenten kunnen wij samenwerken?"),
            gettext("Gemeenten die aan dezelfde schakels en opgaven werken."),
        ),
    ]


@blueprint.get("/over")
def about() -> Response:
    """``/over``: what is loaded (data version, numbers, named graphs) and the open data."""
    chosen = representation(HTML)
    return answer(chosen, lambda: _about_page(chosen.version))


def _about_page(version: str) -> Response:
    store = get_store()
    graphs = graph_counts(store)
    html = render_template(
        "over.html",
        data_version=version,
        generated_at=store.metadata().get("generated_at"),
        numbers={name: count(store, sparql) for name, sparql in COUNT_QUERIES.items()},
        levels=[
            (
                str(label),
                count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a rg:{name} }}"),
            )
            for name, label in GOAL_LEVELS
        ],
        graphs=graphs,
        total=sum(graph.triples for graph in graphs),
    )
    return make_response(html)

"""The IRI map: which page of this server shows a Regiograaf IRI, and back (Dutch URI strategy).

Every IRI under the base (``base_iri`` setting) has a page on this server:

============================  ==========================  =====================================
IRI (under the base)          page                        note
============================  ==========================  =====================================
``id/<type>/<ref>``           ``/doc/<type>/<ref>``       ``/id/...`` answers 303 to the page
``graph/<path>``              ``/doc/graph/<path>``       a source file (named graph)
``def`` and ``def#<Term>``    ``/def/`` and ``/def/<Term>``  ontology documentation, term pages
``shapes`` and ``shapes#<S>`` ``/shapes/`` and ``/shapes/<S>``  the SHACL shapes
``catalog`` (and ``#...``)    ``/catalog``                the DCAT catalog
============================  ==========================  =====================================

Besides :class:`IriMap`: :func:`valid_iri` (RFC 3987's forbidden characters), :func:`curie`
(``prefix:local`` for display) and :func:`bind_prefixes` (readable serialisations).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Final

from rdflib import Graph

from server.rdf.namespaces import DATA_BASE, EXTRA_PREFIXES, query_prefixes

_INVALID_IRI: Final = re.compile(r'[\x00-\x20<>"{}|\\^`]')
_LOCAL_NAME: Final = re.compile(r"[\w.-]*")
#: Every namespace :func:`curie` abbreviates, by prefix.
_CURIE_NAMESPACES: Final = {**EXTRA_PREFIXES, **query_prefixes(DATA_BASE)}


@dataclass(frozen=True)
class IriMap:
    """Maps Regiograaf IRIs to the paths of their pages on this server, and back."""

    base: str

    @classmethod
    def for_base(cls, base_iri: str) -> IriMap:
        """The map for the ``base_iri`` setting (a missing final ``/`` is added)."""
        return cls(base_iri if base_iri.endswith("/") else base_iri + "/")

    def page(self, iri: str) -> str | None:
        """The local path of the page about ``iri``, or ``None`` for an IRI outside the base."""
        if not iri.startswith(self.base):
            return None
        rest = iri[len(self.base) :]
        for namespace in ("def", "shapes"):
            if rest == namespace or rest == namespace + "#" or rest.startswith(namespace + "/"):
                return f"/{namespace}/"
            if rest.startswith(namespace + "#"):
                return f"/{namespace}/{rest[len(namespace) + 1 :]}"
        if rest.startswith("id/") and len(rest) > 3:
            return "/doc/" + rest[3:]
        if rest.startswith("graph/") and len(rest) > 6:
            return "/doc/" + rest
        if rest == "catalog" or rest.startswith("catalog#"):
            return "/" + rest
        if rest == "":
            return "/"
        return None

    def href(self, iri: str, subjects: frozenset[str] | set[str] | None = None) -> str | None:
        """Where a link to ``iri`` should go: its local page, or the IRI itself when it is
        outside the base. With ``subjects`` given, an IRI under the base that is not one of
        them (and not a document such as ``/def/``) has no page: ``None``."""
        page = self.page(iri)
        if page is None:
            return iri
        if (
            subjects is None
            or iri in subjects
            or not page.startswith(("/doc/", "/def/", "/shapes/"))
        ):
            return page
        return page if page in ("/def/", "/shapes/") else None

    def doc_iri(self, rest: str) -> str:
        """The IRI described by ``/doc/<rest>`` (``rest`` as decoded from the URL path)."""
        if rest.startswith("graph/"):
            return self.graph_iri(rest[len("graph/") :])
        return self.base + "id/" + rest

    def graph_iri(self, path: str) -> str:
        """The named graph of the source file ``path`` (decoded), percent-encoded the way
        :func:`server.build.sources.graph_iri` names it."""
        return self.graph_base + urllib.parse.quote(path, safe="/")

    def term_iri(self, namespace: str, name: str) -> str:
        """The IRI of ``/<namespace>/<name>`` (``def`` or ``shapes``): a hash IRI."""
        return f"{self.base}{namespace}#{name}"

    def namespace_iri(self, namespace: str) -> str:
        """The IRI of the document ``/<namespace>/`` (the ontology, the shapes)."""
        return f"{self.base}{namespace}"

    @property
    def graph_base(self) -> str:
        """The base of named graph IRIs."""
        return self.base + "graph/"

    @property
    def inferred_graph(self) -> str:
        """The named graph with inferred triples."""
        return self.graph_base + "inferred"

    @property
    def meta_graph(self) -> str:
        """The named graph with build metadata."""
        return self.graph_base + "meta"


def valid_iri(iri: str) -> bool:
    """Whether ``iri`` has none of the characters RFC 3987 forbids (spaces, ``<>"{}|\\^```)."""
    return _INVALID_IRI.search(iri) is None


def curie(iri: str) -> str | None:
    """``prefix:local`` for an IRI in a well-known or Regiograaf namespace (the longest
    namespace wins), or ``None`` when none fits or the local part is not a plain name."""
    best: tuple[str, str] | None = None
    for prefix, namespace in _CURIE_NAMESPACES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best is None:
        return None
    local = iri[len(best[1]) :]
    return f"{best[0]}:{local}" if _LOCAL_NAME.fullmatch(local) else None


def bind_prefixes(graph: Graph, base: str) -> None:
    """Bind the project's prefixes (:func:`server.rdf.namespaces.query_prefixes` for ``base``)
    on ``graph`` for readable output."""
    for prefix, namespace in query_prefixes(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)

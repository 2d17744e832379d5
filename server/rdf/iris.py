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

Besides :class:`IriMap`: :func:`valid_iri` (an absolute IRI by RFC 3987's grammar),
:func:`link_target` (what may become a link: http, https and mailto only), :func:`curie`
(``prefix:local`` for display) and :func:`bind_prefixes` (readable serialisations).
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass
from typing import Final

from rdflib import Graph

from server.rdf.namespaces import DATA_BASE, EXTRA_PREFIXES, query_prefixes

# RFC 3987 §2.2: the characters of an absolute IRI, by the part of the IRI they may be in.
_UCSCHAR: Final = "".join(
    f"{chr(low)}-{chr(high)}"
    for low, high in (
        (0xA0, 0xD7FF),
        (0xF900, 0xFDCF),
        (0xFDF0, 0xFFEF),
        *((plane << 16, (plane << 16) | 0xFFFD) for plane in range(1, 14)),
        (0xE1000, 0xEFFFD),
    )
)
_IPRIVATE: Final = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED: Final = f"A-Za-z0-9\\-._~{_UCSCHAR}"
_SUB_DELIMS: Final = "!$&'()*+,;="
_PCT: Final = "%[0-9A-Fa-f]{2}"
_PCHAR: Final = f"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_AUTHORITY: Final = (
    f"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"  # iuserinfo
    f"(?:\\[(?P<ip>[^\\]]*)\\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"  # ihost
    "(?::[0-9]*)?"  # port
)
_IRI: Final = re.compile(
    "[A-Za-z][A-Za-z0-9+.\\-]*:"  # scheme
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|(?!//)(?:{_PCHAR}|/)*)"  # ihier-part
    f"(?:\\?(?:{_PCHAR}|[/?{_IPRIVATE}])*)?"  # iquery
    f"(?:#(?:{_PCHAR}|[/?])*)?"  # ifragment
)
#: RFC 3986 §3.2.2: IPvFuture (an IPv6 address is checked by :mod:`ipaddress`).
_IP_FUTURE: Final = re.compile(f"[vV][0-9A-Fa-f]+\\.[A-Za-z0-9\\-._~{_SUB_DELIMS}:]+")
#: The schemes of the IRIs that may become links (issue 12): none that a browser runs
#: (``javascript:``) or renders inline (``data:``, ``blob:``, ``file:``, ...).
LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})
_SCHEME: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
#: What the WHATWG URL parser strips at both ends of an ``href``: C0 controls and space.
_URL_ENDS: Final = "".join(map(chr, range(0x21)))
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
        outside the base and may be a link (:func:`link_target`; else ``None``). With
        ``subjects`` given, an IRI under the base that is not one of them (and not a document
        such as ``/def/``) has no page: ``None``."""
        page = self.page(iri)
        if page is None:
            return link_target(iri)
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
    """Whether ``iri`` is an absolute IRI by the grammar of RFC 3987 §2.2 (scheme, authority,
    path, query and fragment, each with the characters it may hold; ``%`` only before two hex
    digits, private-use characters only in the query)."""
    match = _IRI.fullmatch(iri)
    if match is None:
        return False
    literal = match.group("ip")
    if literal is None or _IP_FUTURE.fullmatch(literal):
        return True
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


def link_target(url: str | None) -> str | None:
    """``url`` when a page may link to it, else ``None``: an ``http``, ``https`` or ``mailto``
    IRI, or a reference without a scheme (a path on this site). The scheme is read the way a
    browser reads an ``href`` (WHATWG URL: C0 controls and spaces at the ends, tabs and line
    breaks anywhere, are dropped), so ``" java\tscript:"`` is ``javascript:``. The one check
    for every link that pages, maps and tables make (the template filter ``link``)."""
    if not url:
        return None
    seen = url.strip(_URL_ENDS).replace("\t", "").replace("\n", "").replace("\r", "")
    scheme = _SCHEME.match(seen)
    if scheme is None or scheme.group(1).lower() in LINK_SCHEMES:
        return url
    return None


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

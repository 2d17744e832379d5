"""Discover the source files of the graph and name the graph each one is loaded into.

Sources are the Turtle files under the project root:

=============  ======================================  ========================================
kind           files                                   role
=============  ======================================  ========================================
ontology       ``ontology/*.ttl``                      the OWL 2 RL ontology; input to inference
reference      ``data/**/*.ttl`` (other than below)    real facts (municipalities, goals, ...)
example        ``data/**/*.ttl`` with ``voorbeeld``     invented example resources
               or ``example`` in a folder or file name
contribution   ``data/contributions/<cbs>/*.ttl``      files submitted by a municipality
shapes         ``shapes/*.ttl``                        SHACL shapes
=============  ======================================  ========================================

The examples are built only when the ``examples`` setting is on (:func:`selected`): a public
service leaves them out, so nobody mistakes invented data for real.

Every source is loaded into the store as its own named graph, :func:`graph_iri`. Shapes are
loaded too, so that users can query the shapes (and their ``sh:message`` texts) next to the
data, but they are not part of inference nor of the data that is validated: they are the
validation's input (see :func:`data_sources`).
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from server.errors import SourceError
from server.rdf.namespaces import GRAPH_BASE, ID_BASE

#: Base of municipality IRIs; a contribution folder's name is the ``<ref>``.
MUNICIPALITY_BASE = ID_BASE + "gemeente/"

Kind = Literal["ontology", "shapes", "reference", "example", "contribution"]

#: A contribution folder is named after a lower-case CBS code (``gm0599``).
_CBS_FOLDER = re.compile(r"^gm\d{4}$")
_EXAMPLE_WORDS = ("voorbeeld", "example")


@dataclass(frozen=True)
class Source:
    """One source file: where it is, which graph it becomes and what it holds."""

    path: Path
    relpath: str
    graph: str
    sha256: str
    kind: Kind

    @property
    def municipality(self) -> str | None:
        """For a contribution, the IRI of the municipality it is for (from its folder name)."""
        if self.kind != "contribution":
            return None
        parts = self.relpath.split("/")
        return MUNICIPALITY_BASE + parts[2].lower() if len(parts) > 3 else None

    @property
    def is_data(self) -> bool:
        """True for the files that are validated with the shapes (everything under data/)."""
        return self.kind in ("reference", "example", "contribution")


def graph_iri(path: Path | str, root: Path | str) -> str:
    """The named graph of a source file: :data:`GRAPH_BASE` + its root-relative path
    without ``.ttl`` (``data/gemeenten.ttl`` → ``.../graph/data/gemeenten``)."""
    rel = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    if rel.endswith(".ttl"):
        rel = rel[: -len(".ttl")]
    # Percent-encode spaces, '#', '?' and the like so the graph name is always a valid IRI.
    return GRAPH_BASE + urllib.parse.quote(rel, safe="/")


class MissingSourcesError(SourceError, ValueError):
    """The project root lacks the ontology or shapes (most likely a wrong root)."""


def check_root(root: Path | str) -> None:
    """Raise :class:`MissingSourcesError` unless ``root/ontology`` and ``root/shapes`` each
    hold at least one ``.ttl`` file."""
    root = Path(root)
    for folder in ("ontology", "shapes"):
        if not any((root / folder).glob("*.ttl")):
            raise MissingSourcesError(
                f"{root / folder} has no .ttl files; is {root} the Regiograaf project root? "
                "(set --root or REGIOGRAAF_ROOT)"
            )


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def kind_of(relpath: str) -> Kind | None:
    """The kind of a root-relative path, or ``None`` when it is not a source."""
    parts = relpath.split("/")
    if not relpath.endswith(".ttl"):
        return None
    if parts[0] == "ontology" and len(parts) == 2:
        return "ontology"
    if parts[0] == "shapes" and len(parts) == 2:
        return "shapes"
    if parts[0] != "data":
        return None
    if len(parts) == 4 and parts[1] == "contributions" and _CBS_FOLDER.match(parts[2].lower()):
        return "contribution"
    if parts[1] == "contributions":
        # A file in the wrong place under contributions/ is still data: validation and the
        # quality checks see it, and it is not mistaken for a contribution of a municipality.
        return "reference"
    lowered = [part.lower() for part in parts[1:]]
    if any(word in part for part in lowered for word in _EXAMPLE_WORDS):
        return "example"
    return "reference"


def _candidates(root: Path) -> Iterable[Path]:
    yield from (root / "ontology").glob("*.ttl")
    yield from (root / "shapes").glob("*.ttl")
    yield from (root / "data").rglob("*.ttl")


def discover(root: Path | str, *, with_hashes: bool = True) -> list[Source]:
    """All source files under ``root``, sorted by relative path.

    With ``with_hashes=False`` the ``sha256`` field is empty (for callers that only need
    the list)."""
    root = Path(root).resolve()
    sources: list[Source] = []
    for path in _candidates(root):
        if not path.is_file():
            continue
        relpath = path.relative_to(root).as_posix()
        kind = kind_of(relpath)
        if kind is None:
            continue
        sources.append(
            Source(
                path=path,
                relpath=relpath,
                graph=graph_iri(path, root),
                sha256=file_sha256(path) if with_hashes else "",
                kind=kind,
            )
        )
    return sorted(sources, key=lambda source: source.relpath)


def selected(sources: Iterable[Source], *, examples: bool) -> list[Source]:
    """``sources`` without the invented examples (kind ``example``, the files under
    ``data/voorbeelden/``) unless ``examples`` (the ``examples`` setting) is on."""
    return [source for source in sources if examples or source.kind != "example"]


def data_sources(sources: Iterable[Source]) -> list[Source]:
    """The sources that are validated (everything under ``data/``)."""
    return [source for source in sources if source.is_data]


def inference_sources(sources: Iterable[Source]) -> list[Source]:
    """The sources that go into inference: the ontology and all data (not the shapes)."""
    return [source for source in sources if source.kind != "shapes"]

"""Contribution graphs: ``<GRAPH_BASE>data/contributions/<code>/<name>`` is the file
``data/contributions/<code>/<name>.ttl`` (:func:`server.build.sources.graph_iri`).

``<code>`` is the contribution folder of an organisation: a CBS code in lower case
(``gm0599``), the TOOI code of the province (``pv28``) or the name of another organisation
(``mrdh``). ``<name>`` is lower case letters, digits and hyphens, so the graph IRI, the file
name and the URLs of the history need no escaping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from server.errors import InvalidRequest
from server.messages import N_
from server.rdf.namespaces import GRAPH_BASE

__all__ = ["CONTRIBUTIONS", "ContributionGraph", "valid_code"]

#: The start of every contribution graph IRI.
CONTRIBUTIONS = GRAPH_BASE + "data/contributions/"
_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def valid_code(code: str) -> bool:
    """Whether ``code`` can name a contribution folder (``gm0599``, ``pv28``, ``mrdh``)."""
    return bool(_CODE.fullmatch(code))


@dataclass(frozen=True)
class ContributionGraph:
    """One contribution graph: its folder ``code`` and its ``name``."""

    code: str
    name: str

    @classmethod
    def from_iri(cls, iri: str) -> ContributionGraph | None:
        """The contribution graph ``iri`` names; ``None`` when it is not under
        :data:`CONTRIBUTIONS`; :class:`InvalidRequest` (400) when it is, but its folder or
        name is not allowed."""
        if not iri.startswith(CONTRIBUTIONS):
            return None
        code, slash, name = iri[len(CONTRIBUTIONS) :].partition("/")
        if not slash or not valid_code(code) or not _NAME.fullmatch(name):
            raise InvalidRequest.saying(
                N_(
                    "Een bijdragegraaf heet .../graph/data/contributions/<code>/<naam>, met de "
                    "CBS-code in kleine letters (gm0599) en een naam van kleine letters, cijfers "
                    "en koppeltekens: <%(iri)s>"
                ),
                iri=iri,
            )
        return cls(code, name)

    @classmethod
    def from_relpath(cls, relpath: str) -> ContributionGraph | None:
        """The graph of the file ``data/contributions/<code>/<name>.ttl``, else ``None``."""
        parts = relpath.split("/")
        if len(parts) != 4 or parts[:2] != ["data", "contributions"]:
            return None
        name = parts[3].removesuffix(".ttl")
        if not parts[3].endswith(".ttl") or not valid_code(parts[2]):
            return None
        return cls(parts[2], name) if _NAME.fullmatch(name) else None

    @property
    def iri(self) -> str:
        """The graph IRI."""
        return f"{CONTRIBUTIONS}{self.code}/{self.name}"

    @property
    def relpath(self) -> str:
        """The file, relative to the project root."""
        return f"data/contributions/{self.code}/{self.name}.ttl"

    def path(self, root: Path) -> Path:
        """The file under the project ``root``."""
        return root / self.relpath

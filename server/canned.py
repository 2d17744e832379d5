"""Canned SPARQL queries: ``queries/*.rq`` files that describe themselves in a ``#+`` header.

A canned query file starts with a block of lines beginning with ``#+``; with that prefix (and
one space) removed they form a YAML mapping (the grlc decorator style)::

    #+ name: projecten-per-gemeente
    #+ title:
    #+   nl: Projecten per gemeente
    #+   en: Projects per municipality
    #+ description:
    #+   nl: ...
    #+   en: ...
    #+ tags: [projecten, gemeenten]
    PREFIX rg: <https://w3id.org/regiograaf/def#>
    SELECT ...

The header is parsed once into a frozen :class:`CannedQuery`; the SPARQL text is everything
after the header. A header that is not valid YAML, not a mapping, or has a key or value this
module does not know raises :class:`CannedQueryError`, which names the file and the line.
Only the top folder is read by :func:`load_canned_queries`: ``queries/qc/`` holds quality
checks, which are a different kind of query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml

__all__ = [
    "HEADER_PREFIX",
    "KNOWN_KEYS",
    "CannedQuery",
    "CannedQueryError",
    "load_canned_queries",
    "parse_canned_query",
]

#: What every header line starts with.
HEADER_PREFIX: Final = "#+"
#: The header keys this module understands; any other key is an error (catches typos).
KNOWN_KEYS: Final = frozenset({"name", "title", "description", "tags"})
#: A query name: lower-case letters, digits and hyphens (it is part of URLs).
NAME_PATTERN: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: The language tag under which a plain (untranslated) title or description is kept.
UNDETERMINED: Final = "und"


class CannedQueryError(ValueError):
    """A canned query file that cannot be used; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class CannedQuery:
    """One canned query: its name, texts per language (``nl``, ``en``), SPARQL and file."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    sparql: str
    path: Path
    tags: tuple[str, ...] = field(default=())

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else in Dutch, English or any language, else the name."""
        return _in_language(self.title, lang) or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in Dutch, English or any language, else ``""``."""
        return _in_language(self.description, lang)


def _in_language(texts: Mapping[str, str], lang: str) -> str:
    for key in (lang, "nl", "en", UNDETERMINED):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def _split(path: Path, text: str) -> tuple[list[tuple[int, str]], str]:
    """The header lines as (file line number, YAML text) and the SPARQL after the header."""
    lines = text.splitlines()
    header: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith(HEADER_PREFIX):
            break
        content = line[len(HEADER_PREFIX) :]
        if content and not content.startswith(" "):
            raise CannedQueryError(
                path, number, f"a header line starts with '{HEADER_PREFIX} ' (then a space)"
            )
        header.append((number, content[1:]))
    sparql = "\n".join(lines[len(header) :]).strip("\n")
    return header, sparql + "\n" if sparql else ""


def _texts(path: Path, line: int, key: str, value: object) -> Mapping[str, str]:
    """A ``title`` or ``description``: a mapping language → text, or one plain text."""
    if isinstance(value, str):
        return MappingProxyType({UNDETERMINED: value.strip()})
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(lang, str) and isinstance(text, str) for lang, text in value.items())
    ):
        return MappingProxyType({lang: text.strip() for lang, text in value.items()})
    raise CannedQueryError(
        path, line, f"'{key}' must be a text or a mapping of language to text (nl: ..., en: ...)"
    )


def parse_canned_query(path: Path, text: str | None = None) -> CannedQuery:
    """Parse one ``.rq`` file (``text`` if given, else the file's content).

    The name defaults to the file name without ``.rq``; when given it must be that name.
    """
    path = Path(path)
    if text is None:
        text = path.read_text(encoding="utf-8")
    header, sparql = _split(path, text)
    if not header:
        raise CannedQueryError(path, 1, f"no '{HEADER_PREFIX}' header at the top of the file")
    first_line = header[0][0]
    yaml_text = "\n".join(content for _, content in header)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(error, "problem", None) or str(error)
        raise CannedQueryError(path, line, f"the header is not valid YAML: {problem}") from None
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        raise CannedQueryError(path, first_line, "the header must be a YAML mapping (key: value)")
    lines = {
        key.value: first_line + key.start_mark.line
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    for key in data:
        if key not in KNOWN_KEYS:
            raise CannedQueryError(
                path,
                lines.get(str(key), first_line),
                f"unknown header key '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})",
            )
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise CannedQueryError(
            path, lines.get("name", first_line), "'name' must be lower-case words joined by '-'"
        )
    if name != path.stem:
        raise CannedQueryError(
            path, lines["name"], f"'name' is '{name}' but the file is named '{path.stem}.rq'"
        )
    title = (
        _texts(path, lines["title"], "title", data["title"])
        if "title" in data
        else MappingProxyType({})
    )
    description = (
        _texts(path, lines["description"], "description", data["description"])
        if "description" in data
        else MappingProxyType({})
    )
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise CannedQueryError(
            path, lines.get("tags", first_line), "'tags' must be a list of words"
        )
    if not sparql.strip():
        raise CannedQueryError(path, header[-1][0] + 1, "there is no SPARQL after the header")
    return CannedQuery(
        name=name,
        title=title,
        description=description,
        sparql=sparql,
        path=path,
        tags=tuple(tags),
    )


def load_canned_queries(folder: Path) -> tuple[CannedQuery, ...]:
    """Every ``*.rq`` directly in ``folder`` (not in sub-folders such as ``qc/``), by name."""
    return tuple(parse_canned_query(path) for path in sorted(Path(folder).glob("*.rq")))

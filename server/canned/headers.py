"""Canned SPARQL queries: ``queries/*.rq`` files that describe themselves in a ``#+`` header.

A canned query file starts with a block of lines beginning with ``#+``; with that prefix (and
one space) removed they form a YAML mapping (the grlc decorator style)::

    #+ name: lerende-partners
    #+ title:
    #+   nl: Van wie kunnen we leren?
    #+   en: Whom can we learn from?
    #+ description:
    #+   nl: ...
    #+   en: ...
    #+ tags: [projecten, gemeenten]
    #+ view: table                     # table (default), map or chart
    #+ parameters:
    #+   - name: gemeente              # binds ?gemeente
    #+     type: iri                   # iri | concept | string | integer | date
    #+     class: rg:Municipality      # iri: the class of the values
    #+     members: current            # iri: only current MRDH members (default: all)
    #+     label: {nl: Gemeente, en: Municipality}
    #+   - name: schakel
    #+     type: concept
    #+     scheme: begrippenkader:waardeketen   # concept: the SKOS scheme of the values
    #+     multiple: true              # more than one value (default false)
    #+   - name: minimum
    #+     type: integer
    #+     default: 2                  # used when no value is given
    #+     minimum: 1                  # integer: optional bounds
    #+ columns:                        # a label per column of the SELECT, nl and en
    #+   gemeente: {nl: Gemeente, en: Municipality}
    #+   voorbeeld: {nl: Voorbeeld, en: Example}
    PREFIX rg: <https://w3id.org/regiograaf/def#>
    SELECT ...

The header is checked by a JSON Schema (``header.schema.json``, :mod:`server.canned.schema`)
and parsed once into a frozen :class:`~server.canned.query.CannedQuery` with a tuple of frozen
:class:`~server.canned.query.Parameter`; the SPARQL text is everything after the header.
Prefixed names in the header (``class``, ``scheme``, IRI defaults) use the query's own
``PREFIX`` lines, then the Regiograaf prefixes (:func:`server.rdf.namespaces.query_prefixes`).
A header that is not valid YAML, that the schema rejects (not a mapping, an unknown key or
value), or that does not fit its query (a parameter the query does not use, a prefix it does
not know, a ``map`` view without a ``?geometry`` column, a column label for a variable the
SELECT does not return, or ``columns`` that leave a column of the SELECT without a label) raises
:class:`~server.canned.errors.CannedQueryError`, which names the file and the line.
Only the top folder is read by :func:`load_canned_queries`: ``queries/qc/`` holds quality
checks, which are a different kind of query.

**Parameters** are variables of the query. A value given for one is checked against its type
(:meth:`~server.canned.query.Parameter.coerce`; for ``iri`` and ``concept`` also against the
instances of the class or the concepts of the scheme,
:func:`server.canned.arguments.bind_arguments`) and becomes an RDF term; the
terms reach the engine as initial bindings, a ``VALUES`` block written by the store layer
(:mod:`server.store.values`): a value is never copied into the query text. A parameter without
a value (and without a default) stays unbound, so the query text as written, without any
values, answers for everything (that is also what the SPARQL page runs as an example). A
query uses its parameter variables at its outermost level (triple patterns or ``FILTER``s
there): that is where the values are bound.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from rdflib.term import Identifier

from server.canned.errors import CannedQueryError, ParameterError
from server.canned.query import UNDETERMINED, CannedQuery, Parameter
from server.canned.schema import check_header, json_compatible
from server.rdf.namespaces import query_prefixes
from server.store.scan import ScanError, projection, tokens

__all__ = ["HEADER_PREFIX", "load_canned_queries", "parse_canned_query"]

#: What every header line starts with.
HEADER_PREFIX: Final = "#+"
_PREFIX_LINE: Final = re.compile(
    r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE | re.MULTILINE
)
_CURIE: Final = re.compile(r"([A-Za-z][\w.-]*)?:([^\s/]?[^\s]*)")
_ABSOLUTE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
#: The Regiograaf prefixes for the canonical base IRI (the data always uses it).
_DEFAULT_PREFIXES: Final = query_prefixes()
#: The query forms; a canned query is a SELECT.
_FORMS: Final = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def load_canned_queries(folder: Path) -> tuple[CannedQuery, ...]:
    """Every ``*.rq`` directly in ``folder`` (not in sub-folders such as ``qc/``), by name."""
    return tuple(parse_canned_query(path) for path in sorted(Path(folder).glob("*.rq")))


def parse_canned_query(path: Path, text: str | None = None) -> CannedQuery:
    """Parse one ``.rq`` file (``text`` if given, else the file's content).

    The name defaults to the file name without ``.rq``; when given it must be that name.
    """
    path = Path(path)
    if text is None:
        text = path.read_text(encoding="utf-8")
    header, sparql, sparql_line = _split(path, text)
    if not header:
        raise CannedQueryError(path, 1, f"no '{HEADER_PREFIX}' header at the top of the file")
    first_line = header[0][0]
    node, data = _read_yaml(path, header)
    check_header(path, data, node, first_line)
    lines = _key_lines(node, first_line)
    name = data.get("name", path.stem)
    if name != path.stem:
        raise CannedQueryError(
            path, lines["name"], f"'name' is '{name}' but the file is named '{path.stem}.rq'"
        )
    if not sparql.strip():
        raise CannedQueryError(path, header[-1][0] + 1, "there is no SPARQL after the header")
    variables = _select_variables(path, sparql, sparql_line)
    view = data.get("view", "table")
    if view == "map" and "geometry" not in variables:
        raise CannedQueryError(
            path, lines["view"], "a 'map' view needs a ?geometry column (WKT) in the SELECT"
        )
    columns = _columns(path, data.get("columns"), variables, lines, node, first_line)
    return CannedQuery(
        name=name,
        title=_texts(data.get("title")),
        description=_texts(data.get("description")),
        sparql=sparql,
        path=path,
        tags=tuple(data.get("tags", ())),
        parameters=_parameters(path, node, data, first_line, sparql),
        view=view,
        variables=variables,
        columns=columns,
    )


def _split(path: Path, text: str) -> tuple[list[tuple[int, str]], str, int]:
    """The header lines as (file line number, YAML text), the SPARQL after the header and
    the line the SPARQL starts on."""
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
    rest = lines[len(header) :]
    start = len(header) + 1
    while rest and not rest[0].strip():
        rest = rest[1:]
        start += 1
    sparql = "\n".join(rest).rstrip("\n")
    return header, sparql + "\n" if sparql else "", start


def _read_yaml(path: Path, header: list[tuple[int, str]]) -> tuple[yaml.Node | None, Any]:
    """The header's YAML as a node tree (for line numbers) and as data (dates as texts)."""
    first_line = header[0][0]
    yaml_text = "\n".join(content for _, content in header)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(error, "problem", None) or str(error)
        raise CannedQueryError(path, line, f"the header is not valid YAML: {problem}") from None
    except ValueError as error:  # a timestamp YAML reads but the calendar has not (2020-02-30)
        raise CannedQueryError(path, first_line, f"the header has a bad date: {error}") from None
    return node, json_compatible(data)


def _select_variables(path: Path, sparql: str, sparql_line: int) -> tuple[str, ...]:
    """The projected variables of the query, which must be a SELECT (empty for ``*``)."""
    try:
        form = next(
            (t for t in tokens(sparql) if t.kind == "word" and t.text.upper() in _FORMS), None
        )
        if form is None or form.text.upper() != "SELECT":
            line = sparql_line + (sparql[: form.start].count("\n") if form else 0)
            raise CannedQueryError(path, line, "a canned query is a SELECT query")
        return projection(sparql) or ()
    except ScanError as error:
        raise CannedQueryError(path, sparql_line, f"the SPARQL cannot be read: {error}") from None


def _texts(value: object) -> Mapping[str, str]:
    """A ``title``, ``description`` or ``label`` (checked by the schema): language → text."""
    if isinstance(value, str):
        return MappingProxyType({UNDETERMINED: value.strip()})
    if isinstance(value, dict):
        return MappingProxyType({str(lang): str(text).strip() for lang, text in value.items()})
    return MappingProxyType({})


def _columns(
    path: Path,
    raw: Mapping[str, Mapping[str, str]] | None,
    variables: tuple[str, ...],
    lines: Mapping[str, int],
    node: yaml.Node | None,
    first_line: int,
) -> Mapping[str, Mapping[str, str]]:
    """The header's ``columns`` (checked by the schema): each names a column of the SELECT,
    and every column of the SELECT has one."""
    if raw is None:
        return MappingProxyType({})
    column_node = (
        next((value for key, value in node.value if key.value == "columns"), None)
        if isinstance(node, yaml.MappingNode)
        else None
    )
    column_lines = _key_lines(column_node, first_line)
    for name in raw:
        if variables and name not in variables:
            raise CannedQueryError(
                path,
                column_lines.get(name, lines["columns"]),
                f"column '{name}' is not a variable of the SELECT (?{name})",
            )
    missing = [name for name in variables if name not in raw]
    if missing:
        raise CannedQueryError(
            path,
            lines["columns"],
            "'columns' has no label for " + ", ".join(f"'{name}'" for name in missing),
        )
    return MappingProxyType({name: MappingProxyType(dict(labels)) for name, labels in raw.items()})


def _key_lines(node: yaml.Node | None, first_line: int) -> dict[str, int]:
    """File line of each key of a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: first_line + key.start_mark.line
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


class _Prefixes:
    """Expands prefixed names of the header: the query's PREFIX lines, then Regiograaf's."""

    def __init__(self, sparql: str) -> None:
        self.map = dict(_DEFAULT_PREFIXES)
        self.map.update({prefix or "": iri for prefix, iri in _PREFIX_LINE.findall(sparql)})

    def expand(self, value: str) -> str | None:
        """The absolute IRI ``value`` stands for, or ``None`` when it is not one."""
        value = value.strip()
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        curie = _CURIE.fullmatch(value)
        if curie and not curie.group(2).startswith("//"):
            prefix = curie.group(1) or ""
            if prefix in self.map:
                return self.map[prefix] + curie.group(2)
        if _ABSOLUTE.fullmatch(value) and ("://" in value or value.startswith("urn:")):
            return value
        return None


def _parameters(
    path: Path, node: yaml.Node | None, data: Mapping[str, Any], first_line: int, sparql: str
) -> tuple[Parameter, ...]:
    """The declared parameters (checked by the schema) as :class:`Parameter`, in order."""
    items = (
        next((value for key, value in node.value if key.value == "parameters"), None)
        if isinstance(node, yaml.MappingNode)
        else None
    )
    if not isinstance(items, yaml.SequenceNode):
        return ()
    prefixes = _Prefixes(sparql)
    used = {token.text for token in tokens(sparql) if token.kind == "var"}
    parameters: list[Parameter] = []
    for item_node, item in zip(items.value, data["parameters"], strict=True):
        parameter = _parameter(path, item_node, item, first_line, prefixes, used)
        if any(other.name == parameter.name for other in parameters):
            raise CannedQueryError(
                path, parameter.line, f"parameter '{parameter.name}' is declared twice"
            )
        parameters.append(parameter)
    return tuple(parameters)


def _parameter(
    path: Path,
    node: yaml.Node,
    data: Mapping[str, Any],
    first_line: int,
    prefixes: _Prefixes,
    variables: set[str],
) -> Parameter:
    """One parameter: the parts the schema cannot check (a variable of the query, a known
    prefix, a default of the right type) are checked here."""
    line = first_line + node.start_mark.line
    lines = _key_lines(node, first_line)
    name, kind = data["name"], data["type"]
    if name not in variables:
        raise CannedQueryError(
            path, lines["name"], f"parameter '{name}' is not a variable of the query (?{name})"
        )
    needed = {"iri": "class", "concept": "scheme"}.get(kind)
    target: str | None = None
    if needed is not None:
        raw = data.get(needed)
        target = prefixes.expand(raw) if isinstance(raw, str) else None
        if target is None:
            raise CannedQueryError(
                path,
                lines.get(needed, line),
                f"parameter '{name}' of type '{kind}' needs '{needed}': an IRI or prefixed name",
            )
    parameter = Parameter(
        name=name,
        type=kind,
        label=_texts(data.get("label")),
        description=_texts(data.get("description")),
        required=data.get("required", False),
        multiple=data.get("multiple", False),
        class_iri=target if kind == "iri" else None,
        scheme=target if kind == "concept" else None,
        members=data.get("members", "all"),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        line=line,
    )
    if "default" not in data:
        return parameter
    default = _default(path, lines["default"], parameter, data["default"], prefixes)
    return dataclasses.replace(parameter, default=default)


def _default(
    path: Path, line: int, parameter: Parameter, raw: object, prefixes: _Prefixes
) -> tuple[Identifier, ...]:
    """The default value(s) as RDF terms, checked like a value given in a request."""
    terms: list[Identifier] = []
    for value in raw if isinstance(raw, list) else [raw]:
        if parameter.has_choices and isinstance(value, str):
            value = prefixes.expand(value) or value
        try:
            terms.append(parameter.coerce(value))
        except ParameterError as error:
            raise CannedQueryError(path, line, f"bad default: {error}") from None
    return tuple(terms)

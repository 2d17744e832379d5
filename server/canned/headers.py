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
    #+     label: {nl: Gemeente, en: Municipality}
    #+   - name: schakel
    #+     type: concept
    #+     scheme: begrippenkader:waardeketen   # concept: the SKOS scheme of the values
    #+     multiple: true              # more than one value (default false)
    #+   - name: minimum
    #+     type: integer
    #+     default: 2                  # used when no value is given
    #+     minimum: 1                  # integer: optional bounds
    PREFIX rg: <https://w3id.org/regiograaf/def#>
    SELECT ...

The header is parsed once into a frozen :class:`CannedQuery` with a tuple of frozen
:class:`Parameter`; the SPARQL text is everything after the header. Prefixed names in the
header (``class``, ``scheme``, IRI defaults) use the query's own ``PREFIX`` lines, then the
Regiograaf prefixes (:func:`server.rdf.namespaces.query_prefixes`). A header that is not valid YAML,
not a mapping, has a key or value this module does not know, or declares a parameter the
query does not use raises :class:`CannedQueryError`, which names the file and the line.
Only the top folder is read by :func:`load_canned_queries`: ``queries/qc/`` holds quality
checks, which are a different kind of query.

**Parameters** are variables of the query. A value given for one is checked against its type
(:meth:`Parameter.coerce`; for ``iri`` and ``concept`` also against the instances of the
class or the concepts of the scheme, :func:`bind_arguments`) and becomes an RDF term; the
terms reach the engine as initial bindings, a ``VALUES`` block written by the store layer
(:mod:`server.store.values`): a value is never copied into the query text. A parameter without
a value (and without a default) stays unbound, so the query text as written, without any
values, answers for everything (that is also what the SPARQL page runs as an example). A
query uses its parameter variables at its outermost level (triple patterns or ``FILTER``s
there): that is where the values are bound.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from server.errors import BadRequest, SourceError
from server.rdf.namespaces import query_prefixes
from server.store.scan import ScanError, projection, tokens

__all__ = [
    "HEADER_PREFIX",
    "KNOWN_KEYS",
    "PARAMETER_KEYS",
    "PARAMETER_TYPES",
    "RESERVED_NAMES",
    "VIEWS",
    "Arguments",
    "CannedQuery",
    "CannedQueryError",
    "Choice",
    "Parameter",
    "ParameterError",
    "bind_arguments",
    "load_canned_queries",
    "parse_canned_query",
]

#: What every header line starts with.
HEADER_PREFIX: Final = "#+"
#: The header keys this module understands; any other key is an error (catches typos).
KNOWN_KEYS: Final = frozenset({"name", "title", "description", "tags", "parameters", "view"})
#: The keys of one parameter.
PARAMETER_KEYS: Final = frozenset(
    {
        "name",
        "type",
        "class",
        "scheme",
        "label",
        "description",
        "required",
        "multiple",
        "default",
        "minimum",
        "maximum",
    }
)
#: Parameter types: an instance of a class, a concept of a SKOS scheme, or a literal.
PARAMETER_TYPES: Final = ("iri", "concept", "string", "integer", "date")
#: How a query's answer is best shown (``map`` needs a ``?geometry`` column).
VIEWS: Final = ("table", "map", "chart")
#: Query-string names with another meaning (``format=`` chooses the output format).
RESERVED_NAMES: Final = frozenset({"format"})
#: A query name: lower-case letters, digits and hyphens (it is part of URLs).
NAME_PATTERN: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: A parameter name: a SPARQL variable name that is also a plain URL query key.
PARAMETER_NAME: Final = re.compile(r"[a-z][A-Za-z0-9]*")
#: The language tag under which a plain (untranslated) title or description is kept.
UNDETERMINED: Final = "und"
#: The longest text a ``string`` parameter accepts.
MAX_STRING: Final = 200
_INTEGER: Final = re.compile(r"[+-]?[0-9]{1,18}")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PREFIX_LINE: Final = re.compile(
    r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE | re.MULTILINE
)
_CURIE: Final = re.compile(r"([A-Za-z][\w.-]*)?:([^\s/]?[^\s]*)")
_ABSOLUTE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+")
#: The Regiograaf prefixes for the canonical base IRI (the data always uses it).
_DEFAULT_PREFIXES: Final = query_prefixes("https://w3id.org/regiograaf/")


class CannedQueryError(SourceError, ValueError):
    """A canned query file that cannot be used; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class ParameterError(BadRequest, ValueError):
    """A value that does not fit its parameter (or a parameter the query does not have).

    ``parameter`` is the parameter's name; ``str()`` says what is wrong, in Dutch and English.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter '{parameter}': {message}")
        self.parameter = parameter
        self.message = message


def _in_language(texts: Mapping[str, str], lang: str) -> str:
    for key in (lang, "nl", "en", UNDETERMINED):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    """An allowed value of an ``iri`` or ``concept`` parameter, with its labels by language."""

    value: URIRef
    label: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else Dutch, English or any, else the IRI's last segment."""
        return _in_language(self.label, lang) or _last_segment(str(self.value))


def _last_segment(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a canned query: the variable ``?name`` and what its values may be."""

    name: str
    type: str
    label: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    description: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    required: bool = False
    multiple: bool = False
    #: The values used when none is given (already checked against the type).
    default: tuple[Identifier, ...] = ()
    #: ``iri``: the class whose instances are the allowed values.
    class_iri: str | None = None
    #: ``concept``: the SKOS concept scheme whose concepts are the allowed values.
    scheme: str | None = None
    #: ``integer``: the smallest and largest allowed value, if bounded.
    minimum: int | None = None
    maximum: int | None = None
    #: The header line that declares the parameter.
    line: int = 0

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else in Dutch, English or any language, else the name."""
        return _in_language(self.label, lang) or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in Dutch, English or any language, else ``""``."""
        return _in_language(self.description, lang)

    @property
    def has_choices(self) -> bool:
        """Whether the allowed values are a list from the graph (``iri`` and ``concept``)."""
        return self.type in ("iri", "concept")

    @property
    def default_values(self) -> tuple[str | int, ...]:
        """The default as plain values: IRIs and texts as strings, integers as ``int``."""
        return tuple(_plain(term) for term in self.default)

    def coerce(self, value: object) -> Identifier:
        """One value as an RDF term of this parameter's type (raises :class:`ParameterError`).

        Accepts text as it comes in a URL (``"12"``, ``"2024-01-31"``) and Python values
        (``int``, :class:`datetime.date`, :class:`rdflib.URIRef`). For ``iri`` and
        ``concept`` only the form is checked here; :func:`bind_arguments` checks that the
        value is one of the allowed choices.
        """
        if self.type == "integer":
            return self._integer(value)
        if self.type == "date":
            return self._date(value)
        # URIRef and Literal are texts too (rdflib terms subclass str).
        if not isinstance(value, str):
            raise ParameterError(self.name, f"geen tekst (not a text): {type(value).__name__}")
        if self.type == "string":
            return self._string(str(value))
        value = str(value).strip()
        if not value:
            raise ParameterError(self.name, "leeg (empty)")
        if any(char.isspace() or char in '<>"{}|^`\\' for char in value):
            raise ParameterError(self.name, f"geen IRI (not an IRI): {value[:80]!r}")
        return URIRef(value)

    def _integer(self, value: object) -> Literal:
        if isinstance(value, bool):
            raise ParameterError(self.name, "geen geheel getal (not an integer)")
        if isinstance(value, Literal):
            value = str(value)
        if isinstance(value, str):
            text = value.strip()
            if not _INTEGER.fullmatch(text):
                raise ParameterError(
                    self.name, f"geen geheel getal (not an integer): {text[:40]!r}"
                )
            number = int(text)
        elif isinstance(value, int):
            number = value
        else:
            raise ParameterError(self.name, "geen geheel getal (not an integer)")
        if self.minimum is not None and number < self.minimum:
            raise ParameterError(
                self.name, f"kleiner dan {self.minimum} (less than {self.minimum}): {number}"
            )
        if self.maximum is not None and number > self.maximum:
            raise ParameterError(
                self.name, f"groter dan {self.maximum} (greater than {self.maximum}): {number}"
            )
        return Literal(str(number), datatype=XSD.integer)

    def _date(self, value: object) -> Literal:
        if isinstance(value, datetime.datetime):
            raise ParameterError(self.name, "een datum zonder tijd (a date without time)")
        if isinstance(value, datetime.date):
            day = value
        else:
            text = str(value).strip() if isinstance(value, str | Literal) else ""
            try:
                if not _DATE.fullmatch(text):
                    raise ValueError(text)
                day = datetime.date.fromisoformat(text)
            except ValueError:
                raise ParameterError(
                    self.name, f"geen datum JJJJ-MM-DD (not a date YYYY-MM-DD): {text[:40]!r}"
                ) from None
        return Literal(day.isoformat(), datatype=XSD.date)

    def _string(self, value: str) -> Literal:
        text = value.strip()
        if len(text) > MAX_STRING:
            raise ParameterError(
                self.name,
                f"langer dan {MAX_STRING} tekens (longer than {MAX_STRING} characters)",
            )
        if any(ord(char) < 32 or ord(char) == 127 for char in text):
            raise ParameterError(self.name, "bevat stuurtekens (contains control characters)")
        return Literal(text)


def _plain(term: Identifier) -> str | int:
    if isinstance(term, Literal) and term.datatype == XSD.integer:
        return int(term)
    return str(term)


@dataclass(frozen=True)
class CannedQuery:
    """One canned query: its name, texts per language (``nl``, ``en``), SPARQL and file,
    its parameters, the variables it returns and the view that suits its answer."""

    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    sparql: str
    path: Path
    tags: tuple[str, ...] = field(default=())
    parameters: tuple[Parameter, ...] = field(default=())
    #: ``table``, ``map`` (the answer has a ``?geometry`` column) or ``chart``.
    view: str = "table"
    #: The projected variables, in order (empty when the query says ``SELECT *``).
    variables: tuple[str, ...] = field(default=())

    def title_in(self, lang: str) -> str:
        """The title in ``lang``, else in Dutch, English or any language, else the name."""
        return _in_language(self.title, lang) or self.name

    def description_in(self, lang: str) -> str:
        """The description in ``lang``, else in Dutch, English or any language, else ``""``."""
        return _in_language(self.description, lang)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (:class:`KeyError` when there is none)."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    @property
    def has_geometry(self) -> bool:
        """Whether the answer has a ``?geometry`` column (WKT), so it can be GeoJSON."""
        return "geometry" in self.variables


@dataclass(frozen=True)
class Arguments:
    """The checked values of a query's parameters: name → RDF terms, sorted and without
    duplicates, defaults filled in, unbound parameters left out."""

    values: Mapping[str, tuple[Identifier, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def key(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """A hashable, normalised form (for caches and ETags)."""
        return tuple(
            (name, tuple(term.n3() for term in terms))
            for name, terms in sorted(self.values.items())
        )

    def as_pairs(self) -> list[tuple[str, str]]:
        """``(name, value)`` pairs for a URL query string, in parameter-name order."""
        return [(name, str(term)) for name, terms in sorted(self.values.items()) for term in terms]

    def first(self, name: str) -> Identifier | None:
        """The (first) value of ``name``, or ``None`` when unbound."""
        terms = self.values.get(name)
        return terms[0] if terms else None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, str | bytes | URIRef | Literal) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _resolve(parameter: Parameter, term: Identifier, choices: Sequence[Choice]) -> URIRef:
    """The choice ``term`` names: its IRI, or the last segment of exactly one choice's IRI."""
    text = str(term)
    for choice in choices:
        if str(choice.value) == text:
            return choice.value
    matches = [choice.value for choice in choices if _last_segment(str(choice.value)) == text]
    if len(matches) == 1:
        return matches[0]
    what = parameter.class_iri if parameter.type == "iri" else parameter.scheme
    kind = "instantie van" if parameter.type == "iri" else "begrip uit"
    kind_en = "an instance of" if parameter.type == "iri" else "a concept of"
    raise ParameterError(parameter.name, f"geen {kind} (not {kind_en}) <{what}>: {text[:120]!r}")


def bind_arguments(
    query: CannedQuery,
    arguments: Mapping[str, object] | None,
    choices: Callable[[Parameter], Sequence[Choice]] | None = None,
) -> Arguments:
    """Check ``arguments`` (name → a value or a list of values) against ``query``'s parameters.

    Empty texts count as "not given"; a parameter not given gets its default, or stays
    unbound. ``choices`` gives the allowed values of an ``iri`` or ``concept`` parameter
    (from the graph); without it only the form of such a value is checked. Raises
    :class:`ParameterError` naming the first parameter that is wrong, unknown or missing.
    """
    given = dict(arguments or {})
    known = {parameter.name for parameter in query.parameters}
    for name in given:
        if name not in known:
            accepted = ", ".join(sorted(known)) or "geen (none)"
            raise ParameterError(
                name, f"onbekend (unknown); deze vraag kent (this query takes): {accepted}"
            )
    bound: dict[str, tuple[Identifier, ...]] = {}
    for parameter in query.parameters:
        raw = [
            value
            for value in _as_list(given.get(parameter.name))
            if not (isinstance(value, str) and not value.strip())
        ]
        if len(raw) > 1 and not parameter.multiple:
            raise ParameterError(
                parameter.name, "neemt één waarde (takes one value), niet (not) " + str(len(raw))
            )
        terms = [parameter.coerce(value) for value in raw] or list(parameter.default)
        if not terms:
            if parameter.required:
                raise ParameterError(parameter.name, "is verplicht (is required)")
            continue
        if parameter.has_choices and choices is not None:
            allowed = choices(parameter)
            terms = [_resolve(parameter, term, allowed) for term in terms]
        unique = sorted(set(terms), key=lambda term: (str(term), term.n3()))
        bound[parameter.name] = tuple(unique)
    return Arguments(MappingProxyType(bound))


# --- parsing the header --------------------------------------------------------------------


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


def _texts(path: Path, line: int, key: str, value: object) -> Mapping[str, str]:
    """A ``title``, ``description`` or ``label``: a mapping language → text, or one text."""
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


def _key_lines(node: yaml.Node, first_line: int) -> dict[str, int]:
    """File line of each key of a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: first_line + key.start_mark.line
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def _value_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


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


def _parameter(
    path: Path,
    node: yaml.Node,
    data: object,
    first_line: int,
    prefixes: _Prefixes,
    variables: set[str],
) -> Parameter:
    line = first_line + node.start_mark.line
    if not isinstance(data, dict):
        raise CannedQueryError(
            path, line, "each parameter must be a mapping (name: ..., type: ...)"
        )
    lines = _key_lines(node, first_line)
    for key in data:
        if key not in PARAMETER_KEYS:
            raise CannedQueryError(
                path,
                lines.get(str(key), line),
                f"unknown parameter key '{key}' (known: {', '.join(sorted(PARAMETER_KEYS))})",
            )
    name = data.get("name")
    if not isinstance(name, str) or not PARAMETER_NAME.fullmatch(name):
        raise CannedQueryError(
            path,
            lines.get("name", line),
            "a parameter 'name' must be a variable name: a lower-case letter, then letters "
            "and digits",
        )
    if name in RESERVED_NAMES:
        raise CannedQueryError(path, lines["name"], f"'{name}' is reserved; choose another name")
    if name not in variables:
        raise CannedQueryError(
            path, lines["name"], f"parameter '{name}' is not a variable of the query (?{name})"
        )
    kind = data.get("type")
    if kind not in PARAMETER_TYPES:
        raise CannedQueryError(
            path,
            lines.get("type", line),
            f"parameter '{name}' needs a 'type': one of {', '.join(PARAMETER_TYPES)}",
        )
    needed = {"iri": "class", "concept": "scheme"}.get(kind)
    for key in ("class", "scheme"):
        if key in data and key != needed:
            raise CannedQueryError(
                path, lines[key], f"'{key}' does not apply to a parameter of type '{kind}'"
            )
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
    bounds: dict[str, int | None] = {}
    for key in ("minimum", "maximum"):
        value = data.get(key)
        if value is not None and (kind != "integer" or type(value) is not int):
            raise CannedQueryError(
                path, lines[key], f"'{key}' is a whole number, for an integer parameter only"
            )
        bounds[key] = value
    flags: dict[str, bool] = {}
    for key in ("required", "multiple"):
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise CannedQueryError(path, lines[key], f"'{key}' must be true or false")
        flags[key] = value
    label = (
        _texts(path, lines["label"], "label", data["label"])
        if "label" in data
        else MappingProxyType({})
    )
    description = (
        _texts(path, lines["description"], "description", data["description"])
        if "description" in data
        else MappingProxyType({})
    )
    parameter = Parameter(
        name=name,
        type=kind,
        label=label,
        description=description,
        required=flags["required"],
        multiple=flags["multiple"],
        class_iri=target if kind == "iri" else None,
        scheme=target if kind == "concept" else None,
        minimum=bounds["minimum"],
        maximum=bounds["maximum"],
        line=line,
    )
    if "default" not in data:
        return parameter
    default_line = lines["default"]
    if parameter.required:
        raise CannedQueryError(path, default_line, "a required parameter has no default")
    raw_default = data["default"]
    values = raw_default if isinstance(raw_default, list) else [raw_default]
    if isinstance(raw_default, list) and not parameter.multiple:
        raise CannedQueryError(path, default_line, "a list as default needs 'multiple: true'")
    terms: list[Identifier] = []
    for value in values:
        if parameter.has_choices and isinstance(value, str):
            value = prefixes.expand(value) or value
        try:
            terms.append(parameter.coerce(value))
        except ParameterError as error:
            raise CannedQueryError(path, default_line, f"bad default: {error}") from None
    return dataclasses.replace(parameter, default=tuple(terms))


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
    lines = _key_lines(node, first_line)
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
    try:
        form = next(
            (
                token
                for token in tokens(sparql)
                if token.kind == "word"
                and token.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
            ),
            None,
        )
        variables = projection(sparql) if form and form.text.upper() == "SELECT" else None
    except ScanError as error:
        raise CannedQueryError(path, sparql_line, f"the SPARQL cannot be read: {error}") from None
    if form is None or form.text.upper() != "SELECT":
        line = sparql_line + (sparql[: form.start].count("\n") if form else 0)
        raise CannedQueryError(path, line, "a canned query is a SELECT query")
    view = data.get("view", "table")
    if view not in VIEWS:
        raise CannedQueryError(
            path, lines.get("view", first_line), f"'view' must be one of {', '.join(VIEWS)}"
        )
    if view == "map" and "geometry" not in (variables or ()):
        raise CannedQueryError(
            path, lines["view"], "a 'map' view needs a ?geometry column (WKT) in the SELECT"
        )
    raw_parameters = data.get("parameters", [])
    parameters_node = _value_node(node, "parameters")
    if not isinstance(raw_parameters, list) or (
        raw_parameters and not isinstance(parameters_node, yaml.SequenceNode)
    ):
        raise CannedQueryError(
            path, lines.get("parameters", first_line), "'parameters' must be a list"
        )
    prefixes = _Prefixes(sparql)
    used = {token.text for token in tokens(sparql) if token.kind == "var"}
    parameters: list[Parameter] = []
    for item_node, item in zip(
        parameters_node.value if isinstance(parameters_node, yaml.SequenceNode) else [],
        raw_parameters,
        strict=True,
    ):
        parameter = _parameter(path, item_node, item, first_line, prefixes, used)
        if any(other.name == parameter.name for other in parameters):
            raise CannedQueryError(
                path, parameter.line, f"parameter '{parameter.name}' is declared twice"
            )
        parameters.append(parameter)
    return CannedQuery(
        name=name,
        title=title,
        description=description,
        sparql=sparql,
        path=path,
        tags=tuple(tags),
        parameters=tuple(parameters),
        view=view,
        variables=variables or (),
    )


def load_canned_queries(folder: Path) -> tuple[CannedQuery, ...]:
    """Every ``*.rq`` directly in ``folder`` (not in sub-folders such as ``qc/``), by name."""
    return tuple(parse_canned_query(path) for path in sorted(Path(folder).glob("*.rq")))

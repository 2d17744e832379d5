"""A recursive-descent parser of Turtle 1.1 (section 6.5) that records where things are written.

It runs on text that the engine's strict parser already accepted (:mod:`server.store.syntax`),
so it checks little itself; what it adds is the line of every subject and predicate
(:class:`LineIndex`) and blank node identifiers that are stable per file. RDF 1.2 syntax that
the engine also reads raises :class:`UnsupportedSyntax`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from server.build.turtle.tokens import Token, iri_body, local_name, tokenize, unescape_string

__all__ = ["Grammar", "LineIndex", "UnsupportedSyntax", "blank_prefix", "quiet_literals"]

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass
class LineIndex:
    """Lines (1-based) where nodes and statements are written in one Turtle file."""

    subjects: dict[Node, int] = field(default_factory=dict)
    statements: dict[tuple[Node, Node], int] = field(default_factory=dict)

    def line_of(self, node: Node) -> int | None:
        """The line of the first statement with ``node`` as subject (for ``[ ... ]`` blank nodes
        the line of the ``[``, for collection nodes the line of the item), or ``None``."""
        return self.subjects.get(node)

    def line_of_triple(self, subject: Node, predicate: Node) -> int | None:
        """The line of ``predicate`` in the first statement about ``subject``, or ``None``."""
        return self.statements.get((subject, predicate))

    def add_subject(self, node: Node, line: int) -> None:
        """Record ``line`` for ``node`` unless an earlier line is known."""
        self.subjects.setdefault(node, line)

    def add_statement(self, subject: Node, predicate: Node, line: int) -> None:
        """Record ``line`` for ``subject predicate`` unless an earlier line is known."""
        self.statements.setdefault((subject, predicate), line)


def blank_prefix(path: Path) -> str:
    """How the blank nodes of the file at ``path`` begin (``r`` and 8 hex digits of the path):
    ``_:x`` is ``<prefix>lx``, the n-th ``[ ]`` or collection node ``<prefix>an``."""
    return "r" + hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]


@contextmanager
def quiet_literals() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal (``"abc"^^xsd:date``) it makes; SHACL
    reports them, so the parser keeps it quiet."""
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        term_log.setLevel(level)


class UnsupportedSyntax(Exception):
    """Syntax this parser refuses (RDF 1.2 additions), at ``token``."""

    def __init__(self, token: Token, message: str) -> None:
        super().__init__(message)
        self.token = token
        self.message = message


class _Terms:
    """What names mean in one file: its prefixes and base, and its blank node labels."""

    def __init__(self, path: Path) -> None:
        self.prefixes: dict[str, str] = {}
        self.base: str | None = None
        self.prefix = blank_prefix(path)
        self.anonymous = 0

    def fresh(self) -> BNode:
        """A new blank node for ``[ ]`` or a collection item."""
        self.anonymous += 1
        return BNode(f"{self.prefix}a{self.anonymous}")

    def iri(self, token: Token) -> str:
        """The absolute IRI of an ``IRI`` token."""
        if token.kind != "IRI":  # pragma: no cover - the engine accepted the file
            raise UnsupportedSyntax(token, "expected an IRI")
        iri = iri_body(token)
        if self.base is None or _ABSOLUTE.match(iri):
            return iri
        return urljoin(self.base, iri)

    def term(self, token: Token) -> Node:
        """The node an IRI, prefixed name or blank node label stands for."""
        if token.kind == "IRI":
            return URIRef(self.iri(token))
        if token.kind == "PNAME":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:  # pragma: no cover - the engine checks this
                raise UnsupportedSyntax(token, f"the prefix {prefix}: has not been declared")
            return URIRef(self.prefixes[prefix] + local_name(local))
        if token.kind == "BNODE":
            return BNode(f"{self.prefix}l{token.text[2:]}")
        if token.kind == "TRIPLE_TERM":
            raise UnsupportedSyntax(
                token, f"'{token.text}' is RDF 1.2 syntax; Turtle 1.1 forbids it"
            )
        raise UnsupportedSyntax(token, f"unexpected '{token.text}'")  # pragma: no cover

    @staticmethod
    def bare_literal(token: Token) -> Literal | None:
        """The literal a number or ``true``/``false`` stands for, else ``None``."""
        if token.kind == "NUMBER":
            if "e" in token.text.lower():
                datatype = XSD.double
            elif "." in token.text:
                datatype = XSD.decimal
            else:
                datatype = XSD.integer
            return Literal(token.text, datatype=datatype, normalize=False)
        if token.kind == "WORD" and token.text in ("true", "false"):
            return Literal(token.text, datatype=XSD.boolean, normalize=False)
        return None


class Grammar:
    """Parses one file's tokens into :attr:`graph`, recording lines in :attr:`lines`."""

    def __init__(self, text: str, path: Path) -> None:
        self.tokens = list(tokenize(text))
        self.pos = 0
        self.graph = Graph()
        self.lines = LineIndex()
        self.terms = _Terms(path)

    # -- the token cursor
    def peek(self) -> Token | None:
        """The next token, or ``None`` at the end."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at(self, text: str) -> bool:
        """Whether the next token is ``text``."""
        return self.pos < len(self.tokens) and self.tokens[self.pos].text == text

    def next(self) -> Token:
        """Take the next token."""
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def expect(self, text: str) -> Token:
        """Take the next token, which must be ``text``."""
        token = self.next()
        if token.text != text:  # pragma: no cover - the engine accepted the file
            raise UnsupportedSyntax(token, f"expected '{text}'")
        return token

    def run(self) -> None:
        """Parse every statement; :class:`UnsupportedSyntax` for RDF 1.2 syntax."""
        with quiet_literals():
            while self.peek() is not None:
                self.statement()

    # -- grammar (Turtle 1.1, section 6.5)
    def statement(self) -> None:
        """A directive or a block of triples."""
        token = self.peek()
        assert token is not None
        lowered = token.text.lower()
        if token.text in ("@prefix", "@base") or (
            token.kind == "WORD" and lowered in ("prefix", "base")
        ):
            self.directive(self.next())
            return
        if token.text == "@version" or (token.kind == "WORD" and lowered == "version"):
            raise UnsupportedSyntax(
                token, "VERSION is RDF 1.2 syntax; Turtle 1.1 does not allow it"
            )
        if token.text == "[":
            node = self.blank_node_property_list()
            if not self.at("."):
                self.predicate_object_list(node)
        else:
            self.predicate_object_list(self.subject())
        self.expect(".")

    def directive(self, keyword: Token) -> None:
        """``@prefix``/``PREFIX`` or ``@base``/``BASE`` after ``keyword``."""
        if keyword.text.lower().lstrip("@") == "prefix":
            name = self.next().text[:-1]
            self.terms.prefixes[name] = self.terms.iri(self.next())
            self.graph.bind(name, URIRef(self.terms.prefixes[name]), override=True, replace=True)
        else:
            self.terms.base = self.terms.iri(self.next())
        if keyword.text.startswith("@"):
            self.expect(".")

    def subject(self) -> Node:
        """The subject of a triples block."""
        token = self.peek()
        assert token is not None
        if token.text == "(":
            return self.collection()
        node = self.terms.term(self.next())
        self.lines.add_subject(node, token.line)
        return node

    def predicate_object_list(self, subject: Node) -> None:
        """``verb object, ...; verb object ...`` about ``subject``."""
        while True:
            verb = self.next()
            predicate = RDF.type if verb.text == "a" else self.terms.term(verb)
            self.lines.add_subject(subject, verb.line)
            self.lines.add_statement(subject, predicate, verb.line)
            while True:
                self.graph.add((subject, predicate, self.object()))
                if self.at(","):
                    self.next()
                    continue
                break
            while self.at(";"):
                self.next()
            after = self.peek()
            if after is None or after.text in (".", "]") or self.tokens[self.pos - 1].text != ";":
                return

    def object(self) -> Node:
        """An object: a node, a literal, ``[ ... ]`` or a collection."""
        token = self.peek()
        assert token is not None
        if token.text == "[":
            return self.blank_node_property_list()
        if token.text == "(":
            return self.collection()
        self.next()
        if token.kind in ("STRING", "STRING_LONG"):
            return self.literal(token)
        bare = self.terms.bare_literal(token)
        return bare if bare is not None else self.terms.term(token)

    def literal(self, token: Token) -> Literal:
        """A quoted literal with its language tag or datatype, if any."""
        quote = 3 if token.kind == "STRING_LONG" else 1
        lexical = unescape_string(token.text[quote:-quote])
        after = self.peek()
        if after is not None and after.kind == "LANGTAG":
            self.next()
            if "--" in after.text:
                raise UnsupportedSyntax(after, "directional language tags are RDF 1.2 syntax")
            return Literal(lexical, lang=after.text[1:].lower())
        if after is not None and after.kind == "DATATYPE":
            self.next()
            datatype = self.terms.term(self.next())
            return Literal(lexical, datatype=str(datatype), normalize=False)
        return Literal(lexical)

    def blank_node_property_list(self) -> BNode:
        """``[ ... ]``: a new blank node with the statements inside."""
        open_token = self.expect("[")
        node = self.terms.fresh()
        self.lines.add_subject(node, open_token.line)
        if not self.at("]"):
            self.predicate_object_list(node)
        self.expect("]")
        return node

    def collection(self) -> Node:
        """``( ... )``: an RDF list (``rdf:nil`` when empty)."""
        open_token = self.expect("(")
        items: list[tuple[Node, int]] = []
        while not self.at(")"):
            line = self.tokens[self.pos].line
            items.append((self.object(), line))
        self.expect(")")
        if not items:
            return RDF.nil
        nodes = [self.terms.fresh() for _ in items]
        for index, (item, line) in enumerate(items):
            node = nodes[index]
            self.lines.add_subject(node, open_token.line if index == 0 else line)
            self.graph.add((node, RDF.first, item))
            rest = nodes[index + 1] if index + 1 < len(nodes) else RDF.nil
            self.graph.add((node, RDF.rest, rest))
        return nodes[0]

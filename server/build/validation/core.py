"""pySHACL's rules for value nodes, for the compiled shapes (:mod:`.engine`): which nodes a
shape targets, which values a path gives, and when a value has a class, a datatype, a string
form or a language. Each follows the pySHACL function named in its docstring, so the fast path
decides as the reference does.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

if TYPE_CHECKING:
    from server.build.validation.engine import Shape

__all__ = ["as_string", "focus_nodes", "has_datatype", "in_languages", "is_instance", "values_of"]

#: pySHACL's check of a literal's value for the datatypes it knows.
_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


# rdflib's namespaces make each term anew on attribute access: the hot paths use these.
_TYPE, _SUBCLASS_OF = RDF.type, RDFS.subClassOf
_LITERAL, _DATATYPE, _STRING, _LANG_STRING = RDFS.Literal, RDFS.Datatype, XSD.string, RDF.langString
_PLAIN = (None, _LANG_STRING, _STRING)


def focus_nodes(shape: Shape, data: Graph) -> set[Node]:
    found: set[Node] = set()
    for kind, value in shape.targets:
        if kind == SH.targetClass:
            for cls in data.transitive_subjects(_SUBCLASS_OF, value):
                found.update(data.subjects(_TYPE, cls))
        elif kind == SH.targetSubjectsOf:
            found.update(data.subjects(value, None))
        elif kind == SH.targetObjectsOf:
            found.update(data.objects(None, value))
        else:
            found.add(value)
    return found


def values_of(shape: Shape, focus: Node, data: Graph) -> list[Node]:
    """The distinct value nodes of ``focus`` along the shape's path."""
    seen: dict[Node, None] = {}
    for predicate, inverse in shape.steps:
        found = data.subjects(predicate, focus) if inverse else data.objects(focus, predicate)
        for value in found:
            seen.setdefault(value)
    return list(seen)


def is_instance(
    value: Node, cls: Node, data: Graph, supers: dict[Node, set[Node]] | None = None
) -> bool:
    """pySHACL's ``sh:class``: a type of ``value`` is ``cls`` or a subclass of it.
    ``supers``: the superclasses of each type found so far in ``data`` (kept by the caller
    while ``data`` does not change)."""
    if isinstance(value, Literal):
        return False
    for kind in data.objects(value, _TYPE):
        if kind == cls:
            return True
        found = None if supers is None else supers.get(kind)
        if found is None:
            found = {n for n in data.transitive_objects(kind, _SUBCLASS_OF) if n is not None}
            if supers is not None:
                supers[kind] = found
        if cls in found:
            return True
    return False


def has_datatype(value: Node, rule: Node) -> bool:
    """pySHACL's ``sh:datatype`` (DatatypeConstraintComponent.evaluate)."""
    if not isinstance(value, Literal):
        return False
    if value.datatype == rule:
        return getattr(value, "ill_typed", None) is not True and _actual(value, rule)
    if rule == _LITERAL:
        return True
    if rule == _DATATYPE and value.datatype:
        return True
    if value.datatype is None and value.language is None and rule == _STRING:
        return _actual(value, rule)
    if rule == _LANG_STRING and value.language:
        return _actual(value, rule)
    return False


def _actual(value: Literal, rule: Node) -> bool:
    expected = _VALUE_TYPES.get(rule)  # type: ignore[call-overload]
    return True if expected is None else isinstance(value.value, expected)


def as_string(value: Node) -> str:
    """pySHACL's string of a value node (for ``sh:pattern``)."""
    if isinstance(value, Literal) and value.value is not None and value.datatype in _PLAIN:
        return str(value.value)
    return str(value)


def in_languages(value: Node, languages: set[str]) -> bool:
    """pySHACL's ``sh:languageIn`` (the whole tag or its first subtag is in the list)."""
    if not isinstance(value, Literal) or not value.language:
        return False
    if "*" in languages:
        return True
    lang = str(value.language).lower()
    return lang in languages or lang.split("-")[0] in languages

"""The IRI rules of server/rdf/iris.py: what is an IRI (RFC 3987), and what may be a link."""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from server.rdf.iris import IriMap, link_target, valid_iri

#: Characters that matter to the grammar: delimiters, forbidden ASCII, percent signs, and
#: code points inside and outside RFC 3987's ucschar and iprivate ranges.
_ALPHABET = [
    *"abXZ09-._~:/?#[]@!$&'()*+,;=% <>\"{}|\\^`\x00\x7f\x80\xa0é",
    "\ufffd",
    "\ufdd0",
    "\uffef",
    "\ue000",
    "\U0001fffd",
    "\U0001fffe",
    "\U000f0000",
    "\U0010fffd",
]
_STARTS = ["https://w3id.org/regiograaf/id/", "http://", "https://[", "urn:", "x://a:", "a:"]


@seed(20261207)
@settings(max_examples=3000, deadline=None, database=None)
@given(st.sampled_from(_STARTS), st.text(st.sampled_from(_ALPHABET), max_size=24))
def test_every_valid_iri_is_one_the_store_accepts(start: str, rest: str) -> None:
    """A page asks the store only about IRIs ``valid_iri`` passes: the store must take each
    (an IRI it refuses was a 500 before)."""
    iri = start + rest
    if valid_iri(iri):
        pyoxigraph.NamedNode(iri)


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/regiograaf/id/gemeente/gm0599",
        "https://[::1]:8080/a?b=c#d",
        "urn:isbn:9789012345678",
        "mailto:info@example.org",
        "https://example.org/é?\ue000",
    ],
)
def test_iris(iri: str) -> None:
    assert valid_iri(iri)


@pytest.mark.parametrize(
    "iri",
    [
        "https://w3id.org/regiograaf/id/\ufffd",
        "https://example.org/%zz",
        "https://example.org/a#b#c",
        "https://example.org/\ue000",
        "https://[zz]/",
        "http://:a",
        "https://example.org/a b",
        "/doc/relative",
    ],
)
def test_not_iris(iri: str) -> None:
    assert not valid_iri(iri)


def test_a_link_outside_the_base_is_the_iri_only_when_it_may_be_one() -> None:
    pages = IriMap.for_base("https://w3id.org/regiograaf/")
    assert pages.href("https://w3id.org/regiograaf/id/gemeente/gm0599") == "/doc/gemeente/gm0599"
    assert pages.href("https://example.org/x") == "https://example.org/x"
    assert pages.href("javascript:alert(1)") is None
    assert pages.href("data:text/html,x") is None
    assert link_target("mailto:a@example.org") == "mailto:a@example.org"

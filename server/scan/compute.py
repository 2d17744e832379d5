"""Computing a Strategiescan: the ``scan-*`` canned queries, run on a store, turned into a
:class:`~server.scan.model.Scan`.

The queries about the whole region (``scan-gemeente``, ``scan-waardeketen``,
``scan-aansluiting``), and those that cost as much for all members as for one
(``scan-open-doelen``, ``scan-samenwerking``: their subqueries cannot see the parameter;
``scan-gaten``: the engine finds every member's gaps before it joins the one given), run
without a municipality, so their answers are cached once per data version and shared by
every scan. They are kept in a cache of their own (:data:`REGION_RESULTS`), not in the results
cache of every canned query (:data:`server.canned.running.RESULTS`): with 100,000 projects a
few members' project lists fill that one and would push out these answers, which cost seconds
each. The others run for the one municipality, except ``scan-leerprojecten``, which runs
once per gap stage and whose answer every municipality with that gap shares.
Every query gets the language (``taal``) of the names it returns.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any, Final

from server.canned.running import RESULTS, CannedResult, run_canned_query
from server.errors import NotFound
from server.messages import N_
from server.scan import sections
from server.scan.model import Gap, Municipality, Scan
from server.settings import Settings
from server.store import QueriesBusy, Store
from server.store.cache import ResultsCache

__all__ = [
    "CBS_CODE",
    "LANGUAGES",
    "QUERIES",
    "REGION_QUERIES",
    "REGION_RESULTS",
    "FormerMember",
    "UnknownMunicipality",
    "compute_scan",
    "current_members",
    "find_municipality",
    "warm_up",
]

#: A CBS municipality code as the scan's URL has it: ``gm`` and four digits.
CBS_CODE: Final = re.compile(r"gm[0-9]{4}")
#: The languages a scan is made in (Dutch first).
LANGUAGES: Final = ("nl", "en")
#: Seconds the warm-up goes on asking a query the server refused as busy, and between tries.
WARM_UP_PATIENCE: Final = 300.0
WARM_UP_RETRY: Final = 2.0
#: The canned queries a scan is computed from, in the order of its sections.
QUERIES: Final = (
    "scan-strategie",
    "scan-doelen",
    "scan-open-doelen",
    "scan-waardeketen",
    "scan-volwassenheid",
    "scan-projecten",
    "scan-gaten",
    "scan-leerprojecten",
    "scan-samenwerking",
    "scan-aansluiting",
)
#: The queries about the whole region, run without a municipality (their answers are shared
#: by every scan; see the module docstring).
REGION_QUERIES: Final = (
    "scan-gemeente",
    "scan-waardeketen",
    "scan-aansluiting",
    "scan-open-doelen",
    "scan-samenwerking",
    "scan-gaten",
)
#: The region-wide answers of this process (see the module docstring): every language of
#: every region query, for the data version being served (an answer for a new version drops
#: those of the old one).
REGION_RESULTS: ResultsCache[CannedResult] = ResultsCache(
    max_entries=len(LANGUAGES) * len(REGION_QUERIES)
)


class UnknownMunicipality(NotFound):
    """No municipality has this CBS code."""

    def __init__(self, cbs: str) -> None:
        code = repr(cbs[:12])
        super().__init__(self.translating(N_("Geen gemeente met CBS-code %(code)s"), code=code))
        self.cbs = cbs


class FormerMember(NotFound):
    """The municipality is not a member of the MRDH now: no scan; its successor, if any."""

    def __init__(self, municipality: Municipality) -> None:
        name = municipality.name
        super().__init__(self.translating(N_("%(name)s is geen lid van de MRDH meer"), name=name))
        self.municipality = municipality


def _records(
    store: Store, settings: Settings, name: str, arguments: Mapping[str, object]
) -> tuple[Mapping[str, Any], ...]:
    region_wide = name in REGION_QUERIES and "gemeente" not in arguments
    cache = REGION_RESULTS if region_wide else RESULTS
    return run_canned_query(name, arguments, store=store, settings=settings, cache=cache).records


def all_municipalities(store: Store, settings: Settings, lang: str) -> dict[str, Municipality]:
    """Every municipality by lower-case CBS code, names in ``lang`` (cached per version)."""
    rows = _records(store, settings, "scan-gemeente", {"taal": lang})
    return sections.municipalities(rows)


def current_members(store: Store, settings: Settings, lang: str) -> list[Municipality]:
    """The current MRDH members, by name."""
    found = all_municipalities(store, settings, lang).values()
    return sorted((m for m in found if m.member), key=lambda m: m.name.casefold())


def find_municipality(store: Store, settings: Settings, cbs: str, lang: str) -> Municipality:
    """The current member with CBS code ``cbs`` (lower case); :class:`UnknownMunicipality`
    or :class:`FormerMember` (both 404) otherwise."""
    municipality = all_municipalities(store, settings, lang).get(cbs)
    if municipality is None:
        raise UnknownMunicipality(cbs)
    if not municipality.member:
        raise FormerMember(municipality)
    return municipality


def compute_scan(store: Store, settings: Settings, cbs: str, lang: str = "nl") -> Scan:
    """The Strategiescan of the current member ``cbs`` (e.g. ``gm0503``) in ``lang``."""
    municipality = find_municipality(store, settings, cbs, lang)
    iri = municipality.iri
    own = {"gemeente": iri, "taal": lang}
    region = {"taal": lang}

    def rows(name: str, arguments: Mapping[str, object]) -> tuple[Mapping[str, Any], ...]:
        return _records(store, settings, name, arguments)

    def own_rows(name: str) -> list[Mapping[str, Any]]:
        """The municipality's rows of a query that costs as much for every member as for
        one (its subqueries see no parameter): run for all, cached, then picked."""
        return [row for row in rows(name, region) if row["gemeente"] == iri]

    metadata = store.metadata()
    value_chain = sections.value_chain(
        rows("scan-waardeketen", region),
        rows("scan-volwassenheid", own),
        rows("scan-projecten", own),
        iri,
    )
    active = {row.stage: row.active for row in value_chain.rows}
    return Scan(
        municipality=municipality,
        lang=lang,
        data_version=store.data_version(),
        built=str(metadata["generated_at"]) if metadata.get("generated_at") else None,
        strategy=sections.strategy(
            rows("scan-strategie", own), rows("scan-doelen", own), own_rows("scan-open-doelen")
        ),
        value_chain=value_chain,
        gaps=_gaps(store, settings, municipality, lang, active),
        partners=sections.partners(own_rows("scan-samenwerking"), value_chain.projects),
        alignment=sections.alignment_section(rows("scan-aansluiting", region), iri),
    )


def _gaps(
    store: Store,
    settings: Settings,
    municipality: Municipality,
    lang: str,
    active: Mapping[str, int],
) -> tuple[Gap, ...]:
    """The section *Gaten*: the municipality's gaps, and for each gap where other members are
    active their most experienced projects (one answer per stage, the same for every
    municipality, so cached for all)."""
    everyone = _records(store, settings, "scan-gaten", {"taal": lang})
    found = [row for row in everyone if row["gemeente"] == municipality.iri]
    stages = {str(row["schakel"]) for row in found if active.get(str(row["schakel"]), 0)}
    learning = {
        stage: _records(store, settings, "scan-leerprojecten", {"schakel": stage, "taal": lang})
        for stage in sorted(stages)
    }
    known = {m.iri: m for m in all_municipalities(store, settings, lang).values()}
    return sections.gaps(found, active, learning, known)


def warm_up(store: Store, settings: Settings, *, patience: float = WARM_UP_PATIENCE) -> None:
    """Run the region-wide queries in every language, so that their answers are cached before
    the first visitor asks: the first scan after a start then costs what any other does
    (with 100,000 projects they take some ten seconds together). A query refused because the
    server's long-query slots are all taken is asked again a little later, until ``patience``
    seconds after the warm-up began."""
    give_up = time.monotonic() + patience
    for lang in LANGUAGES:
        for name in REGION_QUERIES:
            while True:
                try:
                    _records(store, settings, name, {"taal": lang})
                    break
                except QueriesBusy:
                    if time.monotonic() >= give_up:
                        raise
                    time.sleep(WARM_UP_RETRY)

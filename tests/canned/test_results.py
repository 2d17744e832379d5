"""Every canned query on the hand-written fixture (tests/data/queries, see its README.md): the
exact answer, with and without parameters, through :func:`run_canned_query`; part 1: the value
chain, goals and principles (part 2 is test_results_projects.py).

IRIs are written without ``https://w3id.org/regiograaf/id/`` (``gemeente/gm0503``). The
expected answers were worked out by hand from the fixture's table, not copied from a run;
``voorbeeld`` is true on exactly the rows that would not be in the answer without the invented
examples x1, x2, XG1, XG2, XR1 (test_examples.py checks that for every query). Where SPARQL
leaves an order undefined (the values inside one GROUP_CONCAT), the pieces are compared as a
set.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from rdflib import Literal, URIRef

from server.canned import running
from server.canned.errors import ParameterError
from server.canned.running import (
    CannedResult,
    UnknownQuery,
    bound_sparql,
    canned_queries,
    parameter_choices,
    run_canned_query,
)
from server.store.cache import ResultsCache
from server.store.values import values_block
from tests.canned.fixture import (
    BRIELLE,
    DELFT,
    ID,
    P1,
    P2,
    P3,
    P4,
    P5,
    SCHIEDAM,
    WESTLAND,
    X1,
    run,
)
from tests.support import BuiltStore


def test_there_are_at_least_twelve_queries(canned_store: BuiltStore) -> None:
    names = set(canned_queries(canned_store.settings))
    assert len(names) >= 12
    assert {
        "waardeketen-matrix",
        "waardeketen-gaten",
        "doelen-zonder-aansluiting",
        "doelen-zonder-bijdrage",
        "aansluitingsscore",
        "samenwerkingskansen",
        "lerende-partners",
        "bijdragen-aan-principes",
        "bouwstenen-per-schakel",
        "vergelijkbare-projecten",
        "projecttijdlijn",
        "gemeente-profiel",
    } <= names


# --- the value chain -----------------------------------------------------------------------


def matrix_row(code: str, name: str, *counts: int, example: bool) -> dict[str, Any]:
    keys = ("infrastructuur", "data", "toepassingen", "waarde", "randvoorwaarden", "totaal")
    return {
        "gemeente": f"gemeente/{code}",
        "naam": name,
        **dict(zip(keys, counts, strict=True)),
        "voorbeeld": example,
    }


def test_waardeketen_matrix(canned_store: BuiltStore) -> None:
    # Current members only (not Brielle); p8 is led by MRDH, not a municipality.
    delft = matrix_row(DELFT, "Delft", 1, 1, 0, 1, 0, 3, example=True)  # x2: societal value
    schiedam = matrix_row(SCHIEDAM, "Schiedam", 0, 0, 1, 0, 1, 2, example=False)
    # p5 is in two stages; x1 (data) is an example.
    westland = matrix_row(WESTLAND, "Westland", 1, 2, 1, 0, 0, 3, example=True)
    assert run(canned_store, "waardeketen-matrix") == [delft, schiedam, westland]
    assert run(canned_store, "waardeketen-matrix", gemeente=[SCHIEDAM, WESTLAND]) == [
        schiedam,
        westland,
    ]


def gap(code: str, name: str, stage: str, stage_name: str, kind: str, others: int, example: bool):
    return {
        "gemeente": f"gemeente/{code}",
        "naam": name,
        "schakel": f"waardeketen/{stage}",
        "schakelNaam": stage_name,
        "soort": kind,
        "elders": others,
        "voorbeeld": example,
    }


def test_waardeketen_gaten(canned_store: BuiltStore) -> None:
    # "elders" counts the current members active in the stage (Brielle's p7 does not count);
    # it is marked when an example (x2, societal value) is what makes a municipality count.
    apps = ("toepassingen-en-diensten", "Toepassingen en diensten", "schakel")
    value = ("maatschappelijke-waarde", "Maatschappelijke waarde", "schakel")
    governance = ("governance-en-regie", "Governance en regie", "randvoorwaarde")
    public = ("publieke-waarden", "Publieke waarden", "randvoorwaarde")
    infra = ("digitale-infrastructuur", "Digitale infrastructuur", "schakel")
    delft = [
        gap(DELFT, "Delft", *apps, 2, False),
        gap(DELFT, "Delft", *governance, 1, False),
        gap(DELFT, "Delft", *public, 1, False),
    ]
    schiedam = [
        gap(SCHIEDAM, "Schiedam", *infra, 2, False),
        gap(SCHIEDAM, "Schiedam", *value, 1, True),
    ]
    westland = [
        gap(WESTLAND, "Westland", *value, 1, True),
        gap(WESTLAND, "Westland", *governance, 1, False),
        gap(WESTLAND, "Westland", *public, 1, False),
    ]
    assert run(canned_store, "waardeketen-gaten") == delft + schiedam + westland
    assert run(canned_store, "waardeketen-gaten", gemeente=SCHIEDAM) == schiedam


def test_bouwstenen_per_schakel(canned_store: BuiltStore) -> None:
    def row(stage: str, stage_name: str, kind: str, item: str, title: str, *project: str) -> dict:
        found = {
            "schakel": f"waardeketen/{stage}",
            "schakelNaam": stage_name,
            "soort": kind,
            "item": f"{'bouwsteen' if kind == 'bouwsteen' else 'handelingsperspectief'}/{item}",
            "titel": title,
            "voorbeeld": project[0] == X1 if project else False,
        }
        if project:
            found.update(
                project=f"project/{project[0]}",
                projectTitel=project[1],
                trekkerNaam=project[2],
            )
        return found

    infra = ("digitale-infrastructuur", "Digitale infrastructuur")
    data = ("data", "Data")
    expected_infra = [
        row(*infra, "bouwsteen", "iot-sensornetwerk", "IoT-sensornetwerk",
            P4, "Meetnet wateroverlast kassen", "Westland"),
        row(*infra, "bouwsteen", "iot-sensornetwerk", "IoT-sensornetwerk",
            P1, "Sensoren tegen wateroverlast", "Delft"),
        row(*infra, "handelingsperspectief", "sensorbeleid-opstellen", "Sensorbeleid opstellen",
            P1, "Sensoren tegen wateroverlast", "Delft"),
    ]  # fmt: skip
    expected_data = [
        row(*data, "bouwsteen", "dataplatform", "Dataplatform",
            P5, "Energiedata glastuinbouw", "Westland"),
        row(*data, "bouwsteen", "dataplatform", "Dataplatform",
            P2, "Energiedata-platform", "Delft"),
        # The invented x1 applies it too: that row is marked.
        row(*data, "bouwsteen", "dataplatform", "Dataplatform",
            X1, "Slimme kassen (voorbeeld)", "Westland"),
    ]  # fmt: skip
    # An action perspective without projects is listed too.
    governance = [
        row("governance-en-regie", "Governance en regie", "handelingsperspectief",
            "regionaal-samenwerken", "Regionaal samenwerken"),
    ]  # fmt: skip
    assert (
        run(canned_store, "bouwstenen-per-schakel") == expected_infra + expected_data + governance
    )
    assert run(canned_store, "bouwstenen-per-schakel", schakel="digitale-infrastructuur") == (
        expected_infra
    )
    assert run(canned_store, "bouwstenen-per-schakel", schakel=["data", "governance-en-regie"]) == (
        expected_data + governance
    )
    assert run(canned_store, "bouwstenen-per-schakel", schakel="maatschappelijke-waarde") == []


# --- goals, alignment and principles -------------------------------------------------------


def goal(ref: str, title: str, code: str, name: str, example: bool = False) -> dict:
    return {
        "doel": f"doel/{ref}",
        "titel": title,
        "gemeente": f"gemeente/{code}",
        "gemeenteNaam": name,
        "voorbeeld": example,
    }


def test_doelen_zonder_aansluiting(canned_store: BuiltStore) -> None:
    # D2 is a sub-goal of D1, which aligns with R1: both count as aligned. S2 only aligns with
    # a national goal. XG2 is an invented Delft goal, aligned with nothing.
    delft = goal("voorbeeld-delft-open-data", "Voorbeeld: open data in Delft", DELFT, "Delft", True)
    schiedam = goal("fixture-schiedam-vaardig", "Schiedam digitaal vaardig", SCHIEDAM, "Schiedam")
    westland = goal("fixture-westland-water", "Droge voeten in het Westland", WESTLAND, "Westland")
    assert run(canned_store, "doelen-zonder-aansluiting") == [delft, schiedam, westland]
    assert run(canned_store, "doelen-zonder-aansluiting", gemeente=DELFT) == [delft]
    assert run(canned_store, "doelen-zonder-aansluiting", gemeente=[WESTLAND]) == [westland]


def test_doelen_zonder_bijdrage_uses_the_inferred_graph(canned_store: BuiltStore) -> None:
    # R1 only has an indirect contribution (p1 -> D2 -> D1 -> R1), PG2 too (p3 -> S1 -> PG2):
    # both are left out because of rg:contributesIndirectlyTo in .../graph/inferred.
    assert run(canned_store, "doelen-zonder-bijdrage") == [
        {
            "doel": "doel/fixture-pzh-vaardigheden",
            "titel": "Digitale vaardigheden",
            "niveau": "provinciaal",
            "organisatie": "organisatie/provincie-zuid-holland",
            "organisatieNaam": "Provincie Zuid-Holland",
            "voorbeeld": False,
        },
        {
            "doel": "doel/voorbeeld-mrdh-datadeling",
            "titel": "Voorbeeld: regionale datadeling",
            "niveau": "regionaal",
            "organisatie": "organisatie/mrdh",
            "organisatieNaam": "Metropoolregio Rotterdam Den Haag",
            "voorbeeld": True,
        },
    ]


def test_aansluitingsscore_ranked(canned_store: BuiltStore) -> None:
    def score(code: str, name: str, value: int, aligned: int, projects: int) -> dict:
        return {
            "gemeente": f"gemeente/{code}",
            "naam": name,
            "score": value,
            "aansluitend": aligned,
            "projecten": projects,
            # Every current member takes part in an invented project (x1 or x2).
            "voorbeeld": True,
        }

    # Delft: p1 (D2 -> D1 -> R1), p2 (PG1), p8 (R2) of p1, p2, p8, x2: 3 of 4.
    # Schiedam: p2, p3 (S1 -> PG2), x1 (XG1 -> PG2) of p2, p3, p6, x1: 3 of 4.
    # Westland: p8, x1 of p4, p5, p8, x1: 2 of 4. Brielle is no member any more.
    assert run(canned_store, "aansluitingsscore") == [
        score(DELFT, "Delft", 75, 3, 4),
        score(SCHIEDAM, "Schiedam", 75, 3, 4),
        score(WESTLAND, "Westland", 50, 2, 4),
    ]
    assert run(canned_store, "aansluitingsscore", gemeente=SCHIEDAM) == [
        score(SCHIEDAM, "Schiedam", 75, 3, 4)
    ]


def test_bijdragen_aan_principes(canned_store: BuiltStore) -> None:
    def row(principle: tuple[str, str], project: tuple[str, str, str, str], how: str, via=""):
        found = {
            "principe": f"principe/{principle[0]}",
            "principeTitel": principle[1],
            "project": f"project/{project[0]}",
            "projectTitel": project[1],
            "trekker": f"gemeente/{project[2]}",
            "trekkerNaam": project[3],
            "wijze": how,
            "voorbeeld": project[0] == X1,
        }
        return {**found, "via": via} if via else found

    p1_ = ("pzh-waardenvol-1", "Opgaven van de provincie staan voorop")
    p2_ = ("pzh-waardenvol-2", "Data als gedeelde bron")
    p3_ = ("pzh-waardenvol-3", "Digitale veiligheid")
    sensors = (P1, "Sensoren tegen wateroverlast", DELFT, "Delft")
    energy = (P2, "Energiedata-platform", DELFT, "Delft")
    charging = (P3, "Slimme laadpalen", SCHIEDAM, "Schiedam")
    greenhouses = (X1, "Slimme kassen (voorbeeld)", WESTLAND, "Westland")
    first = [
        row(p1_, energy, "rechtstreeks"),
        row(p1_, greenhouses, "via een doel", "Voorbeeld: Westland deelt energiedata"),
    ]
    # p1 -> D2, a sub-goal of D1, which observes P2; p3 -> S1 -> PG2, which observes P2.
    second = [
        row(p2_, sensors, "via een doel", "Delft digitale stad"),
        row(p2_, greenhouses, "via een doel", "Digitale connectiviteit"),
        row(p2_, charging, "via een doel", "Digitale connectiviteit"),
    ]
    third = [row(p3_, greenhouses, "rechtstreeks")]
    assert run(canned_store, "bijdragen-aan-principes") == first + second + third
    assert run(canned_store, "bijdragen-aan-principes", principe="pzh-waardenvol-2") == second
    assert run(canned_store, "bijdragen-aan-principes", gemeente=DELFT) == [first[0], second[0]]
    assert run(canned_store, "bijdragen-aan-principes", principe="pzh-waardenvol-3",
               gemeente=DELFT) == []  # fmt: skip


def test_indirecte_bijdragen(canned_store: BuiltStore) -> None:
    def row(project: str, title: str, ref: str, goal_title: str) -> dict:
        return {
            "project": f"project/{project}",
            "projectTitel": title,
            "provinciaalDoel": f"doel/{ref}",
            "doelTitel": goal_title,
            "voorbeeld": project == X1,
        }

    # Through a sub-goal and two alignments: p1 -> D2 (sub-goal of D1) -> R1 -> PG1.
    assert run(canned_store, "indirecte-bijdragen") == [
        row(
            X1, "Slimme kassen (voorbeeld)", "fixture-pzh-connectiviteit", "Digitale connectiviteit"
        ),
        row(P3, "Slimme laadpalen", "fixture-pzh-connectiviteit", "Digitale connectiviteit"),
        row(P1, "Sensoren tegen wateroverlast", "fixture-pzh-innovatie", "Digitale innovatie"),
    ]


# --- parameters: checked, bound, never spliced ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "arguments", "parameter"),
    [
        ("samenwerkingskansen", {"minimum": "twee"}, "minimum"),
        ("samenwerkingskansen", {"minimum": 0}, "minimum"),
        ("samenwerkingskansen", {"gemeente": "gm9999"}, "gemeente"),
        # A concept of another scheme is not a stage.
        ("samenwerkingskansen", {"schakel": "energietransitie"}, "schakel"),
        ("lerende-partners", {"gemeente": [DELFT, SCHIEDAM]}, "gemeente"),
        ("projecttijdlijn", {"vanaf": "1-1-2021"}, "vanaf"),
        ("projecttijdlijn", {"vanaf": "2021-02-30"}, "vanaf"),
        ("projecttijdlijn", {"onbekend": "x"}, "onbekend"),
        # A goal is no principle.
        ("bijdragen-aan-principes", {"principe": "fixture-delft-klimaatdata"}, "principe"),
        # Forms and rankings offer the current MRDH members only.
        ("samenwerkingskansen", {"gemeente": BRIELLE}, "gemeente"),
        ("waardeketen-matrix", {"gemeente": BRIELLE}, "gemeente"),
        ("gemeente-profiel", {"gemeente": BRIELLE}, "gemeente"),
    ],
)
def test_a_wrong_value_names_its_parameter(
    canned_store: BuiltStore, name: str, arguments: dict, parameter: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        run(canned_store, name, **arguments)
    assert caught.value.parameter == parameter
    assert f"'{parameter}'" in str(caught.value)


def test_choices_are_current_members_or_name_former_ones(canned_store: BuiltStore) -> None:
    queries = canned_queries(canned_store.settings)
    current = parameter_choices(
        canned_store.store, queries["waardeketen-matrix"].parameter("gemeente")
    )
    assert [choice.label_in("nl") for choice in current] == ["Delft", "Schiedam", "Westland"]
    # History (the timeline) offers former members too, named as such in both languages.
    every = parameter_choices(canned_store.store, queries["projecttijdlijn"].parameter("gemeente"))
    assert [choice.label_in("nl") for choice in every] == [
        "Brielle (voormalig MRDH-lid)",
        "Delft",
        "Schiedam",
        "Westland",
    ]
    assert every[0].label_in("en") == "Brielle (former MRDH member)"


def test_an_unknown_query_is_an_error(canned_store: BuiltStore) -> None:
    with pytest.raises(UnknownQuery):
        run(canned_store, "bestaat-niet")


INJECTIONS = [
    '" } UNION { ?s ?p ?o } #',
    "x' } } SELECT * WHERE { ?s ?p ?o } #",
    'energie" ) || true || CONTAINS("',
    "\\u0022 } DROP ALL #",
    "> } ; DELETE WHERE { ?s ?p ?o } #",
    "energie\u2028} # \u00e9\u00fc",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_sparql_in_a_string_value_is_only_text(canned_store: BuiltStore, text: str) -> None:
    # The value is a literal in a VALUES block: it is searched for, and found nowhere.
    assert run(canned_store, "projecten-zoeken", zoekterm=text) == []
    result = run_canned_query(
        "projecten-zoeken",
        {"zoekterm": text},
        store=canned_store.store,
        settings=canned_store.settings,
        cache=None,
    )
    # The query that ran is the canned text plus one line: the VALUES block, whose only
    # literal holds the text exactly (escaped, so it cannot end the string or the block).
    block = values_block("zoekterm", [Literal(text.strip())])
    assert "\n" not in block
    assert result.sparql.replace("\n  " + block + "\n", "", 1) == result.query.sparql
    assert result.arguments.values["zoekterm"] == (Literal(text.strip()),)


@pytest.mark.parametrize("text", ["energie\n} #", "a\x00b", "x" * 201])
def test_control_characters_and_long_texts_are_refused(canned_store: BuiltStore, text: str) -> None:
    with pytest.raises(ParameterError) as caught:
        run(canned_store, "projecten-zoeken", zoekterm=text)
    assert caught.value.parameter == "zoekterm"


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/regiograaf/id/gemeente/gm0503> } UNION { ?s ?p ?o",
        "gm0503> <x",
        '"gm0503"',
        "<https://w3id.org/regiograaf/id/gemeente/gm0503>",
        "?gemeente",
        "gm0503 } #",
    ],
)
def test_sparql_in_an_iri_value_is_refused(canned_store: BuiltStore, value: str) -> None:
    with pytest.raises(ParameterError) as caught:
        run(canned_store, "samenwerkingskansen", gemeente=value)
    assert caught.value.parameter == "gemeente"


def test_the_bound_query_is_the_canned_text_plus_values(canned_store: BuiltStore) -> None:
    query = canned_queries(canned_store.settings)["samenwerkingskansen"]
    result = run_canned_query(
        query, {"gemeente": DELFT, "minimum": 2}, store=canned_store.store, cache=None
    )
    assert result.arguments.values["gemeente"] == (URIRef(ID + "gemeente/" + DELFT),)
    text = bound_sparql(query, result.arguments)
    assert text == result.sparql
    inserted = (
        f"\n  VALUES ?gemeente {{ <{ID}gemeente/{DELFT}> }}"
        '\n  VALUES ?minimum { "2"^^<http://www.w3.org/2001/XMLSchema#integer> }\n'
    )
    assert text.replace(inserted, "", 1) == query.sparql


def test_a_cached_answer_is_read_into_records_once(
    canned_store: BuiltStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached answer keeps its plain records: the next visit does not read the JSON again,
    and nobody can change them for the next reader."""
    cache: ResultsCache[CannedResult] = ResultsCache()
    first = run_canned_query("aansluitingsscore", {}, store=canned_store.store, cache=cache)
    records = first.records
    assert records and records[0]["gemeente"]
    reads: list[bytes] = []
    real_loads = running.json.loads
    monkeypatch.setattr(running.json, "loads", lambda body: reads.append(body) or real_loads(body))
    again = run_canned_query("aansluitingsscore", {}, store=canned_store.store, cache=cache)
    assert again.records is records
    assert reads == []
    with pytest.raises(TypeError):
        records[0]["gemeente"] = "elders"  # type: ignore[index]


def test_answers_are_cached_per_data_version(canned_store: BuiltStore) -> None:
    cache: ResultsCache[CannedResult] = ResultsCache()
    calls: list[str] = []
    store = canned_store.store

    class Counting:
        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def query(self, sparql: str, **options: Any) -> Any:
            calls.append(sparql)
            return store.query(sparql, **options)

    counting = Counting()
    first = run_canned_query("aansluitingsscore", {}, store=counting, cache=cache)  # type: ignore[arg-type]
    answer_queries = len([call for call in calls if "?score" in call])
    # The same arguments, however written: from the cache.
    again = run_canned_query(
        "aansluitingsscore",
        {"gemeente": []},
        store=counting,
        cache=cache,  # type: ignore[arg-type]
    )
    assert again is first
    assert len([call for call in calls if "?score" in call]) == answer_queries == 1
    assert cache.stats().hits == 1
    two = run_canned_query(
        "aansluitingsscore",
        {"gemeente": [WESTLAND, DELFT]},
        store=counting,
        cache=cache,  # type: ignore[arg-type]
    )
    same = run_canned_query(
        "aansluitingsscore",
        {"gemeente": [DELFT, WESTLAND]},  # another order (a repeated value is a 400)
        store=counting,
        cache=cache,  # type: ignore[arg-type]
    )
    assert same is two
    assert cache.stats().hits == 2


def test_asked_by_many_at_once_a_canned_query_runs_once(canned_store: BuiltStore) -> None:
    """Six visitors of one page at the same moment (after a rebuild, say): the query runs
    once and all six get its answer."""
    cache: ResultsCache[CannedResult] = ResultsCache()
    store = canned_store.store
    calls: list[str] = []

    class Slow:
        def __getattr__(self, name: str) -> Any:
            return getattr(store, name)

        def query(self, sparql: str, **options: Any) -> Any:
            if "?score" in sparql:
                calls.append(sparql)
                time.sleep(0.3)  # all six ask while it runs
            return store.query(sparql, **options)

    start = threading.Barrier(6)
    answers: list[CannedResult] = []

    def visit() -> None:
        start.wait()
        answers.append(run_canned_query("aansluitingsscore", {}, store=Slow(), cache=cache))  # type: ignore[arg-type]

    visitors = [threading.Thread(target=visit) for _ in range(6)]
    for visitor in visitors:
        visitor.start()
    for visitor in visitors:
        visitor.join(timeout=30)
    assert len(answers) == 6 and all(answer is answers[0] for answer in answers)
    assert len(calls) == 1

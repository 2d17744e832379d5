"""Every canned query on the hand-written fixture (tests/data/queries, see its README.md): the
exact answer, with and without parameters, through :func:`run_canned_query`.

IRIs are written without ``https://w3id.org/regiograaf/id/`` (``gemeente/gm0503``). The
expected answers were worked out by hand from the fixture's table, not copied from a run.
Where SPARQL leaves an order undefined (the values inside one GROUP_CONCAT), the pieces are
compared as a set.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rdflib import Literal, URIRef

from server.canned.cache import ResultsCache
from server.canned.errors import ParameterError
from server.canned.running import (
    CannedResult,
    UnknownQuery,
    bound_sparql,
    canned_queries,
    run_canned_query,
)
from server.store.values import values_block
from tests.support import BuiltStore

ID = "https://w3id.org/regiograaf/id/"
DELFT, SCHIEDAM, WESTLAND, BRIELLE = "gm0503", "gm0606", "gm1783", "gm0501"
POINTS = {
    DELFT: "POINT(4.3571 52.0116)",
    SCHIEDAM: "POINT(4.3990 51.9196)",
    WESTLAND: "POINT(4.2110 51.9940)",
    BRIELLE: "POINT(4.1670 51.9000)",
}


def run(canned_store: BuiltStore, name: str, **arguments: Any) -> list[dict[str, Any]]:
    """The answer as plain values, IRIs without the instance base, unbound left out."""
    result = run_canned_query(
        name, arguments, store=canned_store.store, settings=canned_store.settings, cache=None
    )
    return [
        {
            key: value.removeprefix(ID) if isinstance(value, str) else value
            for key, value in record.items()
            if value is not None
        }
        for record in result.records()
    ]


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


def matrix_row(code: str, name: str, *counts: int) -> dict[str, Any]:
    keys = ("infrastructuur", "data", "toepassingen", "waarde", "randvoorwaarden", "totaal")
    return {"gemeente": f"gemeente/{code}", "naam": name, **dict(zip(keys, counts, strict=True))}


def test_waardeketen_matrix(canned_store: BuiltStore) -> None:
    assert run(canned_store, "waardeketen-matrix") == [
        matrix_row(BRIELLE, "Brielle", 1, 0, 0, 0, 0, 1),
        matrix_row(DELFT, "Delft", 1, 1, 0, 0, 0, 2),
        # p6 is in two enablers: one project in the enabler column.
        matrix_row(SCHIEDAM, "Schiedam", 0, 0, 1, 0, 1, 2),
        matrix_row(WESTLAND, "Westland", 1, 1, 0, 0, 0, 2),
    ]
    assert run(canned_store, "waardeketen-matrix", gemeente=[SCHIEDAM, WESTLAND]) == [
        matrix_row(SCHIEDAM, "Schiedam", 0, 0, 1, 0, 1, 2),
        matrix_row(WESTLAND, "Westland", 1, 1, 0, 0, 0, 2),
    ]


def gap(code: str, name: str, stage: str, stage_name: str, kind: str, others: int) -> dict:
    return {
        "gemeente": f"gemeente/{code}",
        "naam": name,
        "schakel": f"waardeketen/{stage}",
        "schakelNaam": stage_name,
        "soort": kind,
        "elders": others,
    }


def test_waardeketen_gaten(canned_store: BuiltStore) -> None:
    # Brielle is no member any more; "elders" counts every municipality active in the stage.
    delft = [
        gap(DELFT, "Delft", "toepassingen-en-diensten", "Toepassingen en diensten", "schakel", 1),
        gap(DELFT, "Delft", "maatschappelijke-waarde", "Maatschappelijke waarde", "schakel", 0),
        gap(DELFT, "Delft", "governance-en-regie", "Governance en regie", "randvoorwaarde", 1),
        gap(DELFT, "Delft", "publieke-waarden", "Publieke waarden", "randvoorwaarde", 1),
    ]
    schiedam = [
        gap(
            SCHIEDAM, "Schiedam", "digitale-infrastructuur", "Digitale infrastructuur", "schakel", 3
        ),
        gap(
            SCHIEDAM, "Schiedam", "maatschappelijke-waarde", "Maatschappelijke waarde", "schakel", 0
        ),
    ]
    westland = [{**row, "gemeente": f"gemeente/{WESTLAND}", "naam": "Westland"} for row in delft]
    assert run(canned_store, "waardeketen-gaten") == delft + schiedam + westland
    assert run(canned_store, "waardeketen-gaten", gemeente=SCHIEDAM) == schiedam
    assert run(canned_store, "waardeketen-gaten", gemeente=BRIELLE) == []


def test_bouwstenen_per_schakel(canned_store: BuiltStore) -> None:
    def row(stage: str, stage_name: str, kind: str, item: str, title: str, *example: str) -> dict:
        found = {
            "schakel": f"waardeketen/{stage}",
            "schakelNaam": stage_name,
            "soort": kind,
            "item": f"{'bouwsteen' if kind == 'bouwsteen' else 'handelingsperspectief'}/{item}",
            "titel": title,
        }
        if example:
            found.update(
                voorbeeld=f"project/{example[0]}",
                voorbeeldTitel=example[1],
                gemeenteNaam=example[2],
            )
        return found

    infra = ("digitale-infrastructuur", "Digitale infrastructuur")
    data = ("data", "Data")
    expected_infra = [
        row(*infra, "bouwsteen", "iot-sensornetwerk", "IoT-sensornetwerk",
            "fixture-westland-wateroverlast", "Meetnet wateroverlast kassen", "Westland"),
        row(*infra, "bouwsteen", "iot-sensornetwerk", "IoT-sensornetwerk",
            "fixture-delft-sensoren", "Sensoren tegen wateroverlast", "Delft"),
        row(*infra, "handelingsperspectief", "sensorbeleid-opstellen", "Sensorbeleid opstellen",
            "fixture-delft-sensoren", "Sensoren tegen wateroverlast", "Delft"),
    ]  # fmt: skip
    expected_data = [
        row(*data, "bouwsteen", "dataplatform", "Dataplatform",
            "fixture-westland-energiedata", "Energiedata glastuinbouw", "Westland"),
        row(*data, "bouwsteen", "dataplatform", "Dataplatform",
            "fixture-delft-energiedata", "Energiedata-platform", "Delft"),
    ]  # fmt: skip
    # An action perspective without example projects is listed too.
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


# --- goals and alignment -------------------------------------------------------------------


def test_doelen_zonder_aansluiting(canned_store: BuiltStore) -> None:
    # D2 aligns through D1 (a sub-goal) with R1; S2 only with a national goal.
    schiedam = {
        "doel": "doel/fixture-schiedam-vaardig",
        "titel": "Schiedam digitaal vaardig",
        "gemeente": f"gemeente/{SCHIEDAM}",
        "gemeenteNaam": "Schiedam",
    }
    westland = {
        "doel": "doel/fixture-westland-water",
        "titel": "Droge voeten in het Westland",
        "gemeente": f"gemeente/{WESTLAND}",
        "gemeenteNaam": "Westland",
    }
    assert run(canned_store, "doelen-zonder-aansluiting") == [schiedam, westland]
    assert run(canned_store, "doelen-zonder-aansluiting", gemeente=DELFT) == []
    assert run(canned_store, "doelen-zonder-aansluiting", gemeente=[WESTLAND]) == [westland]


def test_doelen_zonder_bijdrage_uses_the_inferred_graph(canned_store: BuiltStore) -> None:
    # R1 only has an indirect contribution (p1 → D2 → D1 → R1), P2 too (p3 → S1 → P2):
    # both are left out because of rg:contributesIndirectlyTo in .../graph/inferred.
    assert run(canned_store, "doelen-zonder-bijdrage") == [
        {
            "doel": "doel/pzh-waardenvol-3",
            "titel": "Digitale veiligheid",
            "niveau": "provinciaal",
            "organisatie": "organisatie/provincie-zuid-holland",
            "organisatieNaam": "Provincie Zuid-Holland",
        },
        {
            "doel": "doel/fixture-mrdh-slimme-mobiliteit",
            "titel": "Slimme mobiliteit in de regio",
            "niveau": "regionaal",
            "organisatie": "organisatie/mrdh",
            "organisatieNaam": "Metropoolregio Rotterdam Den Haag",
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
        }

    # Schiedam: p2 (P1 direct) and p3 (P2 via S1) of p2, p3, p6: 2 of 3 = 67 %.
    assert run(canned_store, "aansluitingsscore") == [
        score(DELFT, "Delft", 100, 2, 2),
        score(SCHIEDAM, "Schiedam", 67, 2, 3),
        score(WESTLAND, "Westland", 0, 0, 2),
        score(BRIELLE, "Brielle", 0, 0, 1),
    ]
    assert run(canned_store, "aansluitingsscore", gemeente=SCHIEDAM) == [
        score(SCHIEDAM, "Schiedam", 67, 2, 3)
    ]


def test_bijdragen_aan_principes(canned_store: BuiltStore) -> None:
    p2_direct = {
        "principe": "doel/pzh-waardenvol-1",
        "principeTitel": "Opgaven van de provincie staan voorop",
        "project": "project/fixture-delft-energiedata",
        "projectTitel": "Energiedata-platform",
        "gemeente": f"gemeente/{DELFT}",
        "gemeenteNaam": "Delft",
        "bijdrage": "direct",
    }
    p1_indirect = {
        **p2_direct,
        "project": "project/fixture-delft-sensoren",
        "projectTitel": "Sensoren tegen wateroverlast",
        "bijdrage": "indirect",
        # p1 → D2 → D1 → R1 → P1: the goal the project contributes to directly.
        "via": "Klimaatdata voor Delft",
    }
    p3_indirect = {
        "principe": "doel/pzh-waardenvol-2",
        "principeTitel": "Data als gedeelde bron",
        "project": "project/fixture-schiedam-laadpalen",
        "projectTitel": "Slimme laadpalen",
        "gemeente": f"gemeente/{SCHIEDAM}",
        "gemeenteNaam": "Schiedam",
        "bijdrage": "indirect",
        "via": "Energieneutraal Schiedam",
    }
    assert run(canned_store, "bijdragen-aan-principes") == [p2_direct, p1_indirect, p3_indirect]
    assert run(canned_store, "bijdragen-aan-principes", principe="pzh-waardenvol-2") == [
        p3_indirect
    ]
    assert run(canned_store, "bijdragen-aan-principes", gemeente=DELFT) == [p2_direct, p1_indirect]
    assert run(canned_store, "bijdragen-aan-principes", principe="pzh-waardenvol-3") == []


def test_indirecte_bijdragen(canned_store: BuiltStore) -> None:
    assert run(canned_store, "indirecte-bijdragen") == [
        {
            "project": "project/fixture-schiedam-laadpalen",
            "projectTitel": "Slimme laadpalen",
            "provinciaalDoel": "doel/pzh-waardenvol-2",
            "doelTitel": "Data als gedeelde bron",
        },
        {
            "project": "project/fixture-delft-sensoren",
            "projectTitel": "Sensoren tegen wateroverlast",
            "provinciaalDoel": "doel/pzh-waardenvol-1",
            "doelTitel": "Opgaven van de provincie staan voorop",
        },
    ]


# --- collaboration and learning ------------------------------------------------------------


def chance(one: tuple[str, str], two: tuple[str, str], overlap: int, stage, challenge, why):
    return {
        "gemeente1": f"gemeente/{one[0]}",
        "naam1": one[1],
        "gemeente2": f"gemeente/{two[0]}",
        "naam2": two[1],
        "overlap": overlap,
        "stage": f"waardeketen/{stage[0]}",
        "stageNaam": stage[1],
        "challenge": f"opgave/{challenge[0]}",
        "challengeNaam": challenge[1],
        "reden": why,
    }


DATA = ("data", "Data")
INFRA = ("digitale-infrastructuur", "Digitale infrastructuur")
ENERGY = ("energietransitie", "Energietransitie")
CLIMATE = ("klimaatadaptatie", "Klimaatadaptatie")
DELFT_WESTLAND_DATA = chance(
    (DELFT, "Delft"), (WESTLAND, "Westland"), 2, DATA, ENERGY,
    "Delft en Westland hebben allebei projecten in de schakel 'Data' voor de opgave "
    "'Energietransitie' (Delft: Energiedata-platform; Westland: Energiedata glastuinbouw), "
    "maar daar nog geen gezamenlijk project.",
)  # fmt: skip
DELFT_WESTLAND_INFRA = chance(
    (DELFT, "Delft"), (WESTLAND, "Westland"), 2, INFRA, CLIMATE,
    "Delft en Westland hebben allebei projecten in de schakel 'Digitale infrastructuur' voor "
    "de opgave 'Klimaatadaptatie' (Delft: Sensoren tegen wateroverlast; Westland: Meetnet "
    "wateroverlast kassen), maar daar nog geen gezamenlijk project.",
)  # fmt: skip
SCHIEDAM_WESTLAND_DATA = chance(
    (SCHIEDAM, "Schiedam"), (WESTLAND, "Westland"), 1, DATA, ENERGY,
    "Schiedam en Westland hebben allebei projecten in de schakel 'Data' voor de opgave "
    "'Energietransitie' (Schiedam: Energiedata-platform; Westland: Energiedata "
    "glastuinbouw), maar daar nog geen gezamenlijk project.",
)  # fmt: skip


def test_samenwerkingskansen(canned_store: BuiltStore) -> None:
    # Delft and Schiedam share (data, energy) but already have the joint project p2;
    # Brielle (p7, like Delft's p1 and Westland's p4) is no member any more.
    everything = [DELFT_WESTLAND_DATA, DELFT_WESTLAND_INFRA, SCHIEDAM_WESTLAND_DATA]
    assert run(canned_store, "samenwerkingskansen") == everything
    assert run(canned_store, "samenwerkingskansen", minimum=2) == everything[:2]
    assert run(canned_store, "samenwerkingskansen", minimum=3) == []
    assert run(canned_store, "samenwerkingskansen", gemeente=SCHIEDAM) == [SCHIEDAM_WESTLAND_DATA]
    # Several municipalities: a pair with both of them is listed once.
    assert run(canned_store, "samenwerkingskansen", gemeente=[DELFT, WESTLAND]) == everything
    assert run(canned_store, "samenwerkingskansen", schakel="data") == [
        DELFT_WESTLAND_DATA,
        SCHIEDAM_WESTLAND_DATA,
    ]
    assert run(canned_store, "samenwerkingskansen", opgave="klimaatadaptatie") == [
        DELFT_WESTLAND_INFRA
    ]
    assert run(canned_store, "samenwerkingskansen", gemeente=BRIELLE) == []


def partner(code: str, name: str, stage, status: tuple[str, str], titles: str) -> dict:
    return {
        "partner": f"gemeente/{code}",
        "partnerNaam": name,
        "schakel": f"waardeketen/{stage[0]}",
        "schakelNaam": stage[1],
        "status": f"status/{status[0]}",
        "statusNaam": status[1],
        "projecten": 1,
        "titels": titles,
        "geometry": POINTS[code],
    }


FINISHED, IDEA, IMPLEMENTATION = (
    ("afgerond", "Afgerond"),
    ("idee", "Idee"),
    (
        "implementatie",
        "Implementatie",
    ),
)


def test_lerende_partners(canned_store: BuiltStore) -> None:
    # Most experienced first (status notation descending); Delft itself is left out.
    assert run(
        canned_store, "lerende-partners", gemeente=DELFT, schakel="digitale-infrastructuur"
    ) == [
        partner(BRIELLE, "Brielle", INFRA, FINISHED, "Kustdata Brielle"),
        partner(WESTLAND, "Westland", INFRA, IDEA, "Meetnet wateroverlast kassen"),
    ]
    assert run(canned_store, "lerende-partners", gemeente=DELFT, schakel="data") == [
        partner(WESTLAND, "Westland", DATA, FINISHED, "Energiedata glastuinbouw"),
        partner(SCHIEDAM, "Schiedam", DATA, IMPLEMENTATION, "Energiedata-platform"),
    ]
    assert run(
        canned_store,
        "lerende-partners",
        gemeente=DELFT,
        schakel="data",
        status=["afgerond", "idee"],
    ) == [partner(WESTLAND, "Westland", DATA, FINISHED, "Energiedata glastuinbouw")]
    # Without a municipality nobody is left out.
    everyone = run(canned_store, "lerende-partners", schakel="data")
    assert [row["partnerNaam"] for row in everyone] == ["Westland", "Delft", "Schiedam"]
    assert len(run(canned_store, "lerende-partners")) == 9


def test_vergelijkbare_projecten(canned_store: BuiltStore) -> None:
    def pair(one, two, score: int, shared: set[str]) -> dict:
        return {
            "project1": f"project/{one[0]}",
            "titel1": one[1],
            "gemeente1": f"gemeente/{one[2]}",
            "naam1": one[3],
            "project2": f"project/{two[0]}",
            "titel2": two[1],
            "gemeente2": f"gemeente/{two[2]}",
            "naam2": two[3],
            "gelijkenis": score,
            "overeenkomsten": shared,
        }

    p1 = ("fixture-delft-sensoren", "Sensoren tegen wateroverlast", DELFT, "Delft")
    p2 = ("fixture-delft-energiedata", "Energiedata-platform", DELFT, "Delft")
    p4 = ("fixture-westland-wateroverlast", "Meetnet wateroverlast kassen", WESTLAND, "Westland")
    p5 = ("fixture-westland-energiedata", "Energiedata glastuinbouw", WESTLAND, "Westland")
    p7 = ("fixture-brielle-kustdata", "Kustdata Brielle", BRIELLE, "Brielle")

    def answer(**arguments: Any) -> list[dict]:
        rows = run(canned_store, "vergelijkbare-projecten", **arguments)
        # GROUP_CONCAT has no defined order: compare the shared features as a set.
        return [{**row, "overeenkomsten": set(row["overeenkomsten"].split("; "))} for row in rows]

    strong = [
        pair(p2, p5, 3, {"Data", "Energietransitie", "Dataplatform"}),
        pair(p1, p4, 3, {"Digitale infrastructuur", "Klimaatadaptatie", "IoT-sensornetwerk"}),
    ]
    assert answer() == strong
    assert answer(minimum=2) == [
        *strong,
        pair(p7, p4, 2, {"Digitale infrastructuur", "Klimaatadaptatie"}),
        pair(p7, p1, 2, {"Digitale infrastructuur", "Klimaatadaptatie"}),
    ]
    assert answer(gemeente=SCHIEDAM, minimum=2) == []
    assert answer(gemeente=[WESTLAND, DELFT]) == strong


def test_projecttijdlijn(canned_store: BuiltStore) -> None:
    def line(project: str, title: str, code: str, name: str, status, start, end=None) -> dict:
        found = {
            "project": f"project/{project}",
            "titel": title,
            "trekker": f"gemeente/{code}",
            "trekkerNaam": name,
            "status": f"status/{status[0]}",
            "statusNaam": status[1],
            "start": start,
        }
        return {**found, "einde": end} if end else found

    p7 = line(
        "fixture-brielle-kustdata",
        "Kustdata Brielle",
        BRIELLE,
        "Brielle",
        FINISHED,
        "2017-05-01",
        "2021-12-31",
    )
    p5 = line(
        "fixture-westland-energiedata",
        "Energiedata glastuinbouw",
        WESTLAND,
        "Westland",
        FINISHED,
        "2018-01-01",
        "2020-12-31",
    )
    p3 = line(
        "fixture-schiedam-laadpalen",
        "Slimme laadpalen",
        SCHIEDAM,
        "Schiedam",
        ("opgeschaald", "Opgeschaald"),
        "2019-01-01",
    )
    p2 = line(
        "fixture-delft-energiedata",
        "Energiedata-platform",
        DELFT,
        "Delft",
        IMPLEMENTATION,
        "2020-03-01",
    )
    p1 = line(
        "fixture-delft-sensoren",
        "Sensoren tegen wateroverlast",
        DELFT,
        "Delft",
        ("pilot", "Pilot"),
        "2021-01-01",
    )
    p6 = line(
        "fixture-schiedam-algoritmeregister",
        "Algoritmeregister Schiedam",
        SCHIEDAM,
        "Schiedam",
        IMPLEMENTATION,
        "2022-04-01",
    )
    p4 = line("fixture-westland-wateroverlast", "Meetnet wateroverlast kassen", WESTLAND,
              "Westland", IDEA, "2025-06-01")  # fmt: skip
    assert run(canned_store, "projecttijdlijn") == [p7, p5, p3, p2, p1, p6, p4]
    # As lead or as participant (Schiedam takes part in Delft's p2).
    assert run(canned_store, "projecttijdlijn", gemeente=SCHIEDAM) == [p3, p2, p6]
    # p2 belongs to both: listed once.
    assert run(canned_store, "projecttijdlijn", gemeente=[DELFT, SCHIEDAM]) == [p3, p2, p1, p6]
    assert run(canned_store, "projecttijdlijn", vanaf=datetime.date(2021, 1, 1)) == [
        p7, p3, p2, p1, p6, p4
    ]  # fmt: skip
    assert run(canned_store, "projecttijdlijn", tot="2019-12-31") == [p7, p5, p3]
    assert run(canned_store, "projecttijdlijn", vanaf="2021-06-01", tot="2021-12-31") == [
        p7,
        p3,
        p2,
        p1,
    ]
    assert run(canned_store, "projecttijdlijn", status=["afgerond", "idee"]) == [p7, p5, p4]


def test_gemeente_profiel(canned_store: BuiltStore) -> None:
    delft = {
        "gemeente": f"gemeente/{DELFT}",
        "naam": "Delft",
        "cbsCode": "GM0503",
        "lidSinds": "2015-01-01",
        "trekker": 2,
        "projecten": 2,
        "schakels": 2,
        "opgaven": 2,
        "partners": 1,
        "doelen": 2,
        "doelenAansluitend": 2,
        "score": 100,
        "geometry": POINTS[DELFT],
    }
    assert run(canned_store, "gemeente-profiel", gemeente=DELFT) == [delft]
    brielle = {
        "gemeente": f"gemeente/{BRIELLE}",
        "naam": "Brielle",
        "cbsCode": "GM0501",
        "lidSinds": "2015-01-01",
        "lidTot": "2022-12-31",
        "trekker": 1,
        "projecten": 1,
        "schakels": 1,
        "opgaven": 1,
        "partners": 0,
        "doelen": 0,
        "doelenAansluitend": 0,
        "score": 0,
        "geometry": POINTS[BRIELLE],
    }
    schiedam = {
        **delft,
        "gemeente": f"gemeente/{SCHIEDAM}",
        "naam": "Schiedam",
        "cbsCode": "GM0606",
        "projecten": 3,
        "schakels": 4,
        "doelenAansluitend": 1,
        "score": 67,
        "geometry": POINTS[SCHIEDAM],
    }
    westland = {
        **delft,
        "gemeente": f"gemeente/{WESTLAND}",
        "naam": "Westland",
        "cbsCode": "GM1783",
        "partners": 0,
        "doelen": 1,
        "doelenAansluitend": 0,
        "score": 0,
        "geometry": POINTS[WESTLAND],
    }
    assert run(canned_store, "gemeente-profiel") == [brielle, delft, schiedam, westland]


def test_projecten_per_gemeente(canned_store: BuiltStore) -> None:
    def row(code: str, name: str, count: int) -> dict:
        return {
            "gemeente": f"gemeente/{code}",
            "naam": name,
            "projecten": count,
            "voorbeelden": count,
            "geometry": POINTS[code],
        }

    assert run(canned_store, "projecten-per-gemeente") == [
        row(DELFT, "Delft", 2),
        row(SCHIEDAM, "Schiedam", 2),
        row(WESTLAND, "Westland", 2),
        row(BRIELLE, "Brielle", 1),
    ]


def test_projecten_zoeken(canned_store: BuiltStore) -> None:
    titles = [row["titel"] for row in run(canned_store, "projecten-zoeken", zoekterm="ENERGIE")]
    assert titles == ["Energiedata glastuinbouw", "Energiedata-platform"]
    # In the description only ("... ook voor parkeren").
    assert [row["titel"] for row in run(canned_store, "projecten-zoeken", zoekterm="parkeren")] == [
        "Algoritmeregister Schiedam"
    ]
    assert len(run(canned_store, "projecten-zoeken")) == 7


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
        ("bijdragen-aan-principes", {"principe": "fixture-delft-klimaatdata"}, "principe"),
    ],
)
def test_a_wrong_value_names_its_parameter(
    canned_store: BuiltStore, name: str, arguments: dict, parameter: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        run(canned_store, name, **arguments)
    assert caught.value.parameter == parameter
    assert f"'{parameter}'" in str(caught.value)


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
        {"gemeente": [DELFT, WESTLAND, DELFT]},
        store=counting,
        cache=cache,  # type: ignore[arg-type]
    )
    assert same is two
    assert cache.stats().hits == 2

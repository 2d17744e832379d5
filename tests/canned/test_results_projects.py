"""Every canned query on the hand-written fixture (tests/data/queries, see its README.md), part 2:
collaboration, learning, similar projects, the timeline, profiles and search (part 1 is
test_results.py, which says how the expectations were made)."""

from __future__ import annotations

import datetime
from typing import Any

from tests.canned.fixture import (
    BRIELLE,
    DELFT,
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    P7,
    P8,
    POINTS,
    SCHIEDAM,
    WESTLAND,
    X1,
    X2,
    pieces,
    run,
)
from tests.support import BuiltStore

DATA = ("data", "Data")
INFRA = ("digitale-infrastructuur", "Digitale infrastructuur")
APPS = ("toepassingen-en-diensten", "Toepassingen en diensten")
ENERGY = ("energietransitie", "Energietransitie")
CLIMATE = ("klimaatadaptatie", "Klimaatadaptatie")
FINISHED, IDEA, PILOT = ("afgerond", "Afgerond"), ("idee", "Idee"), ("pilot", "Pilot")
IMPLEMENTATION, UNKNOWN = ("implementatie", "Implementatie"), ("onbekend", "Onbekend")
SCALED = ("opgeschaald", "Opgeschaald")


# --- collaboration and learning ------------------------------------------------------------


def chance(
    one, two, overlap: int, stage, challenge, sides: str, example: bool, reason_example: bool
) -> dict:
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
        "reden": pieces(
            f"{one[1]} en {two[1]} hebben allebei projecten in de schakel '{stage[1]}' voor de "
            f"opgave '{challenge[1]}' ({sides}), maar daar nog geen gezamenlijk project."
        ),
        "redenVoorbeeld": reason_example,
        "voorbeeld": example,
    }


D, S, W = (DELFT, "Delft"), (SCHIEDAM, "Schiedam"), (WESTLAND, "Westland")
# Westland's side names the invented x1 too: marked.
DELFT_WESTLAND_DATA = chance(
    D, W, 2, DATA, ENERGY,
    "Delft: Energiedata-platform; Westland: Energiedata glastuinbouw, Slimme kassen (voorbeeld)",
    True,
    True,
)  # fmt: skip
DELFT_WESTLAND_INFRA = chance(
    D, W, 2, INFRA, CLIMATE,
    "Delft: Sensoren tegen wateroverlast; Westland: Meetnet wateroverlast kassen", False, False,
)  # fmt: skip
# Real data gives Schiedam and Westland two shared combinations (data and applications, both
# energy); the invented joint project x1 takes (data, energy) away, so the overlap of 1 is the
# examples' doing: the row is marked, but not its reason (both projects named are real).
SCHIEDAM_WESTLAND_APPS = chance(
    S, W, 1, APPS, ENERGY, "Schiedam: Slimme laadpalen; Westland: Energiedata glastuinbouw",
    True, False,
)  # fmt: skip


def chances(store: BuiltStore, **arguments: Any) -> list[dict]:
    return [
        {**row, "reden": pieces(row["reden"])}
        for row in run(store, "samenwerkingskansen", **arguments)
    ]


def test_samenwerkingskansen(canned_store: BuiltStore) -> None:
    # Delft and Schiedam share (data, energy) but already have the joint project p2;
    # Brielle (p7, like Delft's p1 and Westland's p4) is no member any more.
    everything = [DELFT_WESTLAND_DATA, DELFT_WESTLAND_INFRA, SCHIEDAM_WESTLAND_APPS]
    assert chances(canned_store) == everything
    assert chances(canned_store, minimum=2) == everything[:2]
    assert chances(canned_store, minimum=3) == []
    assert chances(canned_store, gemeente=SCHIEDAM) == [SCHIEDAM_WESTLAND_APPS]
    # Several municipalities: a pair with both of them is listed once.
    assert chances(canned_store, gemeente=[DELFT, WESTLAND]) == everything
    assert chances(canned_store, schakel="data") == [DELFT_WESTLAND_DATA]
    assert chances(canned_store, opgave="klimaatadaptatie") == [DELFT_WESTLAND_INFRA]


def partner(code: str, name: str, stage, status, titles: str, example: bool = False) -> dict:
    found = {
        "partner": code if "/" in code else f"gemeente/{code}",
        "partnerNaam": name,
        "schakel": f"waardeketen/{stage[0]}",
        "schakelNaam": stage[1],
        "status": f"status/{status[0]}",
        "statusNaam": status[1],
        "projecten": 1,
        "titels": titles,
        "voorbeeld": example,
    }
    return {**found, "geometry": POINTS[code]} if code in POINTS else found


def test_lerende_partners(canned_store: BuiltStore) -> None:
    # Most experienced first (status notation descending, unknown last); Delft itself is left
    # out, and so is Brielle (no member any more); MRDH leads p8, so it is a partner too.
    assert run(
        canned_store, "lerende-partners", gemeente=DELFT, schakel="digitale-infrastructuur"
    ) == [
        partner(WESTLAND, "Westland", INFRA, IDEA, "Meetnet wateroverlast kassen"),
        partner("organisatie/mrdh", "Metropoolregio Rotterdam Den Haag", INFRA, UNKNOWN,
                "Regionaal glasvezelnet"),
        partner(WESTLAND, "Westland", INFRA, UNKNOWN, "Regionaal glasvezelnet"),
    ]  # fmt: skip
    data = [
        partner(WESTLAND, "Westland", DATA, FINISHED, "Energiedata glastuinbouw"),
        partner(SCHIEDAM, "Schiedam", DATA, IMPLEMENTATION, "Energiedata-platform"),
        partner(SCHIEDAM, "Schiedam", DATA, PILOT, "Slimme kassen (voorbeeld)", True),
        partner(WESTLAND, "Westland", DATA, PILOT, "Slimme kassen (voorbeeld)", True),
    ]
    assert run(canned_store, "lerende-partners", gemeente=DELFT, schakel="data") == data
    assert (
        run(
            canned_store,
            "lerende-partners",
            gemeente=DELFT,
            schakel="data",
            status=["afgerond", "idee"],
        )
        == data[:1]
    )
    # Without a municipality nobody is left out.
    everyone = run(canned_store, "lerende-partners", schakel="data")
    assert [row["partnerNaam"] for row in everyone] == [
        "Westland",
        "Delft",
        "Schiedam",
        "Schiedam",
        "Westland",
    ]
    assert len(run(canned_store, "lerende-partners")) == 15


def test_vergelijkbare_projecten(canned_store: BuiltStore) -> None:
    def pair(one, two, score: int, shared: set[str]) -> dict:
        return {
            "project1": f"project/{one[0]}",
            "titel1": one[1],
            "trekker1": f"gemeente/{one[2]}",
            "naam1": one[3],
            "project2": f"project/{two[0]}",
            "titel2": two[1],
            "trekker2": f"gemeente/{two[2]}",
            "naam2": two[3],
            "gelijkenis": score,
            "overeenkomsten": shared,
            "voorbeeld": X1 in (one[0], two[0]),
        }

    p1 = (P1, "Sensoren tegen wateroverlast", DELFT, "Delft")
    p2 = (P2, "Energiedata-platform", DELFT, "Delft")
    p3 = (P3, "Slimme laadpalen", SCHIEDAM, "Schiedam")
    p4 = (P4, "Meetnet wateroverlast kassen", WESTLAND, "Westland")
    p5 = (P5, "Energiedata glastuinbouw", WESTLAND, "Westland")
    p7 = (P7, "Kustdata Brielle", BRIELLE, "Brielle")
    x1 = (X1, "Slimme kassen (voorbeeld)", WESTLAND, "Westland")

    def answer(**arguments: Any) -> list[dict]:
        rows = run(canned_store, "vergelijkbare-projecten", **arguments)
        return [{**row, "overeenkomsten": pieces(row["overeenkomsten"])} for row in rows]

    data = {"Data", "Energietransitie", "Dataplatform"}
    strong = [
        pair(p2, p5, 3, data),
        # Like p5, the invented x1 is led by Westland: not compared with p5 (same lead).
        pair(p2, x1, 3, data),
        pair(p1, p4, 3, {"Digitale infrastructuur", "Klimaatadaptatie", "IoT-sensornetwerk"}),
    ]
    assert answer() == strong
    assert answer(minimum=2) == [
        *strong,
        pair(p7, p4, 2, {"Digitale infrastructuur", "Klimaatadaptatie"}),
        pair(p7, p1, 2, {"Digitale infrastructuur", "Klimaatadaptatie"}),
        pair(p3, p5, 2, {"Toepassingen en diensten", "Energietransitie"}),
    ]
    assert answer(gemeente=SCHIEDAM, minimum=2) == [
        pair(p3, p5, 2, {"Toepassingen en diensten", "Energietransitie"})
    ]
    assert answer(gemeente=[WESTLAND, DELFT]) == strong


# --- the timeline --------------------------------------------------------------------------


def line(project: str, title: str, lead: str, name: str, status, start=None, end=None) -> dict:
    found = {
        "project": f"project/{project}",
        "titel": title,
        "trekker": lead if "/" in lead else f"gemeente/{lead}",
        "trekkerNaam": name,
        "status": f"status/{status[0]}",
        "statusNaam": status[1],
        "start": start,
        "einde": end,
        "voorbeeld": project in (X1, X2),
    }
    return {key: value for key, value in found.items() if value is not None}


# Dates as precise as the source: a day, a month (xsd:gYearMonth) or a year (xsd:gYear).
T7 = line(P7, "Kustdata Brielle", BRIELLE, "Brielle (voormalig MRDH-lid)", FINISHED,
          "2017-05-01", "2021-12-31")  # fmt: skip
T5 = line(P5, "Energiedata glastuinbouw", WESTLAND, "Westland", FINISHED, "2018-01-01", "2020")
TX2 = line(X2, "Kustmonitor (voorbeeld)", DELFT, "Delft", FINISHED, "2019", "2023-06")
T3 = line(P3, "Slimme laadpalen", SCHIEDAM, "Schiedam", SCALED, "2019")
T2 = line(P2, "Energiedata-platform", DELFT, "Delft", IMPLEMENTATION, "2020-03")
T1 = line(P1, "Sensoren tegen wateroverlast", DELFT, "Delft", PILOT, "2021-01-01")
T8 = line(P8, "Regionaal glasvezelnet", "organisatie/mrdh", "Metropoolregio Rotterdam Den Haag",
          UNKNOWN, "2022")  # fmt: skip
TX1 = line(X1, "Slimme kassen (voorbeeld)", WESTLAND, "Westland", PILOT, "2024-03-01")
T4 = line(P4, "Meetnet wateroverlast kassen", WESTLAND, "Westland", IDEA, "2025-06")
# No start date known: last.
T6 = line(P6, "Algoritmeregister Schiedam", SCHIEDAM, "Schiedam", UNKNOWN)


def test_projecttijdlijn(canned_store: BuiltStore) -> None:
    def timeline(**arguments: Any) -> list[dict]:
        return run(canned_store, "projecttijdlijn", **arguments)

    assert timeline() == [T7, T5, TX2, T3, T2, T1, T8, TX1, T4, T6]
    # As lead or as participant (Schiedam takes part in Delft's p2 and Westland's x1).
    assert timeline(gemeente=SCHIEDAM) == [T3, T2, TX1, T6]
    # p2 belongs to both: listed once.
    assert timeline(gemeente=[DELFT, SCHIEDAM]) == [TX2, T3, T2, T1, T8, TX1, T6]
    # p5 ended in 2020 (a year): it no longer ran in 2021; an open end still runs.
    assert timeline(vanaf=datetime.date(2021, 1, 1)) == [T7, TX2, T3, T2, T1, T8, TX1, T4, T6]
    # ... but it still ran in June 2020, at the precision of its end.
    assert T5 in timeline(vanaf="2020-06-01")
    # A start "2019" is on or before 2019-12-31; a project without a start is left out.
    assert timeline(tot="2019-12-31") == [T7, T5, TX2, T3]
    assert timeline(vanaf="2021-06-01", tot="2021-12-31") == [T7, TX2, T3, T2, T1]
    assert timeline(status=["afgerond", "idee"]) == [T7, T5, TX2, T4]


# --- profiles, counts and search -----------------------------------------------------------


def profile(code: str, name: str, *counts: int) -> dict:
    keys = ("trekker", "projecten", "schakels", "opgaven", "partners", "doelen")
    return {
        "gemeente": f"gemeente/{code}",
        "naam": name,
        "cbsCode": code.upper(),
        "lidSinds": "2015-01-01",
        **dict(zip(keys, counts[:-2], strict=True)),
        "doelenAansluitend": counts[-2],
        "score": counts[-1],
        "geometry": POINTS[code],
        # Every current member takes part in an invented project (x1 or x2).
        "voorbeeld": True,
    }


def test_gemeente_profiel(canned_store: BuiltStore) -> None:
    # Delft leads p1, p2, x2 and takes part in p8; goals D1, D2 (aligned) and XG2 (not).
    delft = profile(DELFT, "Delft", 3, 4, 3, 3, 2, 3, 2, 75)
    # Schiedam leads p3, p6, takes part in p2 and x1; S1 aligns, S2 only nationally.
    schiedam = profile(SCHIEDAM, "Schiedam", 2, 4, 4, 2, 2, 2, 1, 75)
    # Westland leads p4, p5, x1 and takes part in p8; XG1 aligns, W1 does not.
    westland = profile(WESTLAND, "Westland", 3, 4, 3, 3, 2, 2, 1, 50)
    assert run(canned_store, "gemeente-profiel", gemeente=DELFT) == [delft]
    # Current members only: Brielle left MRDH.
    assert run(canned_store, "gemeente-profiel") == [delft, schiedam, westland]


def test_projecten_per_gemeente(canned_store: BuiltStore) -> None:
    def row(code: str, name: str, count: int, examples: int) -> dict:
        return {
            "gemeente": f"gemeente/{code}",
            "naam": name,
            "projecten": count,
            "voorbeelden": examples,
            "geometry": POINTS[code],
            "voorbeeld": examples > 0,
        }

    assert run(canned_store, "projecten-per-gemeente") == [
        row(DELFT, "Delft", 3, 1),
        row(WESTLAND, "Westland", 3, 1),
        row(SCHIEDAM, "Schiedam", 2, 0),
    ]


def test_projecten_zoeken(canned_store: BuiltStore) -> None:
    found = run(canned_store, "projecten-zoeken", zoekterm="ENERGIE")
    # x1's description mentions "energiegebruik".
    assert [(row["titel"], row["voorbeeld"]) for row in found] == [
        ("Energiedata glastuinbouw", False),
        ("Energiedata-platform", False),
        ("Slimme kassen (voorbeeld)", True),
    ]
    # In the description only ("... ook voor parkeren").
    assert [row["titel"] for row in run(canned_store, "projecten-zoeken", zoekterm="parkeren")] == [
        "Algoritmeregister Schiedam"
    ]
    every = run(canned_store, "projecten-zoeken")
    assert len(every) == 10
    # The lead may be another organisation (MRDH leads p8).
    assert {row["trekkerNaam"] for row in every if row["project"] == f"project/{P8}"} == {
        "Metropoolregio Rotterdam Den Haag"
    }

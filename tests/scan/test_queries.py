"""The scan-* canned queries on the scan fixture (tests/data/scan/README.md): exact answers,
real and invented rows told apart, names in the language asked for (``taal``)."""

from __future__ import annotations

from typing import Any

import pytest

from server.canned.running import canned_queries, run_canned_query
from server.rdf.namespaces import ID_BASE
from tests.support import BuiltStore

A, B, C, D, E = (f"{ID_BASE}gemeente/gm900{n}" for n in range(1, 6))
STAGE = f"{ID_BASE}waardeketen/"
SCAN_QUERIES = (
    "scan-aansluiting",
    "scan-doelen",
    "scan-gaten",
    "scan-gemeente",
    "scan-leerprojecten",
    "scan-open-doelen",
    "scan-projecten",
    "scan-samenwerking",
    "scan-strategie",
    "scan-volwassenheid",
    "scan-waardeketen",
)


def rows(store: BuiltStore, name: str, **arguments: object) -> list[dict[str, Any]]:
    result = run_canned_query(
        name, arguments, store=store.store, settings=store.settings, cache=None
    )
    return [dict(record) for record in result.records]


def short(iri: object) -> str:
    return str(iri).rsplit("/", 1)[-1]


def test_every_scan_query_describes_itself(scan_store: BuiltStore) -> None:
    """Each has a title in both languages, a gemeente parameter typed as a municipality (or,
    the one answered per stage, a schakel parameter), a taal parameter, a label in both
    languages for every column, and a voorbeeld column."""
    queries = canned_queries(scan_store.settings)
    assert sorted(name for name in queries if name.startswith("scan-")) == list(SCAN_QUERIES)
    for name in SCAN_QUERIES:
        query = queries[name]
        assert query.title["nl"] and query.title["en"], name
        if name == "scan-leerprojecten":  # the same for every municipality: per stage
            schakel = query.parameter("schakel")
            assert (schakel.type, schakel.required) == ("concept", True)
        else:
            gemeente = query.parameter("gemeente")
            assert (gemeente.type, gemeente.class_iri) == (
                "iri",
                "https://w3id.org/regiograaf/def#Municipality",
            )
        assert query.parameter("taal").default_values == ("nl",)
        assert "voorbeeld" in query.variables, name
        labels = _column_labels(query.path.read_text(encoding="utf-8"))
        assert set(labels) == set(query.variables), name
        assert all(label.keys() == {"nl", "en"} for label in labels.values()), name


def _column_labels(text: str) -> dict[str, dict[str, str]]:
    import yaml

    header = "\n".join(line[3:] for line in text.splitlines() if line.startswith("#+"))
    return yaml.safe_load(header)["columns"]


def test_gemeente(scan_store: BuiltStore) -> None:
    found = {short(row["gemeente"]): row for row in rows(scan_store, "scan-gemeente")}
    assert {code: row["lid"] for code, row in found.items()} == {
        "gm9001": True,
        "gm9002": True,
        "gm9003": True,
        "gm9004": True,
        "gm9005": False,
    }
    former = found["gm9005"]
    assert (former["lidTot"], short(former["opvolger"]), former["opvolgerNaam"]) == (
        "2022-12-31",
        "gm9003",
        "Cortwijk",
    )
    assert former["opvolgerCbs"] == "GM9003"


def test_strategie(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-strategie", gemeente=A)
    assert [(row["titel"], row["doelen"], row["voorbeeld"]) for row in found] == [
        ("Digitale agenda Aadorp", 3, False),
        ("Visie digitaal Aadorp 2015", 0, False),
    ]
    agenda, vision = found
    assert agenda["vastgesteld"] == "2024-03-01"
    assert short(agenda["vervangt"]) == "aadorp-visie-2015"
    assert short(vision["vervangenDoor"]) == "aadorp-agenda-2024"
    assert (vision["geldigVan"], vision["geldigTot"]) == ("2015", "2019")
    assert sorted(agenda["bronnen"].split()) == [
        "http://example.org/aadorp/agenda",
        "http://example.org/aadorp/raadsbesluit",
    ]
    assert agenda["gecontroleerd"] == "2026-02-01"
    assert rows(scan_store, "scan-strategie", gemeente=D) == []


def test_doelen(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-doelen", gemeente=A)
    links = [
        (
            short(row["doel"]),
            short(row["hogerDoel"]) if row["hogerDoel"] else None,
            row["niveau"],
            row["direct"],
            short(row["via"]) if row["via"] else None,
            row["voorbeeld"],
        )
        for row in found
    ]
    assert links == [
        ("a1", "r1", "regio", True, None, False),
        ("a1", "p1", "provincie", False, "r1", False),
        ("a1", "n1", "rijk", False, "r1", False),
        ("a2", "r1", "regio", False, "a1", False),
        ("a2", "p1", "provincie", False, "a1", False),
        ("a2", "n1", "rijk", False, "a1", False),
        ("a3", None, None, None, None, False),
        ("voorbeeld-a4", "r2", "regio", True, None, True),
    ]
    open_data = found[3]
    assert (short(open_data["hoofddoel"]), open_data["hoofddoelTitel"]) == (
        "a1",
        "Data als fundament",
    )
    assert (found[1]["viaTitel"], found[1]["organisatieNaam"]) == (
        "Regionaal datastelsel",
        "Testprovincie",
    )
    assert found[0]["bronnen"] == "http://example.org/aadorp/agenda"
    assert found[7]["bronnen"] is None


def test_open_doelen(scan_store: BuiltStore) -> None:
    def open_goals(municipality: str) -> list[tuple[str, bool, bool]]:
        return [
            (short(row["doel"]), row["verlopen"], row["viaProject"])
            for row in rows(scan_store, "scan-open-doelen", gemeente=municipality)
        ]

    assert open_goals(A) == [("p2", False, False), ("r3", True, False)]
    # Beekdam has no goals; its projects still serve R1, P1, N1 (Datadeelpunt) and P2.
    assert open_goals(B) == [
        ("r1", False, True),
        ("r2", False, False),
        ("p1", False, True),
        ("p2", False, True),
        ("n1", False, True),
        ("r3", True, False),
    ]
    # A former member is not scanned.
    assert open_goals(E) == []


def test_waardeketen(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-waardeketen")
    counts = {(short(row["gemeente"]), short(row["schakel"])): row["projecten"] for row in found}
    assert counts == {
        ("gm9001", "infrastructuur"): 1,
        ("gm9001", "data"): 1,
        ("gm9001", "toepassingen"): 1,
        ("gm9001", "vaardigheden"): 0,
        ("gm9002", "infrastructuur"): 1,
        ("gm9002", "data"): 2,
        ("gm9002", "toepassingen"): 0,
        ("gm9002", "vaardigheden"): 1,
        ("gm9003", "infrastructuur"): 0,
        ("gm9003", "data"): 1,
        ("gm9003", "toepassingen"): 1,
        ("gm9003", "vaardigheden"): 1,
        ("gm9004", "infrastructuur"): 0,
        ("gm9004", "data"): 0,
        ("gm9004", "toepassingen"): 0,
        ("gm9004", "vaardigheden"): 0,
    }
    invented = {
        (short(row["gemeente"]), short(row["schakel"])) for row in found if row["voorbeeld"]
    }
    assert invented == {
        ("gm9001", "toepassingen"),
        ("gm9002", "data"),
        ("gm9003", "vaardigheden"),
    }
    # Stages in order, then the enabler.
    assert [short(row["schakel"]) for row in found[:4]] == [
        "infrastructuur",
        "data",
        "toepassingen",
        "vaardigheden",
    ]
    assert [row["soort"] for row in found[:4]] == ["schakel"] * 3 + ["randvoorwaarde"]


def test_volwassenheid(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-volwassenheid", gemeente=A)
    assert [
        (short(row["schakel"]), row["niveauNummer"], row["datum"], row["voorbeeld"])
        for row in found
    ] == [
        ("infrastructuur", 3, "2025-01-01", True),
        ("data", 3, "2025-06-01", True),
        ("data", 2, "2024-01-01", True),
        ("vaardigheden", 1, "2025-09-01", False),
    ]
    assert {row["hoogsteNiveau"] for row in found} == {5}
    assert found[3]["bronnen"] == "http://example.org/aadorp/zelfscan"
    assert found[3]["beoordeeldDoorNaam"] == "Aadorp"


def test_projecten(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-projecten", gemeente=B)
    assert [
        (row["titel"], row["rol"], row["aansluiting"], row["statusNaam"], row["voorbeeld"])
        for row in found
    ] == [
        ("Datadeelpunt", "deelnemer", "direct", "Pilot", False),
        ("Digicafé Beekdam", "trekker", "geen", "Opgeschaald", False),
        ("Sensornet Beekdam", "trekker", "direct", "Afgerond", False),
        ("Voorbeeld: Energiedata Beekdam", "trekker", "geen", "Pilot", True),
    ]
    assert found[0]["trekkerNaam"] == "Aadorp"
    assert found[1]["homepage"] == "http://example.org/beekdam/digicafe"
    aadorp = {
        row["titel"]: row["aansluiting"] for row in rows(scan_store, "scan-projecten", gemeente=A)
    }
    assert aadorp == {
        "Datadeelpunt": "direct",
        "Glasvezel Aadorp": "indirect",
        "Voorbeeld: Parkeerapp Aadorp": "geen",
    }


def test_aansluiting(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-aansluiting")
    assert [
        (
            short(row["gemeente"]),
            row["projecten"],
            row["direct"],
            row["indirect"],
            row["aandeel"],
            row["voorbeelden"],
        )
        for row in found
    ] == [
        ("gm9001", 3, 1, 1, 67, 1),
        ("gm9002", 4, 2, 0, 50, 1),
        ("gm9003", 3, 1, 0, 33, 1),
        ("gm9004", 0, 0, 0, None, 0),
    ]
    assert [row["voorbeeld"] for row in found] == [True, True, True, False]


def test_gaten(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-gaten", gemeente=A)
    assert {short(row["schakel"]) for row in found} == {"vaardigheden"}
    assert [(row["soortItem"], row["itemTitel"], row["voorbeeld"]) for row in found] == [
        ("bouwsteen", "Leerlijn digitale vaardigheden", True),
        ("handelingsperspectief", "Digitale inclusie bevorderen", True),
        ("handelingsperspectief", "Oefenen met inwoners", True),
    ]
    assert {row["soort"] for row in found} == {"randvoorwaarde"}
    dijkhoven = rows(scan_store, "scan-gaten", gemeente=D)
    assert {short(row["schakel"]) for row in dijkhoven} == {
        "infrastructuur",
        "data",
        "toepassingen",
        "vaardigheden",
    }
    # A gap without building blocks or action perspectives is listed all the same.
    assert {row["soort"] for row in dijkhoven if short(row["schakel"]) == "data"} == {"schakel"}


def test_leerprojecten(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-leerprojecten", schakel=STAGE + "vaardigheden")
    assert [
        (row["itemTitel"], row["partnerNamen"], row["partners"], row["statusNaam"]) for row in found
    ] == [
        ("Digicafé Beekdam", "Beekdam", B, "Opgeschaald"),
        ("Voorbeeld: Digitale leesclub Cortwijk", "Cortwijk", C, "Pilot"),
    ]
    assert [row["projectVoorbeeld"] for row in found] == [False, True]
    # The count includes the invented project: every row is marked.
    assert [row["voorbeeld"] for row in found] == [True, True]
    assert {(row["aantal"], row["voorbeelden"]) for row in found} == {(2, 1)}


def test_leerprojecten_are_the_ten_most_experienced(built_store: BuiltStore) -> None:
    """On the project's data (more than ten projects in the stage Data): the ten it gives are
    the first ten of every current member's project there, ordered by status and IRI
    in Python."""
    stage = STAGE + "data"
    found = rows(built_store, "scan-leerprojecten", schakel=stage)
    every = built_store.store.query(
        f"""PREFIX rg: <https://w3id.org/regiograaf/def#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?p ?title ?n WHERE {{
          ?p rg:stage <{stage}> ; a rg:Project ;
             rg:participant|rg:leadOrganisation|rg:leadMunicipality ?m .
          ?l org:member ?m ; org:organization <{ID_BASE}organisatie/mrdh> .
          FILTER NOT EXISTS {{ ?l rg:endDate ?e }}
          ?p dct:title ?title FILTER(LANG(?title) = "nl")
          OPTIONAL {{ ?p rg:status/skos:notation ?n }}
        }}"""
    ).rows()
    ranked = sorted(every, key=lambda row: (-int(row["n"] or 0), str(row["p"])))
    assert len(ranked) > 10
    assert [row["item"] for row in found] == [str(row["p"]) for row in ranked[:10]]
    assert {row["aantal"] for row in found} == {len(ranked)}


def test_samenwerking(scan_store: BuiltStore) -> None:
    found = rows(scan_store, "scan-samenwerking", gemeente=A)
    assert [
        (
            row["partnerNaam"],
            row["overlap"],
            sorted(row["schakels"].split("; ")),
            sorted(row["opgaven"].split("; ")),
            row["gezamenlijk"],
            row["gezamenlijkeProjecten"],
            row["voorbeeld"],
        )
        for row in found
    ] == [
        ("Beekdam", 2, ["Infrastructuur"], ["Energie", "Mobiliteit"], 1, "Datadeelpunt", False),
        ("Cortwijk", 1, ["Toepassingen"], ["Mobiliteit"], 0, None, True),
    ]
    assert rows(scan_store, "scan-samenwerking", gemeente=D) == []


@pytest.mark.parametrize(
    ("name", "arguments", "column", "expected"),
    [
        ("scan-gemeente", {}, "opvolgerNaam", {"Cortwijk", None}),
        (
            "scan-strategie",
            {"gemeente": A},
            "titel",
            {"Digital agenda Aadorp", "Digital vision Aadorp 2015"},
        ),
        (
            "scan-doelen",
            {"gemeente": A},
            "hogerTitel",
            {
                "Regional data system",
                "Provincial data sharing",
                "National digital foundation",
                "Regional mobility",
                None,
            },
        ),
        (
            "scan-doelen",
            {"gemeente": A},
            "viaTitel",
            {"Regional data system", "Data as a foundation", None},
        ),
        (
            "scan-doelen",
            {"gemeente": A},
            "organisatieNaam",
            {"Test region", "Test province", "Test government", None},
        ),
        (
            "scan-open-doelen",
            {"gemeente": A},
            "strategieTitel",
            {"Provincial agenda", "Old regional agenda"},
        ),
        (
            "scan-waardeketen",
            {"gemeente": A},
            "schakelNaam",
            {"Infrastructure", "Data", "Applications", "Skills"},
        ),
        (
            "scan-volwassenheid",
            {"gemeente": A},
            "niveauNaam",
            {"3. Embedding", "2. Experimenting", "1. Exploring"},
        ),
        (
            "scan-gaten",
            {"gemeente": A},
            "itemTitel",
            {"Digital skills curriculum", "Promote digital inclusion", "Practise with residents"},
        ),
        (
            "scan-leerprojecten",
            {"schakel": STAGE + "vaardigheden"},
            "statusNaam",
            {"Scaled up", "Pilot"},
        ),
        (
            "scan-samenwerking",
            {"gemeente": A},
            "opgaven",
            {"Mobility", "Energy; Mobility", "Mobility; Energy"},
        ),
        (
            "scan-samenwerking",
            {"gemeente": A},
            "gezamenlijkeProjecten",
            {"Data sharing point", None},
        ),
        ("scan-projecten", {"gemeente": A}, "statusNaam", {"Pilot", "Scaled up"}),
    ],
)
def test_names_in_english(
    scan_store: BuiltStore, name: str, arguments: dict[str, object], column: str, expected: set
) -> None:
    """``taal=en`` gives English names, also from nested groups and subqueries (where the
    query cannot see ?taal itself)."""
    found = {row[column] for row in rows(scan_store, name, **arguments, taal="en")}
    assert found <= expected and found - {None}, (name, column, found)

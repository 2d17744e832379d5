"""``regiograaf query NAME [--param k=v]... [--endpoint URL] [--format table|csv|json]``: on the
local store (the query fixture), and with ``--endpoint`` through SPARQLWrapper against this
project's own running server (``live_server``), which must give the local answer."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from server.cli import main
from server.store.results import parse_sparql_json
from tests.support import BuiltStore, RunningServer, regiograaf_command

ID = "https://w3id.org/regiograaf/id/"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_on_the_local_store(
    canned_store: BuiltStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(canned_store.settings.store)
    code, out, err = cli(
        capsys, "aansluitingsscore", "--store", store, "--param", "gemeente=gm0606", "-f", "csv"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "gemeente,naam,score,aansluitend,projecten,voorbeeld",
        # The fixture's invented example project changes Schiedam's score: marked.
        f"{ID}gemeente/gm0606,Schiedam,75,3,4,true",
    ]


def test_json_and_several_values(
    canned_store: BuiltStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(canned_store.settings.store)
    code, out, _ = cli(
        capsys,
        "projecttijdlijn",
        "--store",
        store,
        "-p",
        "status=afgerond",
        "-p",
        "status=idee",
        "--format",
        "json",
    )
    assert code == 0
    _, rows = parse_sparql_json(out)
    assert [str(row["titel"]) for row in rows] == [
        "Kustdata Brielle",
        "Energiedata glastuinbouw",
        "Kustmonitor (voorbeeld)",
        "Meetnet wateroverlast kassen",
    ]
    assert [str(row["voorbeeld"]) for row in rows] == ["false", "false", "true", "false"]


def test_table(canned_store: BuiltStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        capsys,
        "samenwerkingskansen",
        "--store",
        str(canned_store.settings.store),
        "-p",
        "minimum=2",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["gemeente1", "naam1", "gemeente2", "naam2", "overlap"]
    assert set(lines[1]) == {"-", " "}
    assert lines[2].split()[:5] == ["gemeente:gm0503", "Delft", "gemeente:gm1783", "Westland", "2"]
    assert lines[-1] == "(2 rijen / 2 rows)"


def test_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--list")
    assert code == 0
    assert "samenwerkingskansen\n  Samenwerkingskansen tussen gemeenten" in out
    assert "--param minimum=…  integer (standaard 1)" in out
    assert "Collaboration opportunities" not in out and "more values" not in out
    assert cli(capsys)[1] == out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["bestaat-niet"], "er is geen query 'bestaat-niet'; zie `regiograaf query --list`"),
        (["samenwerkingskansen", "-p", "minimum=nul"], "parameter 'minimum'"),
        (["samenwerkingskansen", "-p", "gemeente=gm9999"], "parameter 'gemeente'"),
        (["samenwerkingskansen", "-p", "onbekend=1"], "parameter 'onbekend'"),
        (["samenwerkingskansen", "-p", "minimum"], "--param vraagt NAAM=WAARDE"),
    ],
)
def test_usage_errors_exit_2(
    canned_store: BuiltStore, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    code, out, err = cli(capsys, *args, "--store", str(canned_store.settings.store))
    assert code == 2
    assert out == ""
    assert fragment in err


#: A wrong value of each kind, and what the command says about it in Dutch and in English.
IN_TWO_LANGUAGES = [
    (
        ["projecttijdlijn", "-p", "vanaf=31-12-2021"],
        "parameter 'vanaf': geen datum JJJJ-MM-DD: '31-12-2021'",
        "parameter 'vanaf': not a date YYYY-MM-DD: '31-12-2021'",
    ),
    (
        ["samenwerkingskansen", "-p", "minimum=nul"],
        "parameter 'minimum': geen geheel getal",
        "parameter 'minimum': not an integer",
    ),
    (
        ["samenwerkingskansen", "-p", "onbekend=1"],
        "parameter 'onbekend': onbekend; deze vraag kent: ",
        "parameter 'onbekend': unknown; this query takes: ",
    ),
    (
        ["bestaat-niet"],
        "er is geen query 'bestaat-niet'; zie `regiograaf query --list`",
        "there is no query 'bestaat-niet'; see `regiograaf query --list`",
    ),
    (
        ["samenwerkingskansen", "-p", "minimum"],
        "--param vraagt NAAM=WAARDE, niet 'minimum'",
        "--param needs NAME=VALUE, not 'minimum'",
    ),
]


@pytest.mark.parametrize(("args", "dutch", "english"), IN_TWO_LANGUAGES)
def test_errors_in_the_chosen_language(
    canned_store: BuiltStore,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    dutch: str,
    english: str,
) -> None:
    store = str(canned_store.settings.store)
    for lang, expected, other in (("nl", dutch, english), ("en", english, dutch)):
        code, out, err = cli(capsys, *args, "--store", store, "--lang", lang)
        assert (code, out) == (2, ""), lang
        assert err.startswith("regiograaf query: " + expected), (lang, err)
        assert other not in err, lang
    assert cli(capsys, *args, "--store", store)[2].startswith("regiograaf query: " + dutch)


def test_a_missing_store_in_english_names_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing"
    code, _, err = cli(capsys, "aansluitingsscore", "--store", str(missing), "--lang", "en")
    assert code == 2
    first, detail = err.splitlines()
    assert first == f"regiograaf query: {missing}: No data has been built yet (regiograaf build)."
    assert str(missing) in detail


def test_the_list_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--list", "--lang", "en")
    assert code == 0
    assert "samenwerkingskansen\n  Collaboration opportunities between municipalities\n" in out
    assert "--param minimum=…  integer (default 1)" in out
    assert "Samenwerkingskansen" not in out and "standaard" not in out


def test_a_language_the_command_does_not_have_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli(capsys, "--list", "--lang", "de")
    assert stopped.value.code == 2
    assert "--lang" in capsys.readouterr().err


def test_no_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "aansluitingsscore", "--store", str(tmp_path / "nothing"))
    assert code == 2
    assert "regiograaf build" in err


def test_an_unreachable_endpoint_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "aansluitingsscore", "--endpoint", "http://127.0.0.1:9/sparql")
    assert code == 2
    assert "http://127.0.0.1:9/sparql" in err and "cannot be reached" in err


# --- against the project's own running server ----------------------------------------------

CASES = [
    ("waardeketen-matrix", []),
    ("samenwerkingskansen", ["-p", "gemeente=gm0599", "-p", "minimum=2"]),
    ("lerende-partners", ["-p", "gemeente=gm0503", "-p", "schakel=data"]),
    (
        "projecttijdlijn",
        ["-p", "gemeente=gm0599", "-p", "gemeente=gm0606", "-p", "vanaf=2023-01-01"],
    ),
    ("projecten-zoeken", ["-p", 'zoekterm=" } UNION { ?s ?p ?o } #']),
    ("gemeente-profiel", ["-p", "gemeente=gm0518"]),
]


def same_answer(one: str, other: str) -> bool:
    """Whether two SPARQL JSON answers agree, up to what SPARQL leaves undefined: the order of
    rows that sort alike and of the values GROUP_CONCAT joins (stores may differ in both)."""

    def normal(answer: str) -> tuple[list[str], list[tuple[tuple[str, str, str], ...]]]:
        variables, rows = parse_sparql_json(answer)
        return variables, sorted(
            tuple(
                (name, type(term).__name__, "|".join(sorted(re.split(r"[,;:()] *", str(term)))))
                for name, term in sorted(row.items())
            )
            for row in rows
        )

    return normal(one) == normal(other)


@pytest.mark.parametrize(("name", "params"), CASES, ids=[name for name, _ in CASES])
def test_the_endpoint_gives_the_local_answer(
    built_store: BuiltStore,
    live_server: RunningServer,
    capsys: pytest.CaptureFixture[str],
    name: str,
    params: list[str],
) -> None:
    store = str(built_store.settings.store)
    code, local, _ = cli(capsys, name, *params, "--store", store, "-f", "json")
    assert code == 0
    code, remote, err = cli(
        capsys, name, *params, "--endpoint", live_server.url + "/sparql", "-f", "json"
    )
    assert (code, err) == (0, "")
    assert same_answer(remote, local)
    if name != "projecten-zoeken":
        assert parse_sparql_json(remote)[1], name


def test_the_console_script_against_the_server(live_server: RunningServer) -> None:
    completed = subprocess.run(
        [
            *regiograaf_command(),
            "query",
            "aansluitingsscore",
            "--endpoint",
            live_server.url + "/sparql",
            "--param",
            "gemeente=gm0599",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    document = json.loads(completed.stdout)
    (row,) = document["results"]["bindings"]
    assert row["gemeente"]["value"] == f"{ID}gemeente/gm0599"
    assert row["naam"]["value"] == "Rotterdam"

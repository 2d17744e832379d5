"""``regiograaf validate``: every format and every exit code."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from server.build.validation import clear_cache
from server.cli import COMMANDS, main, make_parser
from server.settings import PROJECT_ROOT
from tests.support import TEST_DATA

ROOT = TEST_DATA / "validation" / "root"
VALID = TEST_DATA / "validation" / "project-valid.ttl"
INVALID = TEST_DATA / "validation" / "project-invalid.ttl"
TYPO = TEST_DATA / "validation" / "project-typo.ttl"
BROKEN = TEST_DATA / "syntax" / "unterminated-string.ttl"  # 5:15
ALL = [VALID, INVALID, TYPO, BROKEN]


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["validate", "--root", str(ROOT), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_0_when_everything_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, VALID)
    assert code == 0
    assert "in orde" in out


def test_exit_1_for_a_violation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, VALID, INVALID)
    assert code == 1
    assert f"{INVALID}:7: FOUT" in out
    assert "Oplossing: Gebruik een IRI uit data/gemeenten.ttl." in out
    assert 'project "Goed"' in out


def test_exit_1_for_a_syntax_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, BROKEN, "--lang", "en")
    assert code == 1
    assert f"{BROKEN}:5:15: SYNTAX ERROR" in out


def test_exit_2_for_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, VALID, TEST_DATA / "nope.ttl")
    assert code == 2
    assert "no such file" in err and "nope.ttl" in err
    assert out == ""


def test_exit_2_for_a_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--format", "pdf", str(VALID)])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *ALL, "--format", "json", "--lang", "en")
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1 and data["conforms"] is False
    assert data["summary"]["files"] == 4 and data["summary"]["syntax_errors"] == 1
    files = {Path(f["file"]).name: f for f in data["files"]}
    assert files["project-valid.ttl"]["conforms"] is True
    assert files["unterminated-string.ttl"]["syntax_error"]["line"] == 5
    assert files["unterminated-string.ttl"]["syntax_error"]["column"] == 15
    lead = next(f for f in files["project-typo.ttl"]["findings"] if f["line"] == 7)
    assert lead["message"] == "Unknown term rg:leadMunicipalty; did you mean rg:leadMunicipality?"
    assert lead["messages"]["nl"].startswith("Onbekende term")


def test_github(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *ALL, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert f"::error file={BROKEN.as_posix()},line=5,col=15," in out
    assert any(line.startswith(f"::warning file={INVALID.as_posix()},line=8,") for line in lines)
    assert any(
        line.startswith(f"::error file={TYPO.as_posix()},line=7,title=rgsh%3AUnknownTerm")
        for line in lines
    )


def test_junit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "junit.xml"
    code, out, _ = run(capsys, *ALL, "--format", "junit", "--output", target)
    assert code == 1 and out == ""
    root = ET.parse(target).getroot()
    assert root.tag == "testsuites"
    suites = {Path(s.get("name", "")).name: s for s in root.findall("testsuite")}
    assert suites["project-valid.ttl"].get("failures") == "0"
    assert suites["project-invalid.ttl"].get("failures") == "4"  # the warning is no failure
    assert suites["project-invalid.ttl"].get("tests") == "5"
    syntax = suites["unterminated-string.ttl"].find("testcase/failure")
    assert syntax is not None and syntax.get("message", "").startswith("5:15: ")


def test_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *ALL, "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    (run_,) = sarif["runs"]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert "https://w3id.org/regiograaf/shapes#UnknownTerm" in rules
    for result in run_["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
    syntax = next(r for r in run_["results"] if r["ruleId"].endswith("#TurtleSyntax"))
    location = syntax["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("data/syntax/unterminated-string.ttl")
    assert location["region"] == {"startLine": 5, "startColumn": 15}


def _console_script() -> list[str]:
    """The installed ``regiograaf`` script, or (not installed yet) its entry point."""
    script = Path(sys.executable).parent / "regiograaf"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [([VALID], 0), ([VALID, INVALID], 1), ([BROKEN], 1), ([TEST_DATA / "nope.ttl"], 2)],
)
def test_console_script_exit_codes(files: list[Path], expected: int) -> None:
    done = subprocess.run(
        [*_console_script(), "validate", "--root", str(ROOT), "-f", "github", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == expected, done.stderr


#: What other commands need and ``regiograaf validate`` must not load (it costs start-up time).
_NOT_FOR_VALIDATE = ("flask", "werkzeug", "jinja2", "gunicorn", "owlrl", "pyshacl", "shapely")


def test_validate_loads_neither_the_web_layer_nor_the_reasoner() -> None:
    code = (
        "import sys; from server.cli import main; code = main(sys.argv[1:]); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "validate", "--root", str(ROOT), str(VALID)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = set(done.stdout.splitlines()[-1].split())
    assert "rdflib" in loaded  # the probe sees what validation imports
    assert loaded.isdisjoint(_NOT_FOR_VALIDATE), sorted(loaded & set(_NOT_FOR_VALIDATE))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_alone_has_the_same_help_as_with_all_commands(command: str) -> None:
    """``main`` configures only the command it runs; its help and the main help stay the same."""

    def helps(parser: argparse.ArgumentParser) -> tuple[str, str]:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return parser.format_help(), action.choices[command].format_help()

    assert helps(make_parser(command)) == helps(make_parser())


def test_a_folder_stands_for_its_ttl_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.ttl").write_bytes(VALID.read_bytes())
    (tmp_path / "notes.txt").write_text("not turtle", encoding="utf-8")
    code, out, err = run(capsys, tmp_path)
    assert code == 0, err
    assert "a.ttl" in out
    assert "no such file" not in err


def test_an_empty_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, tmp_path)
    assert code == 2
    assert "folder without .ttl files" in err


def test_an_unreadable_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file that opens but cannot be read, even by root: Linux's /proc/self/mem answers EIO at
    # offset 0 (unmapped).
    path = tmp_path / "secret.ttl"
    path.symlink_to("/proc/self/mem")
    code, _out, err = run(capsys, path)
    assert code == 2
    assert "cannot read" in err and "secret.ttl" in err and "Input/output error" in err
    assert "internal error" not in err


def test_a_wrong_root_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--root", str(tmp_path / "nonexistent"), str(VALID)])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "no .ttl files" in err and "nonexistent" in err


def test_a_bad_setting_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGIOGRAAF_PORT", "abc")
    code = main(["serve"])
    _out, err = capsys.readouterr()
    assert code == 2
    assert "REGIOGRAAF_PORT" in err and "'abc'" in err


def test_a_read_error_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "secret.ttl")

    monkeypatch.setattr("server.cli.validate.validate_files", refuse)
    code, _out, err = run(capsys, VALID)
    assert code == 2
    assert "cannot read secret.ttl: Permission denied" in err
    assert "internal error" not in err


def test_the_context_is_kept_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGIOGRAAF_CACHE", str(tmp_path / "cache"))
    clear_cache()  # as in a new process
    code, _out, err = run(capsys, VALID)
    assert code == 0, err
    assert len(list((tmp_path / "cache").glob("context-*.pickle"))) == 1


def test_a_path_of_alternatives_is_named_by_its_properties(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A project without a lead breaks a rule whose path is "lead municipality or lead
    organisation" (``sh:alternativePath``): the report names both, not the blank node."""
    lacking = TEST_DATA / "shapes" / "project-invalid-06.ttl"
    for lang, word in (("nl", "eigenschap"), ("en", "property")):
        code = main(["validate", "--root", str(PROJECT_ROOT), "--lang", lang, str(lacking)])
        out, _ = capsys.readouterr()
        assert code == 1
        assert f"{word}: rg:leadMunicipality | rg:leadOrganisation" in out
        assert "_:" not in out

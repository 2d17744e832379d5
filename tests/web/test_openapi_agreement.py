"""The OpenAPI document and the server agree (issue 12): what /openapi.json declares is what
/queries/<name> accepts and refuses, checked by hand for the known disagreements and by
schemathesis (PyPI) against the real server (gunicorn), with a fixed seed and a bounded number
of examples per operation: zero failures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import RunningServer

#: Schemathesis's seed and examples per operation (each operation also gets its coverage cases).
SEED = 20261207
EXAMPLES = 20
GM0599 = "https://w3id.org/regiograaf/id/gemeente/gm0599"


def _parameter(client: FlaskClient, query: str, name: str) -> dict[str, Any]:
    document = client.get("/openapi.json").get_json()
    parameters = document["paths"][f"/queries/{query}"]["get"]["parameters"]
    return next(parameter for parameter in parameters if parameter["name"] == name)


def test_the_string_rules_are_declared(client: FlaskClient) -> None:
    schema = _parameter(client, "projecten-zoeken", "zoekterm")["schema"]
    assert schema["maxLength"] == 200
    assert schema["pattern"] == "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        # uniqueItems: true
        (f"/queries/waardeketen-matrix.json?gemeente={GM0599}&gemeente={GM0599}", "gemeente"),
        # format: date, and an enum: an empty value is neither
        ("/queries/projecttijdlijn.json?vanaf=", "vanaf"),
        ("/queries/samenwerkingskansen.json?gemeente=", "gemeente"),
        # the declared pattern (no control characters) and maxLength
        ("/queries/projecten-zoeken.json?zoekterm=data%0A", "zoekterm"),
        ("/queries/projecten-zoeken.json?zoekterm=data%C2%85", "zoekterm"),
        ("/queries/projecten-zoeken.json?zoekterm=" + "x" * 199 + "%20%20", "zoekterm"),
        # type: integer (as JSON writes one), at most the declared maximum
        ("/queries/samenwerkingskansen.json?minimum=%205", "minimum"),
        ("/queries/samenwerkingskansen.json?minimum=" + "9" * 19, "minimum"),
    ],
)
def test_what_the_document_refuses_is_refused(
    client: FlaskClient, url: str, parameter: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"]["parameter"] == parameter


def test_what_the_document_allows_is_answered(client: FlaskClient) -> None:
    for url in (
        "/queries/projecten-zoeken.json?zoekterm=",
        "/queries/projecten-zoeken.json?zoekterm=%E2%80%AEdata",
        f"/queries/waardeketen-matrix.json?gemeente={GM0599}&gemeente=gm0503",
        "/queries/samenwerkingskansen.json?minimum=3",
    ):
        assert client.get(url).status_code == 200, url


def test_the_form_page_leaves_its_empty_fields_out(client: FlaskClient) -> None:
    """A browser form sends every field; the page (not the API) takes an empty one as not
    given."""
    page = client.get(
        "/queries/samenwerkingskansen?gemeente=&opgave=&schakel=&minimum=",
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200


#: A Turtle body is text: any bytes are "a string", so schemathesis's bodies that are no
#: string (``{}``) are not wrong ones on the wire; the validation API answers them with a report.
CONFIG = """
[[operations]]
include-operation-id = "valideren"
checks.negative_data_rejection.enabled = false
"""


def test_schemathesis_finds_no_disagreement(live_server: RunningServer, tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(CONFIG, encoding="utf-8")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(tmp_path / "schemathesis.toml"),
        "run",
        live_server.url + "/openapi.json",
        "--seed",
        str(SEED),
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "1",
        "--report-dir",
        str(tmp_path / "report"),
        # The live server has no tokens, so every write is 405 by design (the write path is
        # off): its operations are checked with tokens in tests/contribute.
        "--exclude-operation-id-regex",
        "^graaf(Vervangen|Aanvullen|Verwijderen)$",
    ]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False
    )
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    assert " passed" in summary and "failure" not in summary.split("Test cases:")[-1], summary

"""The scan taken to the council: the PDF (its text read back with poppler's pdftotext) and
the Word document (read back with python-docx) hold the sections and figures of the page,
the data version and the example notice; the JSON document matches its OpenAPI schema."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from typing import Any

import pytest
from docx import Document
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from server.scan.compute import compute_scan
from tests.support import BuiltStore

#: What the page of Aadorp shows and every download must show too.
FIGURES_NL = (
    "Strategiescan Aadorp",
    "1. Strategie",
    "Strategie",
    "Positie in de waardeketen",
    "Gaten",
    "Samenwerkingskansen",
    "Aansluiting",
    "Digitale agenda Aadorp",
    "Regionaal datastelsel",
    "Provinciale netten",
    "Leerlijn digitale vaardigheden",
    "Digicafé Beekdam",
    "Datadeelpunt",
    "67% van de 3 projecten van Aadorp",
    "de mediaan 50%, van 33% tot 67%",
    "0,5",
    "Deze scan bevat verzonnen voorbeelden.",
)


def pdf_text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def docx_text(body: bytes) -> tuple[str, Any]:
    document = Document(io.BytesIO(body))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts), document


def flat(text: str) -> str:
    """Words joined by single spaces, hyphenation at line ends undone."""
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "").split())


def test_pdf(scan_client: FlaskClient, scan_store: BuiltStore) -> None:
    response = scan_client.get("/scan/gm9001.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="strategiescan-gm9001-nl.pdf"'
    )
    assert response.data.startswith(b"%PDF-")
    text = flat(pdf_text(response.data))
    for figure in FIGURES_NL:
        assert figure in text, figure
    assert f"dataversie {scan_store.store.data_version()[:12]}" in text
    # The print page is not the web page: no site navigation, no forms.
    assert "Projectenkaart" not in text and "Vergelijk met" not in text
    # Every section starts on a new page: at least six pages.
    assert pdf_text(response.data).count("\f") >= 6


def test_pdf_english(scan_client: FlaskClient) -> None:
    text = flat(pdf_text(scan_client.get("/scan/gm9001.pdf?lang=en").data))
    assert "Strategy scan Aadorp" in text and "Position in the value chain" in text
    assert "This scan contains invented examples." in text


def test_docx(scan_client: FlaskClient, scan_store: BuiltStore) -> None:
    response = scan_client.get("/scan/gm9001.docx")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    text, document = docx_text(response.data)
    for figure in FIGURES_NL:
        assert figure in text, figure
    assert f"dataversie {scan_store.store.data_version()[:12]}" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "1. Strategie",
        "2. Positie in de waardeketen",
        "3. Gaten",
        "4. Samenwerkingskansen",
        "5. Aansluiting",
    ]
    # Real tables: the value chain with its header row and one row per stage.
    chain = next(t for t in document.tables if t.rows[0].cells[0].text == "Schakel")
    assert [[cell.text for cell in row.cells][:4] for row in chain.rows] == [
        ["Schakel", "Aadorp", "Mediaan regio", "Maximum regio"],
        ["Infrastructuur", "1", "0,5", "1"],
        ["Data", "1", "1", "2"],
        ["Toepassingen", "1 (waarvan 1 verzonnen)", "0,5", "1"],
        ["Vaardigheden", "0", "0,5", "1"],
    ]
    # Invented rows say so.
    assert "Voorbeeld: Parkeerapp Aadorp (Voorbeeld)" in text
    assert document.core_properties.title == "Strategiescan Aadorp"


def test_docx_empty_states(scan_client: FlaskClient) -> None:
    text, _ = docx_text(scan_client.get("/scan/gm9004.docx?lang=en").data)
    assert "No strategy document of Dijkhoven is in Regiograaf yet." in text
    assert "How to contribute data" in text


def test_json_document(scan_client: FlaskClient, scan_store: BuiltStore) -> None:
    response = scan_client.get("/scan/gm9001.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["url"].endswith("/scan/gm9001")
    assert document["examples"] is True
    assert document["municipality"]["name"] == "Aadorp"
    assert document["alignment"]["own"]["share"] == 67
    assert [row["median"] for row in document["value_chain"]["rows"]] == [0.5, 1.0, 0.5, 0.5]
    assert document["data_version"] == scan_store.store.data_version()
    scan = compute_scan(scan_store.store, scan_store.settings, "gm9001")
    assert document["partners"][0]["joint_titles"] == list(scan.partners[0].joint_titles)


def test_openapi_describes_the_scan(scan_client: FlaskClient) -> None:
    spec = scan_client.get("/openapi.json").get_json()
    validate(spec)
    for path in ("/scan/{cbs}", "/scan/{cbs}.json", "/scan/{cbs}.pdf", "/scan/{cbs}.docx"):
        assert path in spec["paths"], path
    for name in ("scan-gaten", "scan-samenwerking", "scan-waardeketen"):
        assert f"/queries/{name}" in spec["paths"]
    schema = {"$ref": "#/components/schemas/ScanDocument", "components": spec["components"]}
    validator = Draft202012Validator(schema)
    for cbs in ("gm9001", "gm9004"):
        document = scan_client.get(f"/scan/{cbs}.json?lang=en").get_json()
        errors = [error.message for error in validator.iter_errors(document)]
        assert errors == [], errors
    # A document with a field too many does not pass: the schema is strict.
    document = scan_client.get("/scan/gm9001.json").get_json()
    document["municipality"]["extra"] = 1
    assert not validator.is_valid(json.loads(json.dumps(document)))

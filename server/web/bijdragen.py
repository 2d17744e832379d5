"""``/bijdragen``: check a contribution in the browser; ``POST /bijdragen/valideren``: the same
as an API (the JSON report of ``regiograaf validate --format json``).

Nothing is stored and no account is needed. The page works without JavaScript: the form posts
the file (or the pasted text) back to ``/bijdragen``, which shows every finding next to its
line of the text, with line, rule, property, value, message and hint, as the CLI reports them;
``bijdragen.js`` only loads a chosen file into the text box so it can be edited. Dutch by
default, English with ``?lang=en``. Checking takes a few seconds of CPU (pySHACL over all data),
so each server process checks one upload at a time and lets others wait
(:data:`WAIT_SECONDS`, then 503 with ``Retry-After``).

The helpers here are shared with the graph store and the history pages: the language of a
request (:func:`language`), a validation report in the negotiated format
(:func:`report_response`), and a request body within the size limit (:func:`read_body`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request

from server.build.reports import render
from server.build.reports.common import WORDS, describe_focus, short
from server.build.validation import FileResult, Finding, ValidationReport
from server.contribute.check import check_upload
from server.contribute.errors import ContentTypeNotSupported
from server.errors import BadRequest, PayloadTooLarge, Unavailable
from server.http import negotiation
from server.http.media_types import FORM, JSON, MULTIPART, N_TRIPLES, SARIF, TEXT, TURTLE
from server.messages import N_
from server.rdf.namespaces import sparql_prefixes
from server.web.context import get_settings, get_store
from server.web.language import language
from server.web.policy import choose

blueprint = Blueprint("bijdragen", __name__)

#: The formats of a validation report: JSON first (the API), plain text, SARIF.
REPORT = negotiation.Offer(
    media_types=(JSON, TEXT, SARIF),
    formats={"json": JSON, "text": TEXT, "sarif": SARIF},
)
_FORMATS = {JSON: "json", TEXT: "text", SARIF: "sarif"}
#: Bodies the graph store and the API read: Turtle, and N-Triples (which is Turtle too).
BODY_TYPES = (TURTLE, N_TRIPLES)
#: Seconds an upload waits for the process's check before 503.
WAIT_SECONDS = 60
_CHECKS = threading.BoundedSemaphore(1)

#: The organisations that can contribute: current MRDH members, MRDH and the province.
ORGANISATIONS = (
    sparql_prefixes("rg", "skos", "org")
    + """\
SELECT ?code ?label ?lang WHERE {
  { ?org rg:cbsCode ?cbs . BIND(LCASE(STR(?cbs)) AS ?code)
    FILTER NOT EXISTS { ?membership org:member ?org ; rg:endDate ?end } }
  UNION { ?org a rg:Region . BIND("mrdh" AS ?code) }
  UNION { ?org a rg:Province ; rg:tooi ?tooi . BIND(REPLACE(STR(?tooi), "^.*/", "") AS ?code) }
  ?org skos:prefLabel ?label . FILTER(LANG(?label) = ?lang)
} ORDER BY ?label"""
)


def report_response(report: ValidationReport, status: int) -> Response:
    """``report`` as JSON (default), plain text or SARIF by ``Accept`` or ``format=``, with
    messages in the request's language."""
    media_type, _ = choose(REPORT)
    body = render(report, _FORMATS[media_type], language())
    response = Response(body, status, content_type=negotiation.content_type(media_type))
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def body_type() -> str:
    """The media type of the request body: Turtle (also when none is given) or N-Triples;
    :class:`ContentTypeNotSupported` (415) for anything else."""
    given = (request.mimetype or TURTLE).lower()
    if given not in BODY_TYPES and given not in ("application/x-turtle", "text/plain"):
        raise ContentTypeNotSupported.saying(
            N_("Stuur Turtle (text/turtle) of N-Triples (application/n-triples), geen %(given)s."),
            given=given,
        )
    return TURTLE if given != N_TRIPLES else N_TRIPLES


def too_large(limit: int) -> PayloadTooLarge:
    """413 for a body larger than ``limit`` bytes."""
    return PayloadTooLarge.saying(N_("Het bestand is groter dan %(limit)s bytes."), limit=limit)


def read_body(limit: int) -> bytes:
    """The request body, at most ``limit`` bytes (:class:`PayloadTooLarge`, 413, beyond)."""
    if request.content_length is not None and request.content_length > limit:
        raise too_large(limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


@contextlib.contextmanager
def checking() -> Iterator[None]:
    """One check at a time per process (see the module docstring)."""
    if not _CHECKS.acquire(timeout=WAIT_SECONDS):
        error = Unavailable.saying(N_("Er wordt al gecontroleerd; probeer het zo opnieuw."))
        error.headers = (("Retry-After", "10"),)
        raise error
    try:
        yield
    finally:
        _CHECKS.release()


@blueprint.post("/bijdragen/valideren")
def validate_api() -> Response:
    """The report of the Turtle body (``?gemeente=gm0599``: as a contribution of that
    organisation; ``?naam=``: as that file of it); 200 whether it conforms or not."""
    for parameter in ("gemeente", "naam"):
        if request.args.get(parameter) == "":
            raise BadRequest.saying(
                N_("%(parameter)s= is leeg: laat het weg."), parameter=parameter
            )
    body_type()
    data = read_body(get_settings().max_upload)
    if not data:
        raise BadRequest.saying(N_("Stuur het Turtle-bestand als body."))
    with checking():
        report = check_upload(
            get_settings(),
            data,
            code=request.args.get("gemeente"),
            name=request.args.get("naam"),
        )
    return report_response(report, 200)


# --------------------------------------------------------------------------- the page


@dataclass
class Line:
    """One line of the checked text and the findings at it."""

    number: int
    text: str
    findings: list[dict[str, str]] = field(default_factory=list)


def organisations(lang: str) -> list[tuple[str, str]]:
    """(code, name) of every organisation that can contribute, by name."""
    from rdflib import Literal

    rows = get_store().query(ORGANISATIONS, bindings={"lang": Literal(lang)}).rows()
    return [(str(row["code"]), str(row["label"])) for row in rows]


def _finding_view(result: FileResult, finding: Finding, lang: str) -> dict[str, str]:
    words = WORDS[lang]
    return {
        "severity": finding.severity,
        "label": words[finding.severity],
        "message": finding.message(lang),
        "hint": finding.hint(lang),
        "rule": short(finding.shape),
        "path": short(finding.path),
        "value": short(finding.value),
        "focus": describe_focus(result, finding.focus, lang),
        "line": str(finding.line or ""),
    }


def page_view(text: str, result: FileResult, lang: str) -> dict[str, object]:
    """What the page shows of a checked text: its lines with their findings, the findings
    without a line, the syntax error, and the counts."""
    lines = [Line(number, line) for number, line in enumerate(text.splitlines() or [""], 1)]
    general = []
    for finding in result.findings:
        view = _finding_view(result, finding, lang)
        if finding.line is not None and 1 <= finding.line <= len(lines):
            lines[finding.line - 1].findings.append(view)
        else:
            general.append(view)
    error = result.syntax_error
    syntax = None
    if error is not None:
        syntax = {"line": error.line, "column": error.column, "message": error.text(lang)}
        if 1 <= error.line <= len(lines):
            lines[error.line - 1].findings.append(
                {
                    "severity": "Syntax",
                    "label": WORDS[lang]["syntax"],
                    "line": str(error.line),
                    "message": f"{WORDS[lang]['line']} {error.line}:{error.column} — "
                    f"{error.text(lang)}",
                    "hint": "",
                    "rule": "",
                    "path": "",
                    "value": "",
                    "focus": "",
                }
            )
    return {
        "lines": lines,
        "general": general,
        "syntax": syntax,
        "conforms": result.conforms,
        "violations": sum(1 for f in result.findings if f.severity == "Violation"),
        "warnings": sum(1 for f in result.findings if f.severity != "Violation"),
        "with_findings": [line for line in lines if line.findings],
    }


def _posted(limit: int) -> tuple[bytes, str]:
    """The file of the form (and its name), else the text typed or pasted into it."""
    if request.mimetype not in (MULTIPART, FORM):
        raise ContentTypeNotSupported.saying(N_("Stuur het formulier."))
    if (request.content_length or 0) > 2 * limit + 65536:
        raise too_large(limit)
    # Also for a body without Content-Length: werkzeug stops reading beyond this (413).
    request.max_content_length = 2 * limit + 65536
    upload = request.files.get("bestand")
    data = upload.read(limit + 1) if upload is not None and upload.filename else b""
    shown = str(upload.filename) if upload is not None and data else ""
    if not data:
        data = request.form.get("tekst", "").replace("\r\n", "\n").encode("utf-8")
    if len(data) > limit:
        raise too_large(limit)
    return data, shown


@blueprint.route("/bijdragen", methods=["GET", "POST"])
def page() -> Response:
    """The validation page; a POST (the form) shows the findings of the posted text."""
    lang = language()
    choices = organisations(lang)
    chosen = request.values.get("gemeente", "")
    name = request.values.get("naam", "").strip()
    text, shown, view = "", "", None
    if request.method == "POST":
        data, shown = _posted(get_settings().max_upload)
        text = data.decode("utf-8", errors="replace")
        with checking():
            report = check_upload(get_settings(), data, code=chosen or None, shown=shown or None)
        view = page_view(text, report.files[0], lang)
    return html_page(
        "bijdragen.html",
        "no-store",
        organisations=choices,
        chosen=chosen,
        name=name,
        text=text,
        shown=shown,
        view=view,
    )


def html_page(template: str, cache_control: str, **values: object) -> Response:
    """``template`` rendered in the request's language, as an HTML response with
    ``cache_control``: the contribution pages' one way to answer."""
    html = render_template(template, **values)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = cache_control
    return response

"""Validating an upload without storing it: the web page ``/bijdragen`` and the API
``POST /bijdragen/valideren`` give the report ``regiograaf validate`` gives for a file.

With a contribution folder (``gm0599``) the upload is checked as if it were the file
``data/contributions/<folder>/<name>.ttl`` (the ownership rule applies, and a file of that
name already there is replaced by the upload in the context); without one, as a file outside
``data/`` (no ownership rule, nothing replaced). Nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from server.build.validation import ValidationReport, validate_files
from server.contribute.graphs import valid_code
from server.contribute.reports import relative
from server.contribute.writes import organisation_iri
from server.errors import InvalidRequest
from server.messages import N_
from server.settings import Settings

__all__ = ["check_upload"]

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
#: The file name an upload without a name is checked as.
DEFAULT_NAME = "bijdrage"


def check_upload(
    settings: Settings,
    data: bytes,
    *,
    code: str | None = None,
    name: str | None = None,
    shown: str | None = None,
) -> ValidationReport:
    """The validation report of ``data`` (see the module docstring); ``shown`` is the file
    name the report gives it (default: the path it was checked as). Raises
    :class:`InvalidRequest` for a folder no organisation has, or a name that is not allowed."""
    root = settings.root
    name = name or DEFAULT_NAME
    if not _NAME.fullmatch(name):
        raise InvalidRequest.saying(
            N_("Een naam bestaat uit kleine letters, cijfers en koppeltekens: %(name)s"),
            name=repr(name),
        )
    if code:
        if not valid_code(code) or organisation_iri(root, code) is None:
            raise InvalidRequest.saying(
                N_("Geen organisatie met de code %(code)s."), code=repr(code)
            )
        relpath = f"data/contributions/{code}/{name}.ttl"
    else:
        relpath = f"{name}.ttl"
    path = root / relpath
    report = validate_files([path], root, texts={path: data})
    return relative(report, root, {path: Path(shown or relpath)})

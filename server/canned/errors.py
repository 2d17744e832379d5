"""The two errors of canned queries: a file that cannot be used, a value that does not fit."""

from __future__ import annotations

from pathlib import Path

from server.errors import BadRequest, SourceError


class CannedQueryError(SourceError, ValueError):
    """A canned query file that cannot be used; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class ParameterError(BadRequest, ValueError):
    """A value that does not fit its parameter (or a parameter the query does not have).

    ``parameter`` is the parameter's name; ``str()`` says what is wrong, in Dutch and English.
    """

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter '{parameter}': {message}")
        self.parameter = parameter
        self.message = message

"""The errors of canned queries: a file that cannot be used, a value that does not fit (or a
required one that is missing)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from server.errors import BadRequest, SourceError
from server.messages import N_


class CannedQueryError(SourceError, ValueError):
    """A canned query file that cannot be used; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


class ParameterError(BadRequest, ValueError):
    """A value that does not fit its parameter (or a parameter the query does not have).

    ``parameter`` is the parameter's name; ``problem`` what is wrong, a Dutch gettext msgid
    (marked with ``N_`` where it is raised) with the values of its placeholders. ``str()`` and
    :attr:`message` say it in Dutch, :meth:`problem_in` and :meth:`message_in` in the reader's
    language.
    """

    def __init__(self, parameter: str, problem: str, /, **variables: object) -> None:
        self.parameter = parameter
        self.problem = (problem, variables)
        self.message = problem % variables if variables else problem
        super().__init__(f"parameter '{parameter}': {self.message}")

    def problem_in(self, gettext: Callable[..., str]) -> str:
        """What is wrong with the value, through ``gettext``."""
        problem, variables = self.problem
        return gettext(problem, **variables)

    def message_in(self, gettext: Callable[..., str]) -> str:
        """The parameter and what is wrong with it, through ``gettext``."""
        return gettext(
            "parameter %(parameter)s: %(problem)s",
            parameter=repr(self.parameter),
            problem=self.problem_in(gettext),
        )


class MissingParameter(ParameterError):
    """A required parameter without a value (and without a default)."""

    def __init__(self, parameter: str) -> None:
        super().__init__(parameter, N_("is verplicht"))

"""The one error an operator sees when an input file cannot be used as a whole."""

from __future__ import annotations

from rod_pipeline.errors import OperatorError


class ContractError(OperatorError):
    """A whole-file failure: the extract (or the reference data) stops here.

    The message names the file and the problem in an operator's words and never holds a value
    from the file (pupil numbers and postcodes are personal data).
    """

    def __init__(self, file: str, problem: str, *, message: str | None = None) -> None:
        super().__init__(message or f"{file}: {problem}")
        self.file = file
        self.problem = problem

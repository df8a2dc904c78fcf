"""Errors an operator can act on: a short message, what to do, and the command's exit code."""

from __future__ import annotations


class OperatorError(Exception):
    """A problem the operator can fix; the CLI prints the message and the hint, no trace."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

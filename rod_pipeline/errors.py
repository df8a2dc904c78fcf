"""Errors an operator can act on: a short message, what to do, and the command's exit code.

Any other exception is ours (an internal error): the operator gets one line and the path of a
log file that holds the full trace (write_error_log).
"""

from __future__ import annotations

import errno
import os
import re
import traceback
from datetime import datetime
from enum import IntEnum
from pathlib import Path

# Personal data that an exception's text might quote (a DuckDB error quotes the offending line):
# 9-digit pupil numbers and postcodes. Logs and messages never show them.
_PERSONAL_DATA = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])|\b[1-9][0-9]{3} ?[A-Z]{2}\b")


class ExitCode(IntEnum):
    """The exit status of every command (docs/operations.md, "Exit codes")."""

    OK = 0
    EXTRACT_FAILED = 1  # a contract, gate or check failure: the extract was not published
    USAGE = 2  # wrong arguments, or not a data folder
    LOCKED = 3  # another command holds the data folder's lock
    NO_SPACE = 4
    DAMAGED_WAREHOUSE = 5
    INTERNAL = 70  # a bug: the log file holds the trace
    INTERRUPTED = 130


class OperatorError(Exception):
    """A problem the operator can fix; the CLI prints the message and the hint, no trace."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(OperatorError):
    """The command cannot start as asked: wrong arguments, or not a data folder."""

    exit_code = ExitCode.USAGE


def no_space_error(exc: BaseException) -> OperatorError | None:
    """An OperatorError when `exc` says the disk is full (from the OS or from DuckDB)."""
    full = (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or (
        "No space left on device" in str(exc)
    )
    if not full:
        return None
    return OperatorError(
        "no space left on the disk",
        hint="free some space, then run the command again",
        exit_code=ExitCode.NO_SPACE,
    )


def without_personal_data(text: str) -> str:
    return _PERSONAL_DATA.sub("<removed>", text)


def write_error_log(state_dir: Path, exc: BaseException) -> Path:
    """Write the full trace of `exc` to state_dir/logs/rod-pipeline-YYYYMMDD-HHMMSS-<pid>.log."""
    logs = state_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    path = logs / f"rod-pipeline-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    trace = "".join(traceback.format_exception(exc))
    with path.open("a", encoding="utf-8") as log:  # "a": a second error in the same second
        log.write(without_personal_data(trace))
    return path

"""One measured step in its own process: wall time and the child's peak resident memory."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# A run must not write into an operator's Dagster instance: without DAGSTER_HOME the CLI keeps
# its instance inside the (fresh) data folder.
_CHILD_ENV = {name: value for name, value in os.environ.items() if name != "DAGSTER_HOME"}


@dataclass(frozen=True)
class ChildRun:
    argv: list[str]
    seconds: float
    peak_rss_bytes: int
    stdout: str
    stderr: str


class ChildFailed(RuntimeError):
    pass


def run_child(argv: list[str]) -> ChildRun:
    """Run `argv` to the end; raises ChildFailed (with its stderr tail) on a non-zero exit.

    os.wait4 gives the rusage of exactly this child, so ru_maxrss is its own high-water mark
    (not that of an earlier, bigger child, as RUSAGE_CHILDREN would).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, env=_CHILD_ENV, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        raise ChildFailed(f"{Path(argv[0]).name} exited with {process.returncode}:\n{tail}")
    # Linux reports ru_maxrss in KiB.
    return ChildRun(argv, seconds, usage.ru_maxrss * 1024, stdout, stderr)

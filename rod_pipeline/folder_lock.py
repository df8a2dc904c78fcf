"""One writer at a time per data folder (CONTRACT: commands that write never interleave).

Every command that writes, and every Dagster run that writes, holds `DIR/state/lock` (an flock,
released by the kernel when the process dies, so a killed run never leaves it behind). A second
writer waits and says who it waits for. Re-entrant within a process: the CLI holds the lock
while the Dagster run it executes in process takes it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from rod_pipeline.errors import ExitCode, OperatorError

LOCK_FILE = "lock"
_held: dict[Path, int] = {}
_guard = threading.Lock()


class FolderLockedError(OperatorError):
    """Another command kept the data folder longer than this one would wait."""

    exit_code = ExitCode.LOCKED


def lock_path(root: Path) -> Path:
    return root / "state" / LOCK_FILE


def holder(root: Path) -> str:
    """Who holds the lock, as its holder wrote it (best effort: for the message only)."""
    try:
        facts = json.loads(lock_path(root).read_text() or "{}")
    except (OSError, ValueError):
        return "another command"
    return (
        f"{facts.get('command', 'a command')} (pid {facts.get('pid')}, since {facts.get('since')})"
    )


@contextmanager
def exclusive(
    root: Path,
    command: str,
    say: Callable[[str], None] = print,
    timeout: float | None = None,
) -> Iterator[None]:
    """Hold the data folder's lock for the block; wait for another holder, for ever or up to
    `timeout` (default: ROD_LOCK_WAIT_SECONDS when the operator set it), then exit code 3."""
    if timeout is None and os.environ.get("ROD_LOCK_WAIT_SECONDS"):
        timeout = float(os.environ["ROD_LOCK_WAIT_SECONDS"])
    path = lock_path(root.resolve())
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, root, say, timeout)
        os.ftruncate(fd, 0)
        facts = {
            "command": command,
            "pid": os.getpid(),
            "since": datetime.now().isoformat("T", "seconds"),
        }
        os.pwrite(fd, json.dumps(facts).encode(), 0)
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[path]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the flock


def _acquire(fd: int, root: Path, say: Callable[[str], None], timeout: float | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    say(f"waiting: {holder(root)} is writing to {root}")
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if deadline is not None and time.monotonic() > deadline:
                raise FolderLockedError(
                    f"{holder(root)} is still writing to {root}",
                    hint="wait for it to finish, then run this command again",
                ) from None
            time.sleep(0.2)


def is_locked(root: Path) -> bool:
    """Whether a writer holds the folder now (for sensors, which do not wait)."""
    path = lock_path(root.resolve())
    if path in _held:
        return True
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False

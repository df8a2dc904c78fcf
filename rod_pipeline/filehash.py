"""sha256 of input files, computed once per path, size and mtime in a process.

The planner hashes an extract's files to tell whether it was processed, and the read gate reads
them moments later; a sensor looks every 30 s. The first to ask hashes; whoever asks meanwhile
waits for that result. `rod-pipeline run --peildatum` starts hashing the extract's files while
Python is still loading Dagster and pandas (`prefetch`): hashlib works beside the loading.

No pandas, DuckDB or Dagster here: this module is imported before them.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from concurrent.futures import Future
from pathlib import Path

CHUNK = 16 * 1024 * 1024
Key = tuple[str, int, int]

_lock = threading.Lock()
_hashes: dict[Key, Future[str]] = {}


def stat_key(path: Path) -> Key:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def sha256(path: Path) -> str:
    """sha256 of a file, hashed again only when its size or mtime changed since."""
    key = stat_key(path)
    with _lock:
        pending = _hashes.get(key)
        mine = pending is None
        if pending is None:
            pending = _hashes[key] = Future()
    if mine:
        try:
            digest = hashlib.sha256()
            with path.open("rb") as stream:
                while data := stream.read(CHUNK):
                    digest.update(data)
        except BaseException as error:
            _forget(key)
            pending.set_exception(error)
            raise
        pending.set_result(digest.hexdigest())
        if stat_key(path) != key:  # changed while it was read: the next asker hashes again
            _forget(key)
    return pending.result()


def known(path: Path) -> Future[str] | None:
    """The hash of the file as it is now, when it is being or has been computed."""
    with _lock:
        return _hashes.get(stat_key(path))


def remember(path: Path, key: Key, digest: str) -> None:
    """A hash computed elsewhere (while reading the file for another reason)."""
    if stat_key(path) != key:  # not while it was being written
        return
    with _lock:
        if key not in _hashes:
            done: Future[str] = Future()
            done.set_result(digest)
            _hashes[key] = done


def prefetch(paths: list[Path]) -> threading.Thread:
    """Start hashing the files in the background (errors are left to whoever asks next)."""

    def hash_all() -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                sha256(path)

    thread = threading.Thread(target=hash_all, name="rod-prefetch-sha256", daemon=True)
    thread.start()
    return thread


def _forget(key: Key) -> None:
    with _lock:
        _hashes.pop(key, None)

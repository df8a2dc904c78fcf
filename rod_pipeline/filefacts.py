"""Facts about input files computed once per path, size and mtime in a process: their sha256,
lines and UTF-8 validity (`scan`), and the number of records DuckDB reads in a CSV file.

The planner hashes an extract's files to tell whether it was processed, and the read gate reads
them moments later; a sensor looks every 30 s. The first to ask computes; whoever asks meanwhile
waits for that result. `rod-pipeline run --peildatum` starts on the extract's files while Python
is still loading Dagster and pandas (`prefetch`): hashlib and DuckDB's CSV reader release the GIL,
so they use the core that the loading leaves idle.

No pandas or Dagster here (numpy and DuckDB only when asked): this module is imported first.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

CHUNK = 16 * 1024 * 1024
Key = tuple[str, int, int]
_T = TypeVar("_T")

_lock = threading.Lock()
_facts: dict[tuple[Key, str], Future] = {}
# DuckDB connections counting records, and whether the process is ending: a DuckDB query still
# running in a daemon thread when Python exits aborts the process (SIGABRT, "exception not
# rethrown"), so the prefetch is interrupted and waited for at exit (_stop).
_counting: set[Any] = set()
_stopping = threading.Event()


def stat_key(path: Path) -> Key:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def _once(path: Path, fact: str, compute: Callable[[Path], _T]) -> _T:
    """compute(path), computed again only when the file's size or mtime changed since."""
    key = (stat_key(path), fact)
    with _lock:
        pending = _facts.get(key)
        mine = pending is None
        if pending is None:
            pending = _facts[key] = Future()
    if mine:
        try:
            pending.set_result(compute(path))
        except BaseException as error:
            _forget(key)  # the next asker tries again, and gets the error itself
            pending.set_exception(error)
            raise
        if stat_key(path) != key[0]:  # changed while it was read: the next asker reads again
            _forget(key)
    return pending.result()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while data := stream.read(CHUNK):
            digest.update(data)
    return digest.hexdigest()


def sha256(path: Path) -> str:
    """sha256 of a file, hashed again only when its size or mtime changed since."""
    return _once(path, "sha256", _sha256_of)


def known(path: Path) -> Future[str] | None:
    """The hash of the file as it is now, when it is being or has been computed."""
    with _lock:
        return _facts.get((stat_key(path), "sha256"))


def remember(path: Path, key: Key, digest: str) -> None:
    """A hash computed elsewhere (while reading the file for another reason)."""
    if stat_key(path) != key:  # not while it was being written
        return
    with _lock:
        if (key, "sha256") not in _facts:
            done: Future[str] = Future()
            done.set_result(digest)
            _facts[key, "sha256"] = done


def scan(path: Path, chunk: int = CHUNK) -> tuple[str, int, bool]:
    """The file's sha256, its number of lines up to the last one that holds anything, and
    whether it is valid UTF-8 (so DuckDB need not decode every field to find out); the lines
    tell whether every row of a CSV file is on the next line (contract/lines.py)."""
    return _once(path, f"scan/{chunk}", lambda _: _scan(path, chunk))


def _scan(path: Path, chunk: int) -> tuple[str, int, bool]:
    import numpy as np

    key = stat_key(path)
    hashed = known(path)  # the planner's hash (or one it is computing)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    breaks, last, utf8 = 0, b"", True
    with path.open("rb") as stream:
        while data := stream.read(chunk):
            if hashed is None:
                digest.update(data)  # releases the GIL: runs beside DuckDB's reader
            breaks += int(np.count_nonzero(np.frombuffer(data, np.uint8) == ord("\n")))
            # ASCII is valid on its own, unless a character of the chunk before is unfinished.
            if utf8 and not (data.isascii() and decoder.getstate()[0] == b""):
                utf8 = _decodes(decoder, data, final=False)
            last = data
    utf8 = utf8 and _decodes(decoder, b"", final=True)
    # Line breaks after the last text end no line (a run longer than a chunk is only counted
    # as lines, which sends the file to lines.shifts(): slower, still right).
    trailing = last[len(last.rstrip(b"\r\n")) :].count(b"\n")
    if hashed is None:
        remember(path, key, digest.hexdigest())
        return digest.hexdigest(), breaks - trailing + 1, utf8
    return hashed.result(), breaks - trailing + 1, utf8


def _decodes(decoder: codecs.IncrementalDecoder, data: bytes, final: bool) -> bool:
    try:
        decoder.decode(data, final)
    except UnicodeDecodeError:
        return False
    return True


def csv_reader(path: Path, fields: int) -> str:
    """DuckDB's reader of an input CSV file of `fields` fields, each as text named c0, c1, ..."""
    quoted_path = "'" + str(path.resolve()).replace("'", "''") + "'"
    columns = "{" + ", ".join(f"'c{index}': 'VARCHAR'" for index in range(fields)) + "}"
    return (
        f"read_csv({quoted_path}, delim=';', header=true, quote='\"', escape='\"', "
        f"auto_detect=false, columns={columns})"
    )


def record_count(path: Path, fields: int) -> int:
    """The number of records DuckDB reads in the CSV file (the header not counted). DuckDB
    checks the whole file's structure to count them: a file that is not such a table raises
    duckdb.Error with DuckDB's own message."""
    reader = csv_reader(path, fields)

    def count(_: Path) -> int:
        import duckdb

        with duckdb.connect() as con:
            with _lock:
                if _stopping.is_set():
                    raise RuntimeError("the process is ending")
                _counting.add(con)
            try:
                found = con.execute(f"SELECT count(*) FROM {reader}").fetchone()
            finally:
                with _lock:
                    _counting.discard(con)
        assert found is not None
        return int(found[0])

    return _once(path, reader, count)


def header_fields(path: Path) -> int | None:
    """The number of fields of the CSV file's header (its first line), when it has one."""
    with path.open("rb") as stream:
        first = stream.readline(1024 * 1024)
    text = first.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    return text.count(";") + 1 if text.strip() and "\r" not in text else None


def prefetch(paths: list[Path]) -> threading.Thread:
    """Start hashing the files, scanning the CSV files and counting their records, in the
    background (errors are left to whoever asks next)."""

    def compute_all() -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                if not _stopping.is_set():
                    scan(path) if path.suffix == ".csv" else sha256(path)
        for path in paths:
            if path.suffix == ".csv" and not _stopping.is_set():
                with contextlib.suppress(Exception):
                    if (fields := header_fields(path)) is not None:
                        record_count(path, fields)

    thread = threading.Thread(target=compute_all, name="rod-prefetch", daemon=True)
    thread.start()
    atexit.register(_stop, thread)
    return thread


def _stop(thread: threading.Thread) -> None:
    """At exit: interrupt the counts under way, and wait for the prefetch to end (a hash
    under way finishes its file)."""
    with _lock:
        _stopping.set()
        for con in _counting:
            con.interrupt()
    thread.join()


def _forget(key: tuple[Key, str]) -> None:
    with _lock:
        _facts.pop(key, None)

"""Whole or not at all: warehouse transactions, and files that readers see complete or not.

A file is written to a temp file in the same folder, fsynced, os.replace'd over the old one,
and the folder fsynced (a rename is atomic, but not durable by itself).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import duckdb

TEMP_SUFFIX = ".tmp"


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every file and folder below `root` (hard links only their folder entries), side
    by side: fsync waits on the disk, not the CPU. Targeted, unlike os.sync(), which would wait
    for every other process's writes on the machine."""
    folders = [root, *(p for p in root.rglob("*") if p.is_dir())]
    files = [p for p in root.rglob("*") if p.is_file()]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fsync, files))
        list(pool.map(fsync, folders))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block did to the warehouse, or nothing of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def make_dirs(folder: Path) -> None:
    """Create the folder and its missing parents, each made durable in its own parent."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
        fsync(created.parent)


def temp_path(path: Path) -> Path:
    """A hidden sibling that no reader's `*.parquet` or `*.json` glob matches."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}")


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temp path to write to; on success it is fsynced and replaces `path`."""
    make_dirs(path.parent)
    temp = temp_path(path)
    try:
        yield temp
        fsync(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    fsync(path.parent)


def write_bytes(path: Path, data: bytes) -> None:
    with replacing(path) as temp:
        temp.write_bytes(data)


def remove_tree(folder: Path) -> None:
    """Remove a folder that no longer belongs to the publication, durably."""
    if folder.exists():
        shutil.rmtree(folder)
        fsync(folder.parent)


def remove_leftover_temp_files(root: Path) -> int:
    """Temp files of an export that was killed (with DuckDB's .wal of a temp catalog); returns
    how many were removed."""
    leftovers = [p for p in root.rglob(f".*{TEMP_SUFFIX}*") if p.is_file()]
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    return len(leftovers)

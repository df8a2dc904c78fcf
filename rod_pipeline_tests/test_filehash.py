"""filehash: a file is hashed once per size and mtime in a process; the CLI starts early."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from rod_pipeline import filehash


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_prefetched_hash_is_the_files_and_a_change_is_hashed_anew(tmp_path: Path) -> None:
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(b"a;b\n1;2\n")
    prefetching = filehash.prefetch([path])
    assert filehash.sha256(path) == _sha(b"a;b\n1;2\n")
    found = filehash.known(path)
    assert found is not None and found.result() == _sha(b"a;b\n1;2\n")
    # A prefetch thread that starts late would hash the rewritten file below (CI saw it).
    prefetching.join()
    path.write_bytes(b"a;b\n1;2\n3;4\n")
    assert filehash.known(path) is None
    assert filehash.sha256(path) == _sha(b"a;b\n1;2\n3;4\n")


def test_the_same_size_and_mtime_is_taken_for_the_same_file(tmp_path: Path) -> None:
    """The planner's own rule: a file rewritten with its size and mtime kept is not read."""
    path = tmp_path / "tlv.csv"
    path.write_bytes(b"x;y\n1;2\n")
    first = filehash.sha256(path)
    stat = path.stat()
    path.write_bytes(b"x;y\n3;4\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert filehash.sha256(path) == first


def test_askers_at_once_all_get_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    data = os.urandom(3 * filehash.CHUNK + 5)
    path.write_bytes(data)
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(filehash.sha256(path))) for _ in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [_sha(data)] * 4


def test_a_missing_file_fails_whoever_asks_not_the_prefetch(tmp_path: Path) -> None:
    path = tmp_path / "gone.csv"
    filehash.prefetch([path])  # no error in the background thread reaches anyone
    with pytest.raises(FileNotFoundError):
        filehash.sha256(path)

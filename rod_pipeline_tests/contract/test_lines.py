"""lines.scan: one read of the file gives its sha256, its lines and whether it is UTF-8."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from rod_pipeline import filehash
from rod_pipeline.contract import lines


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
@pytest.mark.parametrize(
    ("content", "utf8"),
    [
        (b"a;b\n1;2\n", True),
        ("a;b\n1;Jos\u00e9\n2;\u20ac\n".encode(), True),  # multi-byte, split by small chunks
        ("\ufeffa;b\n1;\U0001f600\n".encode(), True),  # BOM and a 4-byte character
        (b"a;b\n1;Jos\xe9\n", False),  # Latin-1
        (b"a;b\n1;\xff\n2;x\n", False),
        ("a;b\n1;\u20ac".encode()[:-1], False),  # cut off inside a character
        (b"a;b\n1;\xe2\x82x\n", False),  # a sequence broken by ASCII
    ],
)
def test_scan_hashes_counts_and_checks_utf8(
    tmp_path: Path, content: bytes, utf8: bool, chunk: int
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    found = lines.scan(path, chunk=chunk)
    rows = content.rstrip(b"\r\n").count(b"\n") + 1
    assert found == (hashlib.sha256(content).hexdigest(), rows, utf8)


def test_scan_counts_lines_up_to_the_last_text(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\n\n\n")
    assert lines.scan(path)[1] == 2


def test_a_hash_is_reused_until_the_files_size_or_mtime_changes(tmp_path: Path) -> None:
    """The planner hashes an extract, then the read gate reads it: the gate takes that hash
    (by the planner's own rule: same size and mtime, same file) and hashes only a changed file."""
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(b"a;b\n1;2\n")
    planned = filehash.sha256(path)
    assert planned == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    stat = path.stat()
    path.write_bytes(b"a;b\n3;4\n")  # same size; the mtime put back: taken as the same file
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert lines.scan(path)[0] == planned
    path.write_bytes(b"a;b\n3;4\n5;6\n")
    assert lines.scan(path) == (hashlib.sha256(b"a;b\n3;4\n5;6\n").hexdigest(), 3, True)
    assert filehash.sha256(path) == hashlib.sha256(b"a;b\n3;4\n5;6\n").hexdigest()

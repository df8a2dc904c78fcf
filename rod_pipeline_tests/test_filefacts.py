"""filefacts: a file is hashed, scanned and counted once per size and mtime in a process; the
CLI starts early. One read of the file gives its sha256, its lines and whether it is UTF-8."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from rod_pipeline import filefacts
from rod_pipeline.contract import sources


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_prefetched_hash_is_the_files_and_a_change_is_hashed_anew(tmp_path: Path) -> None:
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(b"a;b\n1;2\n")
    prefetching = filefacts.prefetch([path])
    assert filefacts.sha256(path) == _sha(b"a;b\n1;2\n")
    found = filefacts.known(path)
    assert found is not None and found.result() == _sha(b"a;b\n1;2\n")
    # A prefetch thread that starts late would hash the rewritten file below (CI saw it).
    prefetching.join()
    path.write_bytes(b"a;b\n1;2\n3;4\n")
    assert filefacts.known(path) is None
    assert filefacts.sha256(path) == _sha(b"a;b\n1;2\n3;4\n")


def test_the_same_size_and_mtime_is_taken_for_the_same_file(tmp_path: Path) -> None:
    """The planner's own rule: a file rewritten with its size and mtime kept is not read."""
    path = tmp_path / "tlv.csv"
    path.write_bytes(b"x;y\n1;2\n")
    first = filefacts.sha256(path)
    stat = path.stat()
    path.write_bytes(b"x;y\n3;4\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert filefacts.sha256(path) == first


def test_askers_at_once_all_get_the_hash(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    data = os.urandom(3 * filefacts.CHUNK + 5)
    path.write_bytes(data)
    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(filefacts.sha256(path))) for _ in "abcd"
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [_sha(data)] * 4


def test_a_missing_file_fails_whoever_asks_not_the_prefetch(tmp_path: Path) -> None:
    path = tmp_path / "gone.csv"
    filefacts.prefetch([path])  # no error in the background thread reaches anyone
    with pytest.raises(FileNotFoundError):
        filefacts.sha256(path)


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
    found = filefacts.scan(path, chunk=chunk)
    rows = content.rstrip(b"\r\n").count(b"\n") + 1
    assert found == (hashlib.sha256(content).hexdigest(), rows, utf8)


def test_scan_counts_lines_up_to_the_last_text(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a;b\n1;2\n\n\n")
    assert filefacts.scan(path)[1] == 2


def test_a_hash_is_reused_until_the_files_size_or_mtime_changes(tmp_path: Path) -> None:
    """The planner hashes an extract, then the read gate reads it: the gate takes that hash
    (by the planner's own rule: same size and mtime, same file) and hashes only a changed file."""
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(b"a;b\n1;2\n")
    planned = filefacts.sha256(path)
    assert planned == hashlib.sha256(b"a;b\n1;2\n").hexdigest()
    stat = path.stat()
    path.write_bytes(b"a;b\n3;4\n")  # same size; the mtime put back: taken as the same file
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert filefacts.scan(path)[0] == planned
    path.write_bytes(b"a;b\n3;4\n5;6\n")
    assert filefacts.scan(path) == (hashlib.sha256(b"a;b\n3;4\n5;6\n").hexdigest(), 3, True)
    assert filefacts.sha256(path) == hashlib.sha256(b"a;b\n3;4\n5;6\n").hexdigest()


def test_records_are_counted_once_per_size_and_mtime(tmp_path: Path) -> None:
    path = tmp_path / "tlv.csv"
    path.write_bytes(b"x;y\n1;2\n3;4\n")
    assert filefacts.record_count(path, 2) == 2
    stat = path.stat()
    path.write_bytes(b"x;y\n1;2\n3;4")  # one byte less: counted anew
    path.write_bytes(b"x;y\n1;2\n3;45")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime: the same
    assert filefacts.record_count(path, 2) == 2
    path.write_bytes(b"x;y\n1;2\n3;4\n5;6\n")
    assert filefacts.record_count(path, 2) == 3


def test_a_file_that_is_no_table_raises_duckdbs_error_to_every_asker(tmp_path: Path) -> None:
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(b"x;y\n1;2\n3;4;5\n")
    filefacts.prefetch([path]).join()  # its count failed in the background, silently
    for _ in range(2):  # not remembered as a count: asked again, it fails again
        with pytest.raises(duckdb.Error, match="Expected Number of Columns: 2 Found: 3"):
            filefacts.record_count(path, 2)


@pytest.mark.parametrize(
    "header",
    [
        b"INSCHRIJVING_ID;ONDERWIJSNUMMER;VESTIGING\n",
        b"\xef\xbb\xbfINSCHRIJVING_ID;ONDERWIJSNUMMER;VESTIGING\r\n",
        b'"INSCHRIJVING_ID"; ONDERWIJSNUMMER ;VESTIGING;EXTRA\n',
    ],
)
def test_the_prefetch_counts_a_file_as_its_read_gate_will(tmp_path: Path, header: bytes) -> None:
    """The prefetched count is found only under the reader the read gate builds from the
    header: both must see the same number of fields."""
    path = tmp_path / "inschrijvingen.csv"
    path.write_bytes(header + b"1;2;3" + b";4" * header.count(b"EXTRA") + b"\n")
    gate = sources._header_columns(path.name, sources._header(path))
    assert filefacts.header_fields(path) == len(gate)


EXIT_WHILE_COUNTING = """
import sys, time
from pathlib import Path
import duckdb  # loaded already, as in a run: the count starts right after the scan
from rod_pipeline import filefacts
path = Path(sys.argv[1])
filefacts.prefetch([path])
while (scanned := filefacts.known(path)) is None or not scanned.done():
    time.sleep(0.005)
time.sleep(float(sys.argv[2]))  # DuckDB is counting the records now (for about 0.6 s)
sys.exit(2)
"""


@pytest.mark.slow
def test_a_command_that_ends_while_the_prefetch_counts_exits_with_its_own_code(
    tmp_path: Path,
) -> None:
    """`run --peildatum` may end before the background count does (a missing reference/, a
    processed extract): the process must still exit with the command's code. A DuckDB query
    left running in a daemon thread aborted about one exit in three (SIGABRT), so the exit
    is tried at ten moments of the count."""
    path = tmp_path / "inschrijvingen.csv"
    row = b"ID-0000001;123456782;01AB23;SO;LAAG;1234AB;2024-08-01;;;2024-08-01\n"
    path.write_bytes(b"A;B;C;D;E;F;G;H;I;J\n" + row * 2_000_000)
    for delay in (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_WHILE_COUNTING, str(path), str(delay)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (done.returncode, done.stderr) == (2, ""), f"exit after {delay} s"

"""published/ switches between complete snapshots: unchanged files are shared as hard links, a
failure leaves the link where it was, leftovers of a killed build go, old snapshots are pruned."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import commit_extract
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.examples import (
    FIRST,
    FIRST_COUNTS,
    FIRST_OUTPUT,
    P1,
    P2,
    P3,
    SECOND_OUTPUT,
)
from rod_pipeline_tests.publish.publishing import keys, publish, stage
from rod_pipeline_tests.publish.reading import published_state, read_all_ways
from rod_pipeline_tests.publish.tables import DATES, output

T2 = date(2024, 10, 1)
DATES_2 = StabilityDates.for_teldatum(T2)


def _of_teldatum(rows: list[dict], teldatum: date) -> list[dict]:
    return [{**row, "TELDATUM": teldatum} for row in rows]


OUTPUT_T2 = output(_of_teldatum(FIRST, T2), _of_teldatum(FIRST_COUNTS, T2))


def _files(folder: Path) -> dict[str, int]:
    """Relative path -> inode of every Parquet file of a snapshot."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.parquet")}


def _manifest_files_as_on_disk(folder: Path) -> None:
    """The manifest lists every file with its own rows and sha256, whoever wrote it (entries
    of written and of linked files are taken from the writer and the previous manifest)."""
    files = json.loads((folder / "manifest.json").read_text())["files"]
    on_disk = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert [entry["path"] for entry in files] == [p.relative_to(folder).as_posix() for p in on_disk]
    for entry, path in zip(files, on_disk, strict=True):
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), entry["path"]
        if path.suffix == ".parquet":
            assert entry["rows"] == pq.read_metadata(path).num_rows, entry["path"]
        else:
            assert "rows" not in entry


def _snapshots(root: Path) -> list[str]:
    return sorted(p.name for p in snapshot.snapshots_dir(root).iterdir())


def test_unchanged_files_are_hard_links_to_the_previous_snapshots(
    con: duckdb.DuckDBPyConnection, root: Path
):
    first = publish(con, root, P1, {DATES: FIRST_OUTPUT, DATES_2: OUTPUT_T2}, "run-1").snapshot
    # The second extract makes only teldatum T (the calendar is what the extract brings).
    second = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2").snapshot
    assert first is not None and second is not None and first != second
    before, after = _files(first), _files(second)

    of_t2 = {path for path in after if f"teldatum={T2}" in path}
    assert of_t2 and of_t2 <= set(before)
    assert all(after[path] == before[path] for path in of_t2), "T2's files were written again"
    assert (
        os.stat(first / "dashboard_1b" / f"teldatum={T2}").st_ino
        != os.stat(second / "dashboard_1b" / f"teldatum={T2}").st_ino
    ), "snapshots share files, never folders"
    changed = {path for path in after if f"teldatum={DATES.teldatum}" in path}
    assert all(after[path] != before.get(path) for path in changed)
    assert after["stabiliteit/part-0.parquet"] != before["stabiliteit/part-0.parquet"]
    assert os.readlink(root / "published") == "state/snapshots/000002"
    assert _snapshots(root) == ["000001", "000001.index.json", "000002", "000002.index.json"]
    _manifest_files_as_on_disk(first)
    _manifest_files_as_on_disk(second)


def test_a_failure_while_building_leaves_published_as_it_was_and_the_next_build_repairs(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    before = published_state(root / "published")

    def fail(folder: Path) -> None:
        assert folder.name == ".building-000002"
        raise OSError(28, "No space left on device")

    # Committed, then the snapshot fails: the warehouse is ahead of published/.
    staged = stage(con, SECOND_OUTPUT, P2, DATES, "run-2")
    assert staged is not None
    commit_extract(con, [staged], "run-2", keys(P2))
    assert snapshot.is_behind(con, root)
    with pytest.raises(OSError, match="No space left"):
        snapshot.build_snapshot(con, root, "run-2", [fail])
    assert published_state(root / "published") == before
    assert _snapshots(root) == ["000001", "000001.index.json"]
    assert snapshot.is_behind(con, root)

    repaired = snapshot.build_snapshot(con, root, "repair")
    assert not snapshot.is_behind(con, root)
    assert repaired.name == "000002"
    assert read_all_ways(root / "published", ds.STABILITEIT)["PEILDATUM"].to_pylist() == [P1, P2]


def test_leftovers_of_a_killed_build_are_removed_by_the_next(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    snapshots = snapshot.snapshots_dir(root)
    (snapshots / ".building-000002" / "dashboard_1b").mkdir(parents=True)
    # Renamed into place but killed before its manifest (written last) was in.
    (snapshots / "000003" / "dashboard_1a").mkdir(parents=True)

    built = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2").snapshot
    assert built is not None and built.name == "000002"
    assert _snapshots(root) == ["000001", "000001.index.json", "000002", "000002.index.json"]


def test_old_snapshots_are_pruned_after_the_grace_period_keeping_two(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2")
    publish(con, root, P3, {DATES: FIRST_OUTPUT}, "run-3")
    assert snapshot.prune(root) == []  # every snapshot is younger than the grace period
    removed = snapshot.prune(root, now=time.time() + snapshot.GRACE_SECONDS + 1)
    assert [p.name for p in removed] == ["000001"]
    assert _snapshots(root) == ["000002", "000002.index.json", "000003", "000003.index.json"]
    assert read_all_ways(root / "published", ds.DASHBOARD_1B).num_rows == len(FIRST)


def test_the_manifest_names_the_publications_the_warehouse_shows(
    con: duckdb.DuckDBPyConnection, root: Path
):
    assert snapshot.published_ids(root) is None
    publish(con, root, P1, {DATES: FIRST_OUTPUT, DATES_2: OUTPUT_T2}, "run-1")
    publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2")
    assert snapshot.published_ids(root) == history.current_ids(con)
    assert history.current_ids(con)["publicaties"] == [1, 2, 3]

"""A publishing process SIGKILLed at any moment leaves readable files, each wholly one
publication, and the next sync_published makes published/ equal to the warehouse again."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish import latest_publication, stale_teldata, sync_published
from rod_pipeline_tests.publish.generated import publish_generated
from rod_pipeline_tests.publish.reading import canonical, history_rows

PROJECT = Path(__file__).resolve().parents[2]
TELDATUM = date(2025, 2, 1)
ROWS = 200_000
# Kills at these fractions of the time to commit, and of the export after the commit (counted
# from the moment the process reports its commit), as measured on a first run not killed.
BEFORE_COMMIT = [0.6]
DURING_EXPORT = [0.05, 0.35, 0.65, 0.95]


def _start_publishing(warehouse: Path, published_dir: Path, peildatum: date, variant: int):
    code = (
        "from rod_pipeline_tests.publish.generated import publish_generated; "
        f"publish_generated({str(warehouse)!r}, {str(published_dir)!r}, "
        f"{TELDATUM.isoformat()!r}, {peildatum.isoformat()!r}, {variant}, {ROWS})"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )


def _timed_run(warehouse: Path, published_dir: Path, peildatum: date) -> tuple[float, float]:
    """Seconds from start to commit and to the end of the export, of a run not killed."""
    started = time.monotonic()
    process = _start_publishing(warehouse, published_dir, peildatum, 1)
    assert process.stdout is not None
    marks = {line.strip(): time.monotonic() - started for line in process.stdout}
    assert process.wait() == 0
    return marks["committed"], marks["exported"]


def _partition_value(path: Path, dataset: ds.Dataset) -> str | None:
    if len(dataset.partitioning) < 2:
        return None
    return path.parent.name.split("=", 1)[1]


def _assert_each_file_is_one_whole_publication(
    con: duckdb.DuckDBPyConnection, published_dir: Path, current_only: bool
) -> set[int]:
    """Every file reads, and holds exactly the rows of the publication its metadata names (for
    its partition); returns the publication ids seen."""
    current = latest_publication(con, TELDATUM)
    seen: set[int] = set()
    for dataset in ds.PER_TELDATUM:
        expected_by_id = {}
        files = sorted((published_dir / dataset.name).rglob("*.parquet"))
        for path in files:
            parquet = pq.ParquetFile(path)
            metadata = {k.decode(): v.decode() for k, v in parquet.metadata.metadata.items()}
            publication_id = int(metadata["rod_pipeline.publication_id"])
            seen.add(publication_id)
            if current_only:
                assert current is not None and publication_id == current.publicatie_id, path
            if publication_id not in expected_by_id:
                expected_by_id[publication_id] = history_rows(con, dataset, publication_id)
            expected = expected_by_id[publication_id]
            value = _partition_value(path, dataset)
            if value is not None:
                expected = expected.filter(pc.equal(expected["SAMENWERKINGSVERBAND"], value))
            rows = parquet.read()
            assert int(metadata["rod_pipeline.row_count"]) == rows.num_rows
            assert canonical(rows, dataset).equals(expected), path
    return seen


def _manifest_ids(published_dir: Path) -> list[int]:
    manifest = json.loads((published_dir / "manifest.json").read_text())
    return [teldatum["publication_id"] for teldatum in manifest["teldata"]]


def _current_ids(con: duckdb.DuckDBPyConnection) -> list[int]:
    current = latest_publication(con, TELDATUM)
    return [current.publicatie_id] if current else []


def _assert_published_equals_warehouse(con: duckdb.DuckDBPyConnection, published_dir: Path):
    assert stale_teldata(con, published_dir) == []
    _assert_each_file_is_one_whole_publication(con, published_dir, current_only=True)
    current = latest_publication(con, TELDATUM)
    assert current is not None
    for dataset in (ds.DASHBOARD_1B, ds.MUTATIES):
        folders = {
            p.name for p in (published_dir / dataset.name / f"teldatum={TELDATUM}").iterdir()
        }
        swvs = set(
            history_rows(con, dataset, current.publicatie_id)["SAMENWERKINGSVERBAND"].to_pylist()
        )
        assert folders == {f"samenwerkingsverband={swv}" for swv in swvs}
    assert _manifest_ids(published_dir) == _current_ids(con)
    assert not list(published_dir.rglob(".*.tmp*"))


def test_killed_publishing_leaves_whole_files_and_sync_repairs(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    published_dir = tmp_path / "published"
    first_peildatum = date(2025, 2, 3)
    publish_generated(
        str(warehouse),
        str(published_dir),
        TELDATUM.isoformat(),
        first_peildatum.isoformat(),
        0,
        ROWS,
    )
    committed, exported = _timed_run(warehouse, published_dir, first_peildatum)
    kills = [(False, committed * f) for f in BEFORE_COMMIT]
    kills += [(True, (exported - committed) * f) for f in DURING_EXPORT]
    repaired = []
    for attempt, (after_commit, delay) in enumerate(kills, start=2):
        process = _start_publishing(
            warehouse, published_dir, first_peildatum + timedelta(days=attempt), attempt
        )
        if after_commit:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "committed"
        time.sleep(delay)
        process.kill()
        process.wait()

        con = duckdb.connect(str(warehouse))
        try:
            _assert_each_file_is_one_whole_publication(con, published_dir, current_only=False)
            assert pq.read_table(published_dir / "stabiliteit" / "part-0.parquet").num_rows >= 1
            repaired.append(_manifest_ids(published_dir) != _current_ids(con))
            sync_published(con, published_dir)
            _assert_published_equals_warehouse(con, published_dir)
        finally:
            con.close()
    # at least one kill fell between commit and the end of the export, and was repaired
    assert any(repaired), repaired

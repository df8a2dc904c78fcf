"""Refusals, rollback and self-repair of published/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from rod_pipeline.publish import (
    InvalidInputError,
    NothingToRollBackError,
    OlderPeildatumError,
    StaleStagingError,
    commit_publication,
    export_published,
    latest_publication,
    rollback,
    stage_publication,
    sync_published,
    teldatum_history,
)
from rod_pipeline.publish import datasets as ds
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import (
    CHARGED_SCHEMA,
    COUNTS_SCHEMA,
    NIET_TOEGEREKEND_SCHEMA,
    table,
)
from rod_pipeline_tests.publish.test_mutations import (
    DATES,
    FIRST_CHARGED,
    FIRST_COUNTS,
    P1,
    SECOND_CHARGED,
    SECOND_COUNTS,
    T,
    _publish,
)

P2 = date(2025, 2, 20)
P3 = date(2025, 3, 10)


def _snapshot(published_dir: Path) -> dict[str, bytes]:
    """Every published file by relative path, except the catalog (a new database file each
    export; its views are checked by reading them)."""
    return {
        path.relative_to(published_dir).as_posix(): path.read_bytes()
        for path in sorted(published_dir.rglob("*"))
        if path.is_file() and path.name != "catalog.duckdb"
    }


def _stage(con: duckdb.DuckDBPyConnection, charged: list[dict], peildatum: date, run_id: str):
    return stage_publication(
        con,
        table(CHARGED_SCHEMA, charged),
        table(NIET_TOEGEREKEND_SCHEMA, []),
        table(COUNTS_SCHEMA, FIRST_COUNTS),
        peildatum,
        DATES,
        run_id,
    )


def test_an_older_peildatum_is_refused_and_nothing_changes(
    con: duckdb.DuckDBPyConnection, published_dir: Path
):
    _publish(con, P2, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    export_published(con, published_dir)
    before = _snapshot(published_dir)
    with pytest.raises(OlderPeildatumError, match="older than the published peildatum 2025-02-20"):
        _publish(con, P1, SECOND_CHARGED, SECOND_COUNTS, "run-old")
    assert latest_publication(con, T).run_id == "run-1"
    assert sync_published(con, published_dir) == []
    assert _snapshot(published_dir) == before


def test_commit_refuses_a_staged_publication_that_is_no_longer_current(
    con: duckdb.DuckDBPyConnection,
):
    staged_early = _stage(con, FIRST_CHARGED, P2, "early")
    _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-2")
    with pytest.raises(StaleStagingError, match="stage it again"):
        commit_publication(con, staged_early)

    replaced = _stage(con, FIRST_CHARGED, P3, "replaced")
    staged = _stage(con, FIRST_CHARGED, P3, "run-3")
    with pytest.raises(StaleStagingError, match="stage it again"):
        commit_publication(con, replaced)
    commit_publication(con, staged)
    with pytest.raises(StaleStagingError):
        commit_publication(con, staged)
    assert [r["RUN_ID"] for r in teldatum_history(con, T).to_pylist()] == ["run-2", "run-3"]


def test_invalid_tables_are_refused_naming_columns_not_pupils(con: duckdb.DuckDBPyConnection):
    doubled = [*FIRST_CHARGED, {**FIRST_CHARGED[0], "SAMENWERKINGSVERBAND": "XX12"}]
    staged = _stage(con, [*doubled, FIRST_CHARGED[0]], P1, "bad")
    with pytest.raises(InvalidInputError) as refused:
        commit_publication(con, staged)
    message = str(refused.value)
    assert "SAMENWERKINGSVERBAND str_matches" in message
    assert "123456782" not in message and "E1" not in message
    assert latest_publication(con, T) is None

    with pytest.raises(InvalidInputError, match="lacks columns: SIGNALERINGEN"):
        stage_publication(
            con,
            table(CHARGED_SCHEMA, FIRST_CHARGED).drop_columns(["SIGNALERINGEN"]),
            table(NIET_TOEGEREKEND_SCHEMA, []),
            table(COUNTS_SCHEMA, FIRST_COUNTS),
            P1,
            DATES,
            "bad",
        )
    other_teldatum = [{**FIRST_CHARGED[0], "TELDATUM": date(2024, 2, 1)}]
    with pytest.raises(InvalidInputError, match="1 rows of publish_charged have a TELDATUM"):
        _stage(con, other_teldatum, P1, "bad")


def test_rollback_restores_the_previous_publication_files_exactly(
    con: duckdb.DuckDBPyConnection, published_dir: Path
):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    export_published(con, published_dir)
    first = _snapshot(published_dir)
    _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-2")
    export_published(con, published_dir)
    assert _snapshot(published_dir) != first

    restored = rollback(con, published_dir, T)

    assert restored is not None and restored.run_id == "run-1"
    assert _snapshot(published_dir) == first
    assert read_all_ways(published_dir, ds.DASHBOARD_1B).num_rows == len(FIRST_CHARGED)
    withdrawn = [r["INGETROKKEN_OP"] is not None for r in teldatum_history(con, T).to_pylist()]
    assert withdrawn == [False, True]
    # the next publication is compared with the restored one
    again = _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-3")
    assert sorted(again.mutaties["MUTATIE"].to_pylist()) == sorted(
        ["GEWIJZIGD", "VERVALLEN", "VERVALLEN", "NIEUW", "NIEUW"]
    )


def test_rollback_to_a_peildatum_and_of_the_last_publication(
    con: duckdb.DuckDBPyConnection, published_dir: Path
):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-2")
    _publish(con, P3, FIRST_CHARGED, FIRST_COUNTS, "run-3")
    export_published(con, published_dir)

    restored = rollback(con, published_dir, T, to_peildatum=P1)
    assert restored is not None and restored.run_id == "run-1"
    assert read_all_ways(published_dir, ds.STABILITEIT)["PEILDATUM"].to_pylist() == [P1]
    with pytest.raises(NothingToRollBackError):
        rollback(con, published_dir, T, to_peildatum=P1)

    assert rollback(con, published_dir, T) is None
    assert not list(published_dir.rglob("*.parquet"))
    assert read_all_ways(published_dir, ds.DASHBOARD_1B).num_rows == 0
    with pytest.raises(NothingToRollBackError):
        rollback(con, published_dir, T)
    # a withdrawn peildatum may be published again
    _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-4")


def test_sync_repairs_a_commit_that_was_never_exported(
    con: duckdb.DuckDBPyConnection, published_dir: Path, tmp_path: Path
):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    export_published(con, published_dir)
    _publish(con, P2, SECOND_CHARGED, SECOND_COUNTS, "run-2")
    leftover = published_dir / "dashboard_1b" / ".part-0.parquet.0123.tmp"
    leftover.write_bytes(b"half a file")

    assert sync_published(con, published_dir) == [T]

    fresh = tmp_path / "fresh"
    export_published(con, fresh)
    assert _snapshot(published_dir) == _snapshot(fresh)
    assert read_all_ways(published_dir, ds.DASHBOARD_1B).num_rows == len(SECOND_CHARGED)
    assert sync_published(con, published_dir) == []
    assert _snapshot(published_dir) == _snapshot(fresh)


def test_sync_rewrites_a_missing_manifest(con: duckdb.DuckDBPyConnection, published_dir: Path):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    export_published(con, published_dir)
    manifest = (published_dir / "manifest.json").read_bytes()
    (published_dir / "manifest.json").unlink()
    assert sync_published(con, published_dir) == []
    assert (published_dir / "manifest.json").read_bytes() == manifest

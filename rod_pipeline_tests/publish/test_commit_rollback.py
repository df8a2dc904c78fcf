"""Commit refuses what it must not publish; rollback withdraws and the snapshot follows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import commit_extract
from rod_pipeline.publish.errors import (
    InvalidInputError,
    NothingToRollBackError,
    StaleStagingError,
)
from rod_pipeline.publish.rollback import rollback
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
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import DATES, output


def _parquet_bytes(snapshot_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(snapshot_dir).as_posix(): p.read_bytes()
        for p in sorted(snapshot_dir.rglob("*.parquet"))
    }


def test_commit_refuses_what_another_run_staged_since(con: duckdb.DuckDBPyConnection):
    early = stage(con, FIRST_OUTPUT, P1, DATES, "early")
    stage(con, SECOND_OUTPUT, P1, DATES, "late")
    assert early is not None
    with pytest.raises(StaleStagingError, match="another run's work"):
        commit_extract(con, [early], "early", keys(P1))
    assert history.all_publications(con) == []
    assert history.extract_records(con) == {}


def test_invalid_tables_are_refused_naming_columns_not_pupils(con: duckdb.DuckDBPyConnection):
    bad = [*FIRST, {**FIRST[0], "SAMENWERKINGSVERBAND": "XX12"}, FIRST[1]]
    staged = stage(con, output(bad, FIRST_COUNTS), P1, DATES, "bad")
    assert staged is not None
    with pytest.raises(InvalidInputError) as refused:
        commit_extract(con, [staged], "bad", keys(P1))
    message = str(refused.value)
    assert "dashboard_1b fails its schema" in message
    assert "SAMENWERKINGSVERBAND str_matches" in message
    assert "100000001" not in message and "E1" not in message
    assert history.all_publications(con) == []

    with pytest.raises(InvalidInputError, match="lacks columns: SIGNALERINGEN"):
        stage(
            con,
            type(FIRST_OUTPUT)(
                FIRST_OUTPUT.charged.drop_columns(["SIGNALERINGEN"]),
                FIRST_OUTPUT.niet_toegerekend,
                FIRST_OUTPUT.counts,
            ),
            P1,
            DATES,
            "bad",
        )
    other_teldatum = [{**FIRST[0], "TELDATUM": date(2024, 2, 1)}]
    with pytest.raises(InvalidInputError, match="1 rows of publish_charged have a TELDATUM"):
        stage(con, output(other_teldatum, FIRST_COUNTS), P1, DATES, "bad")


def test_rollback_shows_the_previous_publication_again_file_for_file(
    con: duckdb.DuckDBPyConnection, root: Path
):
    first = publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1").snapshot
    second = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2").snapshot
    assert first is not None and second is not None
    assert _parquet_bytes(second) != _parquet_bytes(first)

    restored = rollback(con, DATES.teldatum)
    assert restored is not None and restored.run_id == "run-1"
    assert snapshot.is_behind(con, root)
    third = snapshot.build_snapshot(con, root, "rollback")

    assert (root / "published").resolve() == third
    assert _parquet_bytes(third) == _parquet_bytes(first)
    assert read_all_ways(root / "published", ds.STABILITEIT)["PEILDATUM"].to_pylist() == [P1]
    withdrawn = [p.ingetrokken_op is not None for p in history.all_publications(con)]
    assert withdrawn == [False, True]
    # The next extract is compared with the publication shown again, not the withdrawn one.
    again = publish(con, root, P3, {DATES: SECOND_OUTPUT}, "run-3")
    assert again.staged[0].vorige_publicatie_id == restored.publicatie_id


def test_a_withdrawn_extract_is_published_again_only_when_asked(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2")
    rollback(con, DATES.teldatum)
    snapshot.build_snapshot(con, root, "rollback")

    assert publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-3").staged == []
    asked = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-4", republish_withdrawn=True)
    assert [p.peildatum for p in asked.publications] == [P2]
    assert read_all_ways(root / "published", ds.STABILITEIT)["PEILDATUM"].to_pylist() == [P1, P2]


def test_rollback_to_a_peildatum_and_of_every_publication(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2")
    publish(con, root, P3, {DATES: FIRST_OUTPUT}, "run-3")

    restored = rollback(con, DATES.teldatum, to_peildatum=P1)
    assert restored is not None and restored.run_id == "run-1"
    with pytest.raises(NothingToRollBackError):
        rollback(con, DATES.teldatum, to_peildatum=P1)

    assert rollback(con, DATES.teldatum) is None
    snapshot.build_snapshot(con, root, "rollback")
    published = root / "published"
    files = [p.relative_to(published).as_posix() for p in published.rglob("*.parquet")]
    assert files == ["stabiliteit/part-0.parquet"]
    assert read_all_ways(published, ds.DASHBOARD_1B).num_rows == 0
    assert read_all_ways(published, ds.STABILITEIT).num_rows == 0
    with pytest.raises(NothingToRollBackError, match="no publication to withdraw"):
        rollback(con, DATES.teldatum)

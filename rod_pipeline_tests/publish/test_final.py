"""S8 without Dagster: the first DEFINITIEF publication is final; later extracts only give
afwijkingen_na_definitief; a reopening lets the next extract publish it once more."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish import history
from rod_pipeline.publish.errors import NotFinalError
from rod_pipeline.publish.rollback import reopen
from rod_pipeline.publish.stage import Mode
from rod_pipeline_tests.publish.examples import FIRST_OUTPUT, P1, SECOND_OUTPUT
from rod_pipeline_tests.publish.publishing import publish
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import DATES, T

DEFINITIEF = DATES.einde_bezwaartermijn  # 2025-04-14: the first DEFINITIEF peildatum
LATER = date(2025, 5, 1)
LATEST = date(2025, 5, 15)
# The files a final publication keeps (S8): its 1b, 1a, niet_toegerekend and mutaties.
KEPT = (ds.DASHBOARD_1B, ds.DASHBOARD_1A, ds.NIET_TOEGEREKEND, ds.MUTATIES, ds.STABILITEIT)


def _inodes(published: Path) -> dict[str, int]:
    snapshot = published.resolve()
    return {
        p.relative_to(snapshot).as_posix(): p.stat().st_ino
        for dataset in KEPT
        for p in sorted((snapshot / dataset.name).rglob("*.parquet"))
    }


@pytest.fixture
def final(con: duckdb.DuckDBPyConnection, root: Path) -> history.Publication:
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    (publication,) = publish(con, root, DEFINITIEF, {DATES: FIRST_OUTPUT}, "run-final").publications
    return publication


def test_the_first_definitief_publication_is_final(final: history.Publication, root: Path):
    assert final.finaal and final.peildatum == DEFINITIEF
    stabiliteit = read_all_ways(root / "published", ds.STABILITEIT).to_pylist()
    assert [(r["PEILDATUM"], r["STATUS"]) for r in stabiliteit] == [
        (P1, "VOORLOPIG"),
        (DEFINITIEF, "DEFINITIEF"),
    ]


def test_a_later_extract_changes_nothing_published_and_gives_afwijkingen(
    final: history.Publication, con: duckdb.DuckDBPyConnection, root: Path
):
    published = root / "published"
    before = _inodes(published)
    later = publish(con, root, LATER, {DATES: SECOND_OUTPUT}, "run-later")

    assert [s.mode for s in later.staged] == [Mode.AFWIJKINGEN]
    assert later.publications == []
    assert later.snapshot is not None and published.resolve() == later.snapshot
    # Unchanged files are hard links to the previous snapshot's: the very same files.
    assert _inodes(published) == before
    afwijkingen = read_all_ways(published, ds.AFWIJKINGEN_NA_DEFINITIEF).to_pylist()
    assert {(r["PEILDATUM"], r["VORIGE_PEILDATUM"]) for r in afwijkingen} == {(LATER, DEFINITIEF)}
    found = [(r["SAMENWERKINGSVERBAND"], r["INSCHRIJVING_ID"], r["MUTATIE"]) for r in afwijkingen]
    assert sorted(found) == [
        ("PO0001", "E2", "GEWIJZIGD"),
        ("PO0001", "E3", "VERVALLEN"),
        ("PO0001", "E4", "VERVALLEN"),
        ("PO0001", "E6", "GEWIJZIGD"),
        ("PO0001", "E7", "GEWIJZIGD"),
        ("PO0002", "E4", "NIEUW"),
        ("PO0002", "E5", "NIEUW"),
    ]
    assert sum(r["BEKOSTIGINGSRELEVANT"] for r in afwijkingen) == 6

    # Replaced by each later extract: one that equals the final publication has none.
    publish(con, root, LATEST, {DATES: FIRST_OUTPUT}, "run-latest")
    assert read_all_ways(published, ds.AFWIJKINGEN_NA_DEFINITIEF).num_rows == 0
    folder = published / "afwijkingen_na_definitief" / f"teldatum={T}"
    folders = sorted(p.name for p in folder.iterdir())
    assert folders == ["samenwerkingsverband=PO0001", "samenwerkingsverband=PO0002"]
    assert _inodes(published) == before


def test_only_a_final_teldatum_can_be_reopened(con: duckdb.DuckDBPyConnection, root: Path):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    with pytest.raises(NotFinalError):
        reopen(con, T, "why")


def test_a_reopened_teldatum_is_published_once_more_with_the_reason(
    final: history.Publication, con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, LATER, {DATES: SECOND_OUTPUT}, "run-later")
    assert reopen(con, T, "audit correction") == final

    again = publish(con, root, LATEST, {DATES: SECOND_OUTPUT}, "run-reopened")
    assert [s.mode for s in again.staged] == [Mode.PUBLISH]
    (republished,) = again.publications
    assert republished.finaal and republished.heropend_reden == "audit correction"
    assert history.final_publication(con, T) == republished
    published = root / "published"
    stabiliteit = read_all_ways(published, ds.STABILITEIT).to_pylist()
    assert [(r["PEILDATUM"], r["HEROPEND_REDEN"]) for r in stabiliteit] == [
        (P1, None),
        (DEFINITIEF, None),
        (LATEST, "audit correction"),
    ]
    mutaties = read_all_ways(published, ds.MUTATIES)
    assert set(mutaties["VORIGE_PEILDATUM"].to_pylist()) == {DEFINITIEF}
    # The afwijkingen were measured against the final publication that is final no more.
    assert read_all_ways(published, ds.AFWIJKINGEN_NA_DEFINITIEF).num_rows == 0

    # The reopening is used up: the next extract compares again.
    after = publish(con, root, date(2025, 6, 2), {DATES: FIRST_OUTPUT}, "run-after")
    assert [s.mode for s in after.staged] == [Mode.AFWIJKINGEN]
    afwijkingen = read_all_ways(published, ds.AFWIJKINGEN_NA_DEFINITIEF)
    assert set(afwijkingen["VORIGE_PEILDATUM"].to_pylist()) == {LATEST}

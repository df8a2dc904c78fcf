"""The planner's decisions on small data folders: what is new, delivered again, affected by a
changed reference or rulebook, reopened or asked for, and what is not an extract (yet).

The planner only fingerprints files, so the extracts here are a few bytes; what was processed
is recorded by the product's own commit, as a run records it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from rod_pipeline import planner
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import ExtractKeys, commit_extract
from rod_pipeline.publish.rollback import reopen, rollback
from rod_pipeline.publish.stage import Mode
from rod_pipeline_tests.publish.examples import FIRST_OUTPUT, SECOND_OUTPUT
from rod_pipeline_tests.publish.publishing import publish, stage
from rod_pipeline_tests.publish.tables import DATES, Output, T

P1, P2, P3 = date(2025, 2, 10), date(2025, 3, 10), date(2025, 4, 20)  # P3: T is DEFINITIEF


@pytest.fixture
def folder(tmp_path: Path) -> DataFolder:
    data = DataFolder(tmp_path / "data")
    data.reference_dir.mkdir(parents=True)
    for stem in planner.REFERENCE_FILES:
        (data.reference_dir / f"{stem}.csv").write_text(f"{stem}\n")
    (data.state_dir).mkdir()
    return data


@pytest.fixture
def con(folder: DataFolder) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(folder.warehouse_path)) as connection:
        history.ensure_tables(connection)
        yield connection


def deliver(folder: DataFolder, peildatum: date | str, contents: str = "v1") -> Path:
    extract = folder.inbox_dir / str(peildatum)
    extract.mkdir(parents=True, exist_ok=True)
    for stem in planner.EXTRACT_FILES:
        (extract / f"{stem}.csv").write_text(f"{stem} {peildatum} {contents}\n")
    return extract


def _extract(folder: DataFolder, peildatum: date) -> planner.Extract:
    found = planner.read_extract_folder(
        folder.extract_dir(peildatum), peildatum, time.time(), 0, None
    )
    assert isinstance(found, planner.Extract), found
    return found


def process(
    con: duckdb.DuckDBPyConnection,
    folder: DataFolder,
    peildatum: date,
    made: Output | None = None,
    republish_withdrawn: bool = False,
) -> None:
    """What a run of the extract records: its publication of T (when it makes one) and that it
    was processed from these very files and this reference."""
    extract = _extract(folder, peildatum)
    keys = ExtractKeys(peildatum, extract.key, planner.reference_key(folder), extract.files_json())
    publish(
        con,
        folder.root,
        peildatum,
        {} if made is None else {DATES: made},
        f"run-{peildatum}",
        republish_withdrawn=republish_withdrawn,
        extract=keys,
    )


def _work(plan: planner.Plan) -> list[tuple[date, str]]:
    return [(w.peildatum, w.reason) for w in plan.work]


def test_new_extracts_oldest_first_before_any_run(folder: DataFolder):
    deliver(folder, P2)
    deliver(folder, P1)
    plan = planner.plan(folder, None)
    assert _work(plan) == [(P1, "new extract"), (P2, "new extract")]
    assert plan.next is not None and plan.next.peildatum == P1
    assert not plan.nothing_to_do and not plan.repair


def test_processed_extracts_leave_nothing_to_do(folder: DataFolder, con):
    deliver(folder, P1)
    deliver(folder, P2)
    process(con, folder, P1)
    assert _work(planner.plan(folder, con)) == [(P2, "new extract")]
    process(con, folder, P2)
    plan = planner.plan(folder, con)
    assert plan.nothing_to_do and plan.work == [] and plan.waiting == [] and plan.misnamed == []


def test_a_redelivered_extract_and_every_later_one_are_processed_again(folder: DataFolder, con):
    for peildatum in (P1, P2, P3):
        deliver(folder, peildatum)
        process(con, folder, peildatum)
    tlv = folder.extract_dir(P1) / "tlv.csv"
    tlv.write_text("tlv corrected, a little longer\n")

    plan = planner.plan(folder, con)
    assert _work(plan) == [
        (P1, "delivered again with other contents (tlv.csv)"),
        (P2, f"its baseline changed: extract {P1} was processed again"),
        (P3, f"its baseline changed: extract {P1} was processed again"),
    ]
    # The runner asks again after each extract: the later ones still wait for theirs.
    process(con, folder, P1)
    assert _work(planner.plan(folder, con)) == [
        (P2, f"its baseline changed: extract {P1} was processed again"),
        (P3, f"its baseline changed: extract {P2} was processed again"),
    ]
    process(con, folder, P2)
    assert [w.peildatum for w in planner.plan(folder, con).work] == [P3]
    process(con, folder, P3)
    assert planner.plan(folder, con).nothing_to_do


def test_a_redelivered_latest_extract_alone_is_processed_again(folder: DataFolder, con):
    for peildatum in (P1, P2):
        deliver(folder, peildatum)
        process(con, folder, peildatum)
    (folder.extract_dir(P2) / "inschrijvingen.csv").unlink()
    (folder.extract_dir(P2) / "inschrijvingen.parquet").write_bytes(b"PAR1 another format")
    assert _work(planner.plan(folder, con)) == [
        (P2, "delivered again with other contents (inschrijvingen.csv, inschrijvingen.parquet)")
    ]


def test_changed_reference_data_or_rulebook_reprocess_the_latest_extract(folder: DataFolder, con):
    for peildatum in (P1, P2):
        deliver(folder, peildatum)
        process(con, folder, peildatum)
    (folder.reference_dir / "teldata.csv").write_text("TELDATUM\n2025-02-01\n")
    assert _work(planner.plan(folder, con)) == [(P2, "the reference data changed")]

    process(con, folder, P2)
    assert planner.plan(folder, con).nothing_to_do
    # As if P2 had been processed by an older rulebook.
    con.execute(f"UPDATE {history.EXTRACTS} SET RULEBOOK_VERSIE = 'R0' WHERE PEILDATUM = ?", [P2])
    ((peildatum, reason),) = _work(planner.plan(folder, con))
    assert peildatum == P2 and reason.startswith("the rulebook changed (R0 -> ")


def test_a_reopened_teldatum_is_republished_from_the_latest_extract(folder: DataFolder, con):
    deliver(folder, P3)
    process(con, folder, P3, FIRST_OUTPUT)  # DEFINITIEF: final
    later = date(2025, 5, 4)
    deliver(folder, later)
    process(con, folder, later, SECOND_OUTPUT)  # afwijkingen only
    assert planner.plan(folder, con).nothing_to_do

    reopen(con, T, "audit")
    plan = planner.plan(folder, con)
    assert _work(plan) == [(later, f"teldatum {T} was reopened")]
    modes = planner.teldatum_modes(con, [DATES], later, plan.work[0].extract.key, False)
    assert [m.mode for m in modes] == [Mode.PUBLISH]

    process(con, folder, later, SECOND_OUTPUT)
    assert planner.plan(folder, con).nothing_to_do


def test_requested_extract_with_and_without_withdrawn_publications(folder: DataFolder, con):
    for peildatum, made in ((P1, FIRST_OUTPUT), (P2, SECOND_OUTPUT)):
        deliver(folder, peildatum)
        process(con, folder, peildatum, made)
    # Asked for by name with nothing withdrawn: the same files publish nothing new (S4).
    assert planner.plan(folder, con, requested=P2).work == []

    rollback(con, T)
    snapshot.build_snapshot(con, folder.root, "rollback")
    assert planner.plan(folder, con).nothing_to_do, "a plain run leaves it withdrawn"
    assert planner.teldatum_modes(con, [DATES], P2, _extract(folder, P2).key, False) == []

    plan = planner.plan(folder, con, requested=P2)
    assert _work(plan) == [(P2, f"republishing withdrawn teldata {T}")]
    assert plan.work[0].republish_withdrawn
    process(con, folder, P2, SECOND_OUTPUT, republish_withdrawn=True)
    assert planner.plan(folder, con, requested=P2).work == []
    assert history.latest_publication(con, T).peildatum == P2


def test_a_requested_extract_is_the_only_work(folder: DataFolder, con):
    deliver(folder, P1)
    deliver(folder, P2)
    plan = planner.plan(folder, con, requested=P2)
    assert _work(plan) == [(P2, "new extract")]
    assert plan.work[0].republish_withdrawn
    assert planner.plan(folder, None, requested=P1).work[0].peildatum == P1
    assert planner.plan(folder, con, requested=date(2025, 1, 1)).work == []


def test_misnamed_folders_are_named_and_never_taken(folder: DataFolder, con):
    for name in ("2025-13-45", "latest", "2025-11-01 "):
        deliver(folder, name)
    (folder.inbox_dir / ".incoming").mkdir()
    (folder.inbox_dir / "README.txt").write_text("drop extracts here\n")
    deliver(folder, P1)
    plan = planner.plan(folder, con)
    assert sorted(plan.misnamed) == ["2025-11-01 ", "2025-13-45", "latest"]
    assert _work(plan) == [(P1, "new extract")]


def test_incomplete_and_unsettled_extracts_wait(folder: DataFolder, con):
    incomplete = deliver(folder, P1)
    (incomplete / "tlv.csv").unlink()
    settled = deliver(folder, P2)
    deliver(folder, P3)  # still being copied
    long_ago = time.time() - 3600
    for path in [*settled.iterdir(), *incomplete.iterdir()]:
        os.utime(path, (long_ago, long_ago))

    plan = planner.plan(folder, con, settle_seconds=30)
    assert dict(plan.waiting) == {
        str(P1): "tlv.csv is not there yet",
        str(P3): "inschrijvingen.csv, tlv.csv changed less than 30 s ago (still being copied?)",
    }
    assert _work(plan) == [(P2, "new extract")]
    assert [w.peildatum for w in planner.plan(folder, con, settle_seconds=0).work] == [P2, P3]


def test_a_commit_that_was_never_published_asks_for_repair(folder: DataFolder, con):
    deliver(folder, P1)
    process(con, folder, P1, FIRST_OUTPUT)
    assert not planner.plan(folder, con).repair
    deliver(folder, P2)
    extract = _extract(folder, P2)
    keys = ExtractKeys(P2, extract.key, planner.reference_key(folder), extract.files_json())
    staged = stage(con, SECOND_OUTPUT, P2, DATES, "killed-before-switch")
    assert staged is not None
    commit_extract(con, [staged], "killed-before-switch", keys)
    plan = planner.plan(folder, con)
    assert plan.repair and plan.work == [] and not plan.nothing_to_do


def test_teldatum_modes_per_teldatum_of_the_calendar(folder: DataFolder, con):
    deliver(folder, P3)
    process(con, folder, P3, FIRST_OUTPUT)  # final
    after_p3 = date(2025, 5, 4)
    later_teldatum = type(DATES).for_teldatum(date(2025, 5, 1))
    not_yet = type(DATES).for_teldatum(date(2025, 6, 1))
    modes = planner.teldatum_modes(con, [DATES, later_teldatum, not_yet], after_p3, "key", False)
    assert [(m.dates.teldatum, m.mode) for m in modes] == [
        (T, Mode.AFWIJKINGEN),
        (later_teldatum.teldatum, Mode.PUBLISH),
    ]
    # The final extract itself, processed again, publishes.
    again = planner.teldatum_modes(con, [DATES], P3, "other files", False)
    assert [m.mode for m in again] == [Mode.PUBLISH]

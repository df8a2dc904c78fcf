"""`rod-pipeline run` (runner.run_pending): the planner's work extract by extract, what it says,
and what it repairs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish.rollback import rollback
from rod_pipeline.resources import warehouse_of
from rod_pipeline.runner import RunOutcome, run_pending
from rod_pipeline_tests.publish.reading import published_state
from rod_pipeline_tests.stability.extracts import (
    T,
    copy_folder,
    deliver,
    new_folder,
    rows,
    seed_enrolments,
)

pytestmark = pytest.mark.slow

P1, P2 = date(2025, 2, 15), date(2025, 3, 15)
NOTHING_TO_DO = "nothing to do: every extract in the inbox is processed; published/ is current"


@pytest.fixture(autouse=True)
def no_dagster_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    yield


def _run(folder: DataFolder, only: date | None = None) -> tuple[RunOutcome, list[str]]:
    lines: list[str] = []
    outcome = run_pending(folder, only, echo=lines.append)
    assert outcome.ok, lines
    return outcome, lines


def _changed(enrolments: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    enrolments["PAR705271"]["BEKOSTIGINGSCATEGORIE"] = "HOOG"
    return enrolments


def test_a_run_processes_what_is_new_then_has_nothing_to_do(tmp_path: Path):
    folder = new_folder(tmp_path / "data")
    deliver(folder, P1, seed_enrolments())
    outcome, lines = _run(folder)
    assert outcome.processed == [P1]
    assert (outcome.published_before, outcome.published_after) == (None, "000001")
    assert lines[0] == f"extract {P1}: new extract"
    assert lines[1].startswith(f"  teldatum {T}: VOORLOPIG, 3 charged, 3 funding-relevant")

    before = published_state(folder.published_dir)
    outcome, lines = _run(folder)
    assert outcome.processed == []
    assert lines == [NOTHING_TO_DO]
    assert published_state(folder.published_dir) == before


def test_published_behind_the_warehouse_is_repaired_by_the_next_run(tmp_path: Path):
    folder = new_folder(tmp_path / "data")
    deliver(folder, P1, seed_enrolments())
    deliver(folder, P2, seed_enrolments())
    _run(folder)
    # Rollbacks that committed but never switched published/ (killed in between).
    for left in ([P1], []):
        with warehouse_of(folder).get_connection() as con:
            rollback(con, T)
        outcome, lines = _run(folder)
        assert outcome.processed == []
        assert lines[0].startswith("published/ was behind the warehouse"), lines
        assert [r["PEILDATUM"] for r in rows(folder, ds.STABILITEIT)] == left


def test_run_names_the_extract_folder_it_cannot_find(tmp_path: Path):
    folder = new_folder(tmp_path / "data")
    deliver(folder, P1, seed_enrolments())
    lines: list[str] = []
    outcome = run_pending(folder, date(2025, 1, 1), echo=lines.append)
    assert outcome.failures == [f"no extract folder {folder.extract_dir(date(2025, 1, 1))}"]
    assert outcome.processed == [] and not folder.published_dir.exists()


def test_a_redelivered_extract_is_processed_again_with_every_later_one(tmp_path: Path):
    folder = new_folder(tmp_path / "data")
    deliver(folder, P1, seed_enrolments())
    deliver(folder, P2, seed_enrolments())
    assert _run(folder)[0].processed == [P1, P2]
    deliver(folder, P1, _changed(seed_enrolments()))

    outcome, lines = _run(folder)
    assert outcome.processed == [P1, P2], lines
    assert f"extract {P2}: its baseline changed: extract {P1} was processed again" in lines
    stabiliteit = rows(folder, ds.STABILITEIT)
    # P2 (the example as it was) is compared with the corrected P1: the category changed back.
    assert [(r["PEILDATUM"], r["AANTAL_GEWIJZIGD"]) for r in stabiliteit] == [(P1, 0), (P2, 1)]


def test_a_copied_data_folder_reads_its_own_inbox(tmp_path: Path):
    """CONTRACT: the data folder moves as one; a copy's redelivered extract is its own."""
    original = new_folder(tmp_path / "original")
    deliver(original, P1, seed_enrolments())
    _run(original)
    copy = copy_folder(original, tmp_path / "copy")
    deliver(copy, P1, _changed(seed_enrolments()))

    outcome, lines = _run(copy)
    assert outcome.processed == [P1], lines
    charged = {r["INSCHRIJVING_ID"]: r for r in rows(copy, ds.DASHBOARD_1B)}
    assert charged["PAR705271"]["BEKOSTIGINGSCATEGORIE"] == "SO_VSO_HOOG"

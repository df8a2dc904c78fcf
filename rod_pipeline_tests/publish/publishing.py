"""Publishing without Dagster: the product's stage_teldatum, commit_extract and build_snapshot,
driven the way publish_extract drives them, on Arrow tables registered in the connection."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import planner
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import ExtractKeys, commit_extract
from rod_pipeline.publish.stage import Mode, RulebookTables, Staged, stage_teldatum
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.tables import Output

_NAMES = RulebookTables("test_charged", "test_niet_toegerekend", "test_counts")


@dataclass(frozen=True)
class Published:
    staged: list[Staged]
    publications: list[history.Publication]
    snapshot: Path | None  # the snapshot published/ switched to, if it switched


def stage(
    con: duckdb.DuckDBPyConnection,
    output: Output,
    peildatum: date,
    dates: StabilityDates,
    run_id: str,
    mode: Mode = Mode.PUBLISH,
) -> Staged | None:
    con.register(_NAMES.charged, output.charged)
    con.register(_NAMES.niet_toegerekend, output.niet_toegerekend)
    con.register(_NAMES.counts, output.counts)
    try:
        return stage_teldatum(con, _NAMES, peildatum, dates, run_id, mode)
    finally:
        for name in (_NAMES.charged, _NAMES.niet_toegerekend, _NAMES.counts):
            con.unregister(name)


def keys(peildatum: date, files: str = "v1") -> ExtractKeys:
    """The planner's fingerprint of an extract; `files` names a version of its contents."""
    return ExtractKeys(peildatum, f"{peildatum}:{files}", "reference", json.dumps({}))


def publish(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    peildatum: date,
    outputs: dict[StabilityDates, Output],
    run_id: str,
    files: str = "v1",
    republish_withdrawn: bool = False,
    extract: ExtractKeys | None = None,
) -> Published:
    """One extract: every teldatum of `outputs` in the mode the planner gives it, committed at
    once, then published/ switched when something new was staged (or it is behind). `extract`
    is the planner's fingerprint of the extract, else one made of `files`."""
    history.ensure_tables(con)
    extract_keys = extract or keys(peildatum, files)
    modes = planner.teldatum_modes(
        con, list(outputs), peildatum, extract_keys.extract_sleutel, republish_withdrawn
    )
    staged = [
        found
        for work in modes
        if (found := stage(con, outputs[work.dates], peildatum, work.dates, run_id, work.mode))
    ]
    publications = commit_extract(con, staged, run_id, extract_keys)
    built = None
    if staged or snapshot.is_behind(con, root):
        built = snapshot.build_snapshot(con, root, run_id)
    return Published(staged, publications, built)

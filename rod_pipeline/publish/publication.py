"""Publish one extract: stage every teldatum it makes, commit them at once, switch published/.

The Dagster publication asset and nothing else calls this; the order is the write-audit-publish
of the contract: stage (write), validate and commit to the history (audit), then one snapshot
switch (publish). Nothing is switched when nothing new was staged (S4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import warehouse as wh
from rod_pipeline.planner import TeldatumWork
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import ExtractKeys, commit_extract
from rod_pipeline.publish.stage import RulebookTables, Staged, stage_teldatum
from rod_pipeline.report import write_report

# The partnerships' report is part of every snapshot, so it always shows the data beside it.
REPORT = "rapport"


def write_report_into(snapshot_dir: Path) -> None:
    """The report of the snapshot's data; none while nothing is published (all withdrawn)."""
    if any((snapshot_dir / "dashboard_1a").glob("*/*.parquet")):
        write_report(snapshot_dir, snapshot_dir / REPORT)


@dataclass(frozen=True)
class PublishOutcome:
    staged: list[Staged]  # what is new: publications and afwijkingen
    publications: list[history.Publication]
    snapshot: Path | None  # the snapshot published/ points at now, when it switched


def stage_extract(
    con: duckdb.DuckDBPyConnection, peildatum: date, modes: list[TeldatumWork], run_id: str
) -> list[Staged]:
    """Stage what the extract makes of each teldatum: side by side, each in a transaction of
    its own (one commit of them all follows). Only what is new is returned (S4)."""
    history.ensure_tables(con)

    def stage(cursor: duckdb.DuckDBPyConnection, item: TeldatumWork) -> Staged | None:
        views = wh.rulebook_views(cursor, item.dates.teldatum, peildatum)
        return stage_teldatum(
            cursor, RulebookTables(**views), peildatum, item.dates, run_id, item.mode
        )

    return [found for found in wh.side_by_side(con, stage, modes) if found is not None]


def publish_extract(
    con: duckdb.DuckDBPyConnection,
    root: Path,
    peildatum: date,
    modes: list[TeldatumWork],
    run_id: str,
    keys: ExtractKeys,
    extras: tuple[snapshot.Extra, ...] = (write_report_into,),
) -> PublishOutcome:
    staged = stage_extract(con, peildatum, modes, run_id)
    publications = commit_extract(con, staged, run_id, keys)
    switched = None
    if staged or snapshot.is_behind(con, root):
        switched = snapshot.build_snapshot(con, root, run_id, list(extras))
    return PublishOutcome(staged, publications, switched)

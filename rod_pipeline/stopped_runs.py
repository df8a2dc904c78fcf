"""Runs whose process was killed: "started" in Dagster's run storage for ever.

Dagster cannot tell a dead run worker with its default run launcher, and such a run fills the
run queue's only slot and keeps the inbox sensor waiting behind it. Every run that writes holds
the data folder's lock from start to end and says so with the tag `rod/holds-lock`. So a run
with that tag still in progress while we hold the lock is not running: its process died before
it could record its end. We mark it failed. Its work needs nothing: a killed run leaves the
warehouse and published/ as they were or for the next run to repair (CONTRACT, atomicity).
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from rod_pipeline import folder_lock

HOLDS_LOCK_TAG = "rod/holds-lock"
_IN_PROGRESS = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
MESSAGE = (
    "its process was stopped (killed, out of memory or the machine went down) while it held the "
    "data folder's lock; marked failed by run {by}. Nothing to undo: the next run repairs "
    "published/ when needed."
)


def holding_the_lock(instance: dg.DagsterInstance, run_id: str) -> None:
    """Tag a run that now holds the data folder's lock (the WriterLockResource calls it)."""
    instance.add_run_tags(run_id, {HOLDS_LOCK_TAG: "true"})


def fail_stopped_runs(
    instance: dg.DagsterInstance, root: Path, own_run_id: str | None, by: str
) -> list[str]:
    """Mark failed the runs that held the lock and died; their ids. Takes the lock for a moment
    (or uses ours); when another holds it, anything in progress may be alive: nothing is done."""
    if not _in_progress(instance, own_run_id):
        return []
    try:
        with folder_lock.exclusive(root, by, say=lambda _: None, timeout=0):
            stopped = _in_progress(instance, own_run_id)
            for run in stopped:
                instance.report_run_failed(run, message=MESSAGE.format(by=by))
    except folder_lock.FolderLockedError:
        return []
    return [run.run_id for run in stopped]


def _in_progress(instance: dg.DagsterInstance, own_run_id: str | None) -> list[dg.DagsterRun]:
    records = instance.get_run_records(
        dg.RunsFilter(tags={HOLDS_LOCK_TAG: "true"}, statuses=_IN_PROGRESS)
    )
    return [r.dagster_run for r in records if r.dagster_run.run_id != own_run_id]

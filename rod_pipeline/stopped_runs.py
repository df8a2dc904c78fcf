"""Runs whose process was killed: "started" in Dagster's run storage for ever.

Dagster cannot tell a dead run worker with its default run launcher, and such a run fills the
run queue's only slot and keeps the inbox sensor waiting behind it. Every run that writes holds
the data folder's lock and, when it takes it, tags itself `rod/holds-lock` with its host and
process id. A run with that tag still in progress whose process is gone on this host is dead: we
mark it failed. (Its process, not the lock, decides: a run that has just let go of the lock is
still recording its end.) Its work needs nothing: a killed run leaves the warehouse and
published/ as they were or for the next run to repair (CONTRACT, atomicity). Runs on another
host are left to Dagster's run monitoring (deploy/production/dagster.yaml).
"""

from __future__ import annotations

import os
import socket

import dagster as dg

HOLDS_LOCK_TAG = "rod/holds-lock"
_IN_PROGRESS = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]
MESSAGE = (
    "its process ({holder}) was stopped (killed, out of memory or the machine went down) "
    "while it held the data folder's lock; marked failed by {by}. Nothing to undo: the next run "
    "repairs published/ when needed."
)


def holding_the_lock(instance: dg.DagsterInstance, run_id: str) -> None:
    """Tag a run whose process now holds the data folder's lock (WriterLockResource)."""
    instance.add_run_tags(run_id, {HOLDS_LOCK_TAG: f"{socket.gethostname()}:{os.getpid()}"})


def fail_stopped_runs(instance: dg.DagsterInstance, by: str) -> list[str]:
    """Mark failed the runs that held the lock and whose process is gone; their ids."""
    stopped = [
        (record.dagster_run, holder)
        for record in instance.get_run_records(dg.RunsFilter(statuses=_IN_PROGRESS))
        if (holder := record.dagster_run.tags.get(HOLDS_LOCK_TAG)) and not _alive(holder)
    ]
    for run, holder in stopped:
        instance.report_run_failed(run, message=MESSAGE.format(holder=holder, by=by))
    return [run.run_id for run, _ in stopped]


def _alive(holder: str) -> bool:
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user: alive
    return True

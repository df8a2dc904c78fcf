"""Which runs `stopped_runs` marks failed: only those whose lock-holding process is gone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import dagster as dg

from rod_pipeline.stopped_runs import HOLDS_LOCK_TAG, fail_stopped_runs


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _run(instance: dg.DagsterInstance, holder: str | None) -> str:
    tags = {HOLDS_LOCK_TAG: holder} if holder else {}
    run = instance.add_run(
        dg.DagsterRun(job_name="extract_job", status=dg.DagsterRunStatus.STARTED, tags=tags)
    )
    return run.run_id


def test_only_a_run_whose_process_is_gone_is_marked_failed():
    host = socket.gethostname()
    with dg.DagsterInstance.ephemeral() as instance:
        dead = _run(instance, f"{host}:{_dead_pid()}")
        # Alive: a run that has just let go of the lock is still recording its end.
        alive = _run(instance, f"{host}:{os.getpid()}")
        elsewhere = _run(instance, f"another-host:{_dead_pid()}")  # for run monitoring
        waiting = _run(instance, None)  # waits for the lock: holds nothing yet

        assert fail_stopped_runs(instance, "the sensor") == [dead]

        status = {r: instance.get_run_by_id(r).status for r in (dead, alive, elsewhere, waiting)}  # type: ignore[union-attr]
        assert status == {
            dead: dg.DagsterRunStatus.FAILURE,
            alive: dg.DagsterRunStatus.STARTED,
            elsewhere: dg.DagsterRunStatus.STARTED,
            waiting: dg.DagsterRunStatus.STARTED,
        }
        assert fail_stopped_runs(instance, "the sensor") == []

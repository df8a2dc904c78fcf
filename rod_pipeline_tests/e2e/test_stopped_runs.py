"""A run killed mid-step stays "started" in Dagster's run storage: nothing of Dagster's own marks
it failed (the default run launcher cannot tell a dead run worker). Left so it would fill the
run queue's only slot and keep the inbox sensor waiting for ever. The next sensor tick or run
finds it and marks it failed."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import dagster as dg
import pytest

from rod_pipeline.resources import DataFolderResource
from rod_pipeline.sensors import inbox_sensor
from rod_pipeline_tests.e2e.helpers import (
    cli_ok,
    copy_installation,
    start_run_in_background,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def _instance(data_dir: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(data_dir / "state" / "dagster"))


def _kill_once_started(data_dir: Path) -> str:
    """`rod-pipeline run`, SIGKILLed as soon as its Dagster run has started a step."""
    process = start_run_in_background(data_dir)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            home = data_dir / "state" / "dagster"
            if (home / "history" / "runs.db").exists():
                with _instance(data_dir) as instance:
                    started = instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS))
                    if (
                        started
                        and instance.get_records_for_run(
                            started[0].dagster_run.run_id,
                            of_type=dg.DagsterEventType.STEP_START,
                            limit=1,
                        ).records
                    ):
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait()
                        return started[0].dagster_run.run_id
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    pytest.fail("the run finished before it could be killed in a step")


def test_the_sensor_marks_a_killed_run_failed_and_goes_on(tiny_generated: Path, tmp_path: Path):
    data_dir = copy_installation(tiny_generated, tmp_path / "data")
    killed = _kill_once_started(data_dir)
    with _instance(data_dir) as instance:
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED  # type: ignore[union-attr]
        folder = DataFolderResource(data_dir=str(data_dir), inbox_settle_seconds=0)
        resources = {"data_folder": folder}
        with dg.build_sensor_context(instance=instance, resources=resources) as context:
            result = inbox_sensor(context)
        assert isinstance(result, dg.SensorResult), result
        assert [r.partition_key for r in result.run_requests or []] == ["2024-03-15"]
        run = instance.get_run_by_id(killed)
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
        failure = instance.get_records_for_run(
            killed, of_type=dg.DagsterEventType.RUN_FAILURE
        ).records
        assert "was stopped (killed" in (failure[0].event_log_entry.dagster_event.message or "")  # type: ignore[union-attr]


def test_the_next_cli_run_marks_a_killed_run_failed(tiny_generated: Path, tmp_path: Path):
    data_dir = copy_installation(tiny_generated, tmp_path / "data")
    killed = _kill_once_started(data_dir)
    cli_ok("run", "--data-dir", str(data_dir))
    with _instance(data_dir) as instance:
        run = instance.get_run_by_id(killed)
        assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
        assert not instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS))

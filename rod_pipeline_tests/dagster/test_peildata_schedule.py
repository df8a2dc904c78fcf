"""peildata_schedule: ingest what waits, else refresh the teldata that are not DEFINITIEF."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.partitions import TELDATA_TAG
from rod_pipeline.resources import build_resources
from rod_pipeline.schedules import TIMEZONE, peildata_schedule

from .conftest import Processed, persistent_instance


def evaluate(folder: DataFolder, instance: dg.DagsterInstance, day: str):
    moment = datetime.fromisoformat(f"{day}T07:00").replace(tzinfo=ZoneInfo(TIMEZONE))
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=moment, resources=build_resources(folder)
    )
    return peildata_schedule(context)


def test_waiting_extracts_are_ingested(tmp_path, folder: DataFolder):
    parked = sorted((tmp_path / "parked").iterdir())[0]
    parked.rename(folder.inbox_dir / parked.name)
    with persistent_instance(tmp_path / "home") as instance:
        requests = evaluate(folder, instance, "2025-01-20")
        assert isinstance(requests, list)
        assert [r.partition_key for r in requests] == [p.isoformat() for p in folder.extracts()]
        assert all(r.run_key and r.run_key.startswith("scheduled:") for r in requests)
        assert all(TELDATA_TAG not in r.tags for r in requests)
        assert set(instance.get_dynamic_partitions("peildatum")) == {
            r.partition_key for r in requests
        }


def test_an_extract_not_yet_arrived_by_its_date_is_not_waiting(tmp_path, folder: DataFolder):
    with persistent_instance(tmp_path / "home") as instance:
        assert isinstance(evaluate(folder, instance, "2024-03-14"), dg.SkipReason)


def test_nothing_waiting_refreshes_only_open_teldata(processed: Processed):
    # 2024-03-20: teldatum 2023-02-01 is DEFINITIEF, 2024-02-01 VASTGESTELD (deadline 2024-03-11).
    request = evaluate(processed.folder, processed.instance, "2024-03-20")
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == processed.folder.extracts()[0].isoformat()
    assert request.tags[TELDATA_TAG] == "2024-02-01"
    assert request.run_key == f"refresh:{request.partition_key}:2024-03-20T07:00"


def test_every_teldatum_definitief_skips(processed: Processed):
    skip = evaluate(processed.folder, processed.instance, "2024-06-03")
    assert isinstance(skip, dg.SkipReason)
    assert "DEFINITIEF" in (skip.skip_message or "")


def test_an_ingest_already_running_is_not_requested_again(tmp_path, folder: DataFolder):
    waiting = folder.extracts()[0].isoformat()
    with persistent_instance(tmp_path / "home") as instance:
        instance.add_run(
            dg.DagsterRun(
                job_name="ingest_job",
                run_id="running-ingest",
                status=dg.DagsterRunStatus.STARTED,
                tags={"dagster/partition": waiting},
            )
        )
        result = evaluate(folder, instance, "2025-01-20")
        requested = [r.partition_key for r in result] if isinstance(result, list) else []
        assert waiting not in requested

"""inbox_sensor on a real inbox: one run per new or replaced, complete and settled extract."""

from __future__ import annotations

import json
import os
import time

import dagster as dg
import pytest

from rod_pipeline import sensors
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.resources import build_resources
from rod_pipeline.sensors import inbox_sensor

from .conftest import settle


def tick(folder: DataFolder, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(
        cursor=cursor, resources=build_resources(folder), instance=dg.DagsterInstance.ephemeral()
    )
    result = inbox_sensor(context)
    assert isinstance(result, dg.SensorResult | dg.SkipReason)
    return result


def requested(result: dg.SensorResult | dg.SkipReason) -> list[dg.RunRequest]:
    return list(result.run_requests or []) if isinstance(result, dg.SensorResult) else []


def test_new_extract_gives_one_run_request(folder: DataFolder):
    (peildatum,) = folder.extracts()
    result = tick(folder)
    assert isinstance(result, dg.SensorResult)
    (request,) = requested(result)
    assert request.partition_key == peildatum.isoformat()
    assert request.run_key is not None
    assert request.run_key.startswith(f"extract:{peildatum.isoformat()}:")
    (added,) = result.dynamic_partitions_requests or []
    assert isinstance(added, dg.AddDynamicPartitionsRequest)
    assert added.partitions_def_name == "peildatum"
    assert list(added.partition_keys) == [peildatum.isoformat()]


def test_cursor_round_trips_and_same_extract_is_skipped(folder: DataFolder):
    first = tick(folder)
    assert isinstance(first, dg.SensorResult) and first.cursor
    (peildatum,) = folder.extracts()
    assert set(json.loads(first.cursor)) == {peildatum.isoformat()}
    again = tick(folder, first.cursor)
    assert isinstance(again, dg.SkipReason)
    assert "No new or changed extract" in (again.skip_message or "")


def test_replaced_files_give_a_new_run_key(folder: DataFolder):
    first = tick(folder)
    assert isinstance(first, dg.SensorResult) and first.cursor
    (peildatum,) = folder.extracts()
    tlv = folder.extract_dir(peildatum) / "tlv.csv"
    tlv.write_text(tlv.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    settle(folder.inbox_dir)
    replaced = tick(folder, first.cursor)
    (request,) = requested(replaced)
    assert request.partition_key == peildatum.isoformat()
    assert request.run_key != requested(first)[0].run_key
    assert isinstance(replaced, dg.SensorResult) and replaced.cursor != first.cursor


def test_incomplete_extract_is_skipped(folder: DataFolder):
    (peildatum,) = folder.extracts()
    (folder.extract_dir(peildatum) / "tlv.csv").unlink()
    assert isinstance(tick(folder), dg.SkipReason)


def test_extract_still_being_written_is_skipped(
    folder: DataFolder, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(sensors, "SETTLE_SECONDS", 30.0)
    (peildatum,) = folder.extracts()
    now = time.time()
    os.utime(folder.extract_dir(peildatum) / "inschrijvingen.csv", (now, now))
    assert isinstance(tick(folder), dg.SkipReason)
    settle(folder.inbox_dir)
    assert len(requested(tick(folder))) == 1


def test_a_second_extract_is_requested_alone(folder: DataFolder, tmp_path):
    first = tick(folder)
    assert isinstance(first, dg.SensorResult)
    parked = sorted((tmp_path / "parked").iterdir())[0]
    parked.rename(folder.inbox_dir / parked.name)
    settle(folder.inbox_dir / parked.name)
    second = tick(folder, first.cursor)
    assert [r.partition_key for r in requested(second)] == [parked.name]

"""extract_validated_sensor: a successful ingest asks for every teldatum on or before it."""

from __future__ import annotations

import dagster as dg

from rod_pipeline.partitions import PEILDATUM_TAG, TELDATA_TAG
from rod_pipeline.resources import build_resources
from rod_pipeline.sensors import extract_validated_sensor
from rod_pipeline.teldata import read_teldata

from .conftest import Processed


def evaluate(processed: Processed, run: dg.DagsterRun) -> dg.SensorResult:
    success = processed.ingest.get_run_success_event()
    context = dg.build_run_status_sensor_context(
        sensor_name=extract_validated_sensor.name,
        dagster_event=success,
        dagster_instance=processed.instance,
        dagster_run=run,
        resources=build_resources(processed.folder),
    )
    result = extract_validated_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


def test_requests_every_teldatum_on_or_before_the_peildatum(processed: Processed):
    run = processed.ingest.dagster_run
    peildatum = run.tags["dagster/partition"]
    result = evaluate(processed, run)
    expected = [
        d.teldatum.isoformat()
        for d in read_teldata(processed.folder.reference_dir)
        if d.teldatum.isoformat() <= peildatum
    ]
    assert len(expected) >= 2, "the tiny installation's first extract follows two teldata"
    requests = result.run_requests or []
    assert [r.partition_key for r in requests] == expected
    assert all(r.tags[PEILDATUM_TAG] == peildatum for r in requests)
    run_keys = [r.run_key for r in requests]
    assert len(set(run_keys)) == len(run_keys)
    assert all(k and run.run_id in k and peildatum in k for k in run_keys)
    (added,) = result.dynamic_partitions_requests or []
    assert isinstance(added, dg.AddDynamicPartitionsRequest)
    assert added.partitions_def_name == "teldatum"
    assert list(added.partition_keys) == expected


def test_teldata_tag_limits_the_requests(processed: Processed):
    run = processed.ingest.dagster_run
    latest = max(d.teldatum for d in read_teldata(processed.folder.reference_dir))
    named = run.with_tags({**run.tags, TELDATA_TAG: f"2024-02-01,{latest}"})
    result = evaluate(processed, named)
    # A teldatum after the extract is never derived from it, even when named.
    assert [r.partition_key for r in result.run_requests or []] == ["2024-02-01"]

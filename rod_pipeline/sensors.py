"""Sensors: a new extract folder starts its ingest; a finished ingest starts its teldata."""

import hashlib
import json
import os
import time
from datetime import date

import dagster as dg

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.jobs import ingest_job, teldatum_job
from rod_pipeline.partitions import (
    PEILDATUM_TAG,
    TELDATA_TAG,
    peildatum_partitions,
    teldatum_partitions,
)
from rod_pipeline.resources import DataFolderResource
from rod_pipeline.teldata import read_teldata

# An extract is copied into the inbox file by file; wait until it has been still this long.
SETTLE_SECONDS = float(os.environ.get("ROD_INBOX_SETTLE_SECONDS", "30"))
EXTRACT_FILES = ("inschrijvingen", "tlv")


def extract_fingerprint(folder: DataFolder, peildatum: date, now: float) -> str | None:
    """Names, sizes and times of the extract's files; None while it is incomplete or moving."""
    extract_dir = folder.extract_dir(peildatum)
    parts = []
    for stem in EXTRACT_FILES:
        present = [
            p for p in sorted(extract_dir.glob(f"{stem}.*")) if p.suffix in (".csv", ".parquet")
        ]
        if not present:
            return None
        for path in present:
            stat = path.stat()
            if now - stat.st_mtime < SETTLE_SECONDS:
                return None
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the ingest of every new or replaced extract folder in the inbox, once.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, data_folder: DataFolderResource):
    folder = data_folder.folder
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    now = time.time()
    requests = []
    new_partitions = []
    for peildatum in folder.extracts():
        key = peildatum.isoformat()
        fingerprint = extract_fingerprint(folder, peildatum, now)
        if fingerprint is None or seen.get(key) == fingerprint:
            continue
        seen[key] = fingerprint
        new_partitions.append(key)
        # The run key makes Dagster refuse a second run for the same files.
        requests.append(dg.RunRequest(run_key=f"extract:{key}:{fingerprint}", partition_key=key))
    if not requests:
        return dg.SkipReason("No new or changed extract in the inbox.")
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(seen, sort_keys=True),
        dynamic_partitions_requests=[peildatum_partitions.build_add_request(new_partitions)],
    )


def teldata_requests(
    folder: DataFolder, peildatum: date, origin: str, only: set[str] | None = None
) -> dg.SensorResult:
    """One teldatum run per teldatum on or before the extract's peildatum (or those named)."""
    teldata = [d.teldatum for d in read_teldata(folder.reference_dir) if d.teldatum <= peildatum]
    keys = [t.isoformat() for t in teldata if only is None or t.isoformat() in only]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"teldatum:{peildatum}:{key}:{origin}",
                partition_key=key,
                tags={PEILDATUM_TAG: peildatum.isoformat()},
            )
            for key in keys
        ],
        dynamic_partitions_requests=[teldatum_partitions.build_add_request(keys)] if keys else [],
    )


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_job],
    request_job=teldatum_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After an extract is validated, derives and publishes every teldatum on or "
    "before its peildatum.",
)
def extract_validated_sensor(context: dg.RunStatusSensorContext, data_folder: DataFolderResource):
    partition = context.dagster_run.tags.get("dagster/partition")
    if not partition:
        return dg.SkipReason("The ingest run had no extract partition.")
    named = context.dagster_run.tags.get(TELDATA_TAG)
    return teldata_requests(
        data_folder.folder,
        date.fromisoformat(partition),
        context.dagster_run.run_id,
        set(named.split(",")) if named else None,
    )

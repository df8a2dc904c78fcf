"""The Definitions: wiring only. `dagster dev -w workspace.yaml` loads `defs` from here."""

from __future__ import annotations

import dagster as dg

from rod_pipeline.assets import ingest, publish, rulebook, validate
from rod_pipeline.checks import publication_checks, rulebook_checks, validation_checks
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.jobs import ingest_job, teldatum_job
from rod_pipeline.resources import build_resources
from rod_pipeline.schedules import peildata_schedule
from rod_pipeline.sensors import extract_validated_sensor, inbox_sensor


def build_definitions(folder: DataFolder) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            ingest.reference_data,
            ingest.raw_extract,
            validate.validated_extract,
            rulebook.rulebook_results,
            publish.publication,
        ],
        asset_checks=[*validation_checks, *rulebook_checks, *publication_checks],
        jobs=[ingest_job, teldatum_job],
        schedules=[peildata_schedule],
        sensors=[inbox_sensor, extract_validated_sensor],
        resources=build_resources(folder),
    )


defs = build_definitions(DataFolder.resolve())

"""The Definitions: wiring only. `dagster dev -w workspace.yaml` loads `defs` from here.

Nothing is read at import: the data folder comes from the environment (ROD_DATA_DIR) when the
code location loads, the CLI passes its own folder to build_definitions.
"""

from __future__ import annotations

import os

import dagster as dg

from rod_pipeline.assets import ingest, publish, rulebook
from rod_pipeline.checks import publication_checks, rulebook_checks, validation_checks
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.jobs import EXECUTOR, extract_job
from rod_pipeline.resources import build_resources
from rod_pipeline.schedules import DEFAULT_CRON, build_schedule
from rod_pipeline.sensors import inbox_sensor


def build_definitions(
    folder: DataFolder, settle_seconds: float = 0.0, cron: str = DEFAULT_CRON
) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            ingest.reference_data,
            ingest.raw_extract,
            ingest.validated_extract,
            rulebook.rulebook_results,
            publish.publication,
        ],
        asset_checks=[*validation_checks, *rulebook_checks, *publication_checks],
        jobs=[extract_job],
        executor=EXECUTOR,  # runs the UI makes of single assets too
        schedules=[build_schedule(cron)],
        sensors=[inbox_sensor],
        resources=build_resources(folder, settle_seconds),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """For `dagster dev`: ROD_DATA_DIR (else data/ in the project), ROD_INBOX_SETTLE_SECONDS
    (default 30: how long an extract's files must be still before it is taken) and
    ROD_SCHEDULE_CRON (default working days at 07:00, Europe/Amsterdam)."""
    return build_definitions(
        DataFolder.resolve(),
        float(os.environ.get("ROD_INBOX_SETTLE_SECONDS", "30")),
        os.environ.get("ROD_SCHEDULE_CRON", DEFAULT_CRON),
    )

"""The job: process one extract (a peildatum partition) from its files to published/."""

import dagster as dg

from rod_pipeline.partitions import extract_partitions

# Every step opens the DuckDB warehouse and holds the data folder's lock, so a process per step
# (the default executor) would only add start-up time to each step.
EXECUTOR = dg.in_process_executor

extract_job = dg.define_asset_job(
    "extract_job",
    selection=dg.AssetSelection.all(),
    partitions_def=extract_partitions,
    executor_def=EXECUTOR,
    description="Process one extract: read and validate it, apply the rulebook to every teldatum "
    "on or before its peildatum, audit, and publish a new snapshot of published/.",
)

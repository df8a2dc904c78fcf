"""The two jobs: process one extract (per peildatum), then derive and publish each teldatum."""

import dagster as dg

from rod_pipeline.partitions import peildatum_partitions, teldatum_partitions

# Every step opens the DuckDB warehouse and the warehouse pool lets one run at a time, so a
# process per step (the default executor) would only add start-up time to each step.
EXECUTOR = dg.in_process_executor

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingest", "validate"),
    partitions_def=peildatum_partitions,
    executor_def=EXECUTOR,
    description="Read one extract and the reference data, validate every row, quarantine the "
    "rows that break the contract.",
)

teldatum_job = dg.define_asset_job(
    "teldatum_job",
    selection=dg.AssetSelection.groups("rulebook", "publish"),
    partitions_def=teldatum_partitions,
    executor_def=EXECUTOR,
    description="Apply the rulebook for one teldatum to an extract, audit it, and publish.",
)

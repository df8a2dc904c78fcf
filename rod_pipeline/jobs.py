"""The two jobs: process one extract (per peildatum), then derive and publish each teldatum."""

import dagster as dg

from rod_pipeline.partitions import peildatum_partitions, teldatum_partitions

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingest", "validate"),
    partitions_def=peildatum_partitions,
    description="Read one extract and the reference data, validate every row, quarantine the "
    "rows that break the contract.",
)

teldatum_job = dg.define_asset_job(
    "teldatum_job",
    selection=dg.AssetSelection.groups("rulebook", "publish"),
    partitions_def=teldatum_partitions,
    description="Apply the rulebook for one teldatum to an extract, audit it, and publish.",
)

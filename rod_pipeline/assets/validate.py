"""Validate: every row of the extract is accepted (typed, in the warehouse) or quarantined."""

from datetime import date

import dagster as dg

from rod_pipeline import contract
from rod_pipeline import warehouse as wh
from rod_pipeline.assets.ingest import file_metadata
from rod_pipeline.assets.schema import schema_metadata
from rod_pipeline.partitions import peildatum_partitions
from rod_pipeline.resources import WAREHOUSE_POOL, DataFolderResource, Warehouse


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "inschrijvingen",
            deps=["raw_inschrijvingen", "reference_data"],
            group_name="validate",
            kinds={"duckdb", "pandera"},
            description="The extract's enrolments that keep every rule of the contract, typed; "
            "the others are in quarantine with file, line, column and rule.",
            metadata=schema_metadata(contract.Inschrijvingen),
        ),
        dg.AssetSpec(
            "tlv",
            deps=["raw_tlv", "reference_data"],
            group_name="validate",
            kinds={"duckdb", "pandera"},
            description="The extract's TLVs that keep every rule of the contract, typed.",
            metadata=schema_metadata(contract.Tlv),
        ),
    ],
    partitions_def=peildatum_partitions,
    pool=WAREHOUSE_POOL,
)
def validated_extract(
    context: dg.AssetExecutionContext, data_folder: DataFolderResource, warehouse: Warehouse
):
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        report = contract.validate_extract(con, peildatum, data_folder.folder.quarantine_dir)
        pruned = wh.prune_extracts(con)
    if pruned:
        context.log.info(f"dropped the validated rows of {pruned} older extract(s)")
    for name, file_report in report.files.items():
        yield dg.MaterializeResult(asset_key=name, metadata=file_metadata(file_report))

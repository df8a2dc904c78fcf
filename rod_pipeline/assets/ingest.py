"""Ingest: an extract in the inbox and the reference data become tables in the warehouse."""

from datetime import date
from typing import Any

import dagster as dg

from rod_pipeline import contract
from rod_pipeline.partitions import peildatum_partitions
from rod_pipeline.resources import WAREHOUSE_POOL, DataFolderResource, Warehouse


def file_metadata(report: contract.FileReport) -> dict[str, Any]:
    """Counts and the file's fingerprint: never a value from inside the file."""
    metadata: dict[str, Any] = {
        "file": report.bestand,
        "sha256": report.sha256,
        "rows_read": report.rijen_gelezen,
    }
    if report.rijen_geaccepteerd is not None:
        metadata["dagster/row_count"] = report.rijen_geaccepteerd
        metadata["rows_accepted"] = report.rijen_geaccepteerd
        metadata["rows_quarantined"] = report.rijen_gequarantaineerd
        metadata.update({f"rule {code}": n for code, n in sorted(report.rijen_per_regel.items())})
    else:
        metadata["dagster/row_count"] = report.rijen_gelezen
    return metadata


@dg.asset(
    group_name="ingest",
    partitions_def=peildatum_partitions,
    pool=WAREHOUSE_POOL,
    kinds={"csv", "duckdb"},
)
def reference_data(
    context: dg.AssetExecutionContext, data_folder: DataFolderResource, warehouse: Warehouse
) -> dg.MaterializeResult:
    """The operator's reference files (partnerships, PC4 regions, school locations, teldata
    calendar), loaded as they were when this extract was processed."""
    peildatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        reports = contract.load_reference(con, data_folder.folder.reference_dir, peildatum)
    return dg.MaterializeResult(
        metadata={
            **{f"{name} rows": r.rijen_gelezen for name, r in reports.items()},
            **{f"{name} sha256": r.sha256 for name, r in reports.items()},
        }
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "raw_inschrijvingen",
            group_name="ingest",
            kinds={"csv", "duckdb"},
            description="The extract's enrolments exactly as delivered, one text column per "
            "field and the source line of every row.",
        ),
        dg.AssetSpec(
            "raw_tlv",
            group_name="ingest",
            kinds={"csv", "duckdb"},
            description="The extract's admissibility declarations (TLVs) exactly as delivered.",
        ),
    ],
    partitions_def=peildatum_partitions,
    pool=WAREHOUSE_POOL,
)
def raw_extract(
    context: dg.AssetExecutionContext, data_folder: DataFolderResource, warehouse: Warehouse
):
    peildatum = date.fromisoformat(context.partition_key)
    extract_dir = data_folder.folder.extract_dir(peildatum)
    with warehouse.get_connection() as con:
        reports = contract.read_extract(con, extract_dir, peildatum)
    for asset_key, file_key in (("raw_inschrijvingen", "inschrijvingen"), ("raw_tlv", "tlv")):
        yield dg.MaterializeResult(asset_key=asset_key, metadata=file_metadata(reports[file_key]))

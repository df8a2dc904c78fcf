"""Ingest and validate: an extract in the inbox and the reference data become validated rows in
the warehouse; every row is accepted or quarantined."""

from typing import Any

import dagster as dg

from rod_pipeline import contract
from rod_pipeline import warehouse as wh
from rod_pipeline.assets.common import extract_work, failure, peildatum_of
from rod_pipeline.assets.schema import schema_metadata
from rod_pipeline.errors import OperatorError
from rod_pipeline.partitions import ACCEPT_TAG, extract_partitions
from rod_pipeline.resources import (
    DataFolderResource,
    WarehouseResource,
    WriterLockResource,
)


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
    partitions_def=extract_partitions,
    kinds={"csv", "duckdb"},
    output_required=False,
)
def reference_data(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    warehouse: WarehouseResource,
    writer_lock: WriterLockResource,
):
    """The operator's reference files (partnerships, PC4 regions, school locations, teldata
    calendar), loaded as they are when this extract is processed."""
    peildatum = peildatum_of(context)
    with warehouse.get_connection() as con:
        work = extract_work(context, data_folder, con)
        if work is None:
            context.log.info(f"extract {peildatum}: nothing to do, it is processed already")
            return
        context.log.info(f"extract {peildatum}: {work.reason}")
        try:
            reports = contract.load_reference(con, data_folder.folder.reference_dir, peildatum)
        except OperatorError as error:
            raise failure(error) from None
    yield dg.MaterializeResult(
        metadata={
            "reason": work.reason,
            **{f"{name} rows": r.rijen_gelezen for name, r in reports.items()},
            **{f"{name} sha256": r.sha256 for name, r in reports.items()},
        }
    )


def _reusable(context, data_folder, con) -> bool:
    """Validated rows of these very files are held already (a resumed or repeated run)."""
    work = extract_work(context, data_folder, con)
    return work is not None and wh.validated_from_same_files(
        con, work.peildatum, work.extract.key, work.reference_key
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "raw_inschrijvingen",
            deps=["reference_data"],
            group_name="ingest",
            kinds={"csv", "duckdb"},
            description="The extract's enrolments exactly as delivered, one text column per "
            "field and the source line of every row.",
        ),
        dg.AssetSpec(
            "raw_tlv",
            deps=["reference_data"],
            group_name="ingest",
            kinds={"csv", "duckdb"},
            description="The extract's admissibility declarations (TLVs) exactly as delivered.",
        ),
    ],
    partitions_def=extract_partitions,
)
def raw_extract(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    warehouse: WarehouseResource,
    writer_lock: WriterLockResource,
):
    peildatum = peildatum_of(context)
    extract_dir = data_folder.folder.extract_dir(peildatum)
    with warehouse.get_connection() as con:
        if _reusable(context, data_folder, con):
            reports = wh.input_reports(con, peildatum)
            reused = True
        else:
            try:
                reports = contract.read_extract(con, extract_dir, peildatum)
            except OperatorError as error:
                raise failure(error) from None
            reused = False
    for asset_key, file_key in (("raw_inschrijvingen", "inschrijvingen"), ("raw_tlv", "tlv")):
        yield dg.MaterializeResult(
            asset_key=asset_key,
            metadata={**file_metadata(reports[file_key]), "reused": reused},
        )


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
    partitions_def=extract_partitions,
)
def validated_extract(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    warehouse: WarehouseResource,
    writer_lock: WriterLockResource,
):
    peildatum = peildatum_of(context)
    accept = context.run.tags.get(ACCEPT_TAG) or None
    with warehouse.get_connection() as con:
        if _reusable(context, data_folder, con):
            files = wh.input_reports(con, peildatum)
            context.log.info("validated rows of these very files are held: reused")
        else:
            try:
                files = contract.validate_extract(
                    con, peildatum, data_folder.folder.quarantine_dir, accept=accept
                ).files
            except OperatorError as error:
                raise failure(error) from None
            work = extract_work(context, data_folder, con)
            assert work is not None, "reference_data found work"
            wh.record_validated(con, peildatum, work.extract.key, work.reference_key)
            pruned = wh.prune_extracts(con)
            if pruned:
                context.log.info(f"dropped the validated rows of {pruned} older extract(s)")
    for name in ("inschrijvingen", "tlv"):
        yield dg.MaterializeResult(asset_key=name, metadata=file_metadata(files[name]))

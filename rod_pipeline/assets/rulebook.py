"""Rulebook: R1-R12 for every teldatum on or before the extract, waiting for the checks."""

import dagster as dg

from rod_pipeline import warehouse as wh
from rod_pipeline.assets import lineage
from rod_pipeline.assets.common import peildatum_of, teldata_work
from rod_pipeline.partitions import extract_partitions
from rod_pipeline.resources import (
    DataFolderResource,
    WarehouseResource,
    WriterLockResource,
)

_UPSTREAM = ["inschrijvingen", "tlv", "reference_data"]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "charged_enrolments",
            deps=_UPSTREAM,
            group_name="rulebook",
            kinds={"duckdb"},
            description="Special-education enrolments charged to a partnership on each teldatum, "
            "with why (TLV, previous school, home, location) and the TLV behind each (R1-R10).",
        ),
        dg.AssetSpec(
            "uncharged_enrolments",
            deps=_UPSTREAM,
            group_name="rulebook",
            kinds={"duckdb"},
            description="Active special-education enrolments that are not charged, with the "
            "reason (R3).",
        ),
        dg.AssetSpec(
            "funding_counts",
            deps=_UPSTREAM,
            group_name="rulebook",
            kinds={"duckdb"},
            description="Counts per partnership: charged pupils per category and way of "
            "determination, and the pupil base of regular education (R11).",
        ),
    ],
    partitions_def=extract_partitions,
)
def rulebook_results(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    warehouse: WarehouseResource,
    writer_lock: WriterLockResource,
):
    peildatum = peildatum_of(context)
    rows: dict[str, dict[str, int]] = {"charged": {}, "niet_toegerekend": {}, "counts": {}}
    with warehouse.get_connection() as con:
        _, modes = teldata_work(context, data_folder, con)
        derived = wh.derive_teldata(con, [item.dates for item in modes], peildatum)
        for teldatum, counts in derived.items():
            for name, count in counts.items():
                rows[name][teldatum.isoformat()] = count
    for asset_key, name in (
        ("charged_enrolments", "charged"),
        ("uncharged_enrolments", "niet_toegerekend"),
        ("funding_counts", "counts"),
    ):
        extra = {"dagster/column_lineage": lineage.CHARGED_ENROLMENTS} if name == "charged" else {}
        yield dg.MaterializeResult(
            asset_key=asset_key,
            metadata={
                "teldata": ", ".join(rows[name]),
                **{f"rows {t}": n for t, n in rows[name].items()},
                "dagster/row_count": sum(rows[name].values()),
                **extra,
            },
        )

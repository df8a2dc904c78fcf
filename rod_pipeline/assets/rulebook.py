"""Rulebook: R1-R12 per teldatum, derived from one validated extract, waiting for the checks."""

from datetime import date

import dagster as dg

from rod_pipeline import warehouse as wh
from rod_pipeline.assets import lineage
from rod_pipeline.partitions import PEILDATUM_TAG, teldatum_partitions
from rod_pipeline.resources import WAREHOUSE_POOL, Warehouse
from rod_pipeline.rulebook import apply_rulebook

# Every extract may feed a teldatum; which one a run uses is its rod/peildatum tag.
_FROM_EXTRACT = dg.AllPartitionMapping()
_UPSTREAM = [
    dg.AssetDep(key, partition_mapping=_FROM_EXTRACT)
    for key in ("inschrijvingen", "tlv", "reference_data")
]


def chosen_peildatum(context: dg.AssetExecutionContext, con) -> date:
    """The run's extract, or the latest validated one when the operator did not name it."""
    tagged = context.run.tags.get(PEILDATUM_TAG)
    if tagged:
        return date.fromisoformat(tagged)
    validated = wh.validated_peildata(con)
    if not validated:
        raise dg.Failure("No validated extract in the warehouse yet: process an extract first.")
    return validated[-1]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            "charged_enrolments",
            deps=_UPSTREAM,
            group_name="rulebook",
            kinds={"duckdb"},
            description="Special-education enrolments charged to a partnership on the teldatum, "
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
    partitions_def=teldatum_partitions,
    pool=WAREHOUSE_POOL,
)
def rulebook_results(context: dg.AssetExecutionContext, warehouse: Warehouse):
    teldatum = date.fromisoformat(context.partition_key)
    with warehouse.get_connection() as con:
        peildatum = chosen_peildatum(context, con)
        if teldatum > peildatum:
            raise dg.Failure(
                f"Teldatum {teldatum} lies after extract {peildatum}: "
                "it is published from the first extract on or after it."
            )
        dates = wh.stability_dates(con, teldatum, peildatum)
        wh.point_views_at_extract(con, peildatum)
        result = apply_rulebook(con, teldatum, dates.registratiedeadline)
        tables = {
            "charged": result.charged,
            "niet_toegerekend": result.niet_toegerekend,
            "counts": result.counts,
        }
        wh.store_rulebook_result(con, teldatum, peildatum, tables)
    common = {"peildatum": peildatum.isoformat(), "teldatum": teldatum.isoformat()}
    for asset_key, name in (
        ("charged_enrolments", "charged"),
        ("uncharged_enrolments", "niet_toegerekend"),
        ("funding_counts", "counts"),
    ):
        yield dg.MaterializeResult(
            asset_key=asset_key,
            metadata={
                **common,
                "dagster/row_count": tables[name].num_rows,
                **(
                    {"dagster/column_lineage": lineage.CHARGED_ENROLMENTS}
                    if name == "charged"
                    else {}
                ),
            },
        )

"""Publish: the audited rulebook results become the datasets BI tools and partnerships read.

Write-audit-publish: the rulebook assets are the staging, their blocking checks the audit; this
asset derives the mutations, validates against the published models, commits the publication to
the warehouse history in one transaction and only then swaps the Parquet files in place.
"""

from datetime import date, timedelta
from typing import Any

import dagster as dg

from rod_pipeline import publish
from rod_pipeline import warehouse as wh
from rod_pipeline.assets import lineage
from rod_pipeline.assets.schema import schema_metadata
from rod_pipeline.partitions import teldatum_partitions
from rod_pipeline.publish import schemas
from rod_pipeline.resources import WAREHOUSE_POOL, DataFolderResource, Warehouse

# Extracts arrive weekly or more often around a teldatum; a published dataset not refreshed for
# a fortnight means the inbox, the sensor or the schedule stopped.
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(days=14), warn_window=timedelta(days=8)
)
_RULEBOOK = ["charged_enrolments", "uncharged_enrolments", "funding_counts"]

DATASETS = {
    "dashboard_1b": (
        schemas.Dashboard1b,
        "Dashboard 1b: per partnership, every enrolment it is charged for on the teldatum, why, "
        "the TLV behind it and whether it changed since the previous extract.",
    ),
    "dashboard_1a": (
        schemas.Dashboard1a,
        "Dashboard 1a: per partnership, the counts that drive its funding and the pupil base, "
        "with the difference against the previous extract.",
    ),
    "niet_toegerekend": (
        schemas.NietToegerekend,
        "Active special-education enrolments that no partnership is charged for, with why.",
    ),
    "mutaties": (
        schemas.Mutaties,
        "What changed in dashboard 1b since the previous extract: new, changed (which columns) "
        "and disappeared enrolments, per partnership.",
    ),
    "stabiliteit": (
        schemas.Stabiliteit,
        "Per teldatum and extract: VOORLOPIG, VASTGESTELD or DEFINITIEF, the deadlines, how much "
        "changed, since when nothing changed, and late mutations.",
    ),
}


def stability_markdown(row: dict[str, object]) -> str:
    late = "**yes: a change after the registration deadline**" if row["LATE_MUTATIE"] else "no"
    return "\n".join(
        [
            f"### Teldatum {row['TELDATUM']} at extract {row['PEILDATUM']}",
            "",
            "| | |",
            "|---|---|",
            f"| status | **{row['STATUS']}** |",
            f"| registration deadline | {row['REGISTRATIEDEADLINE']} |",
            f"| end of objection window | {row['EINDE_BEZWAARTERMIJN']} |",
            f"| charged enrolments | {row['AANTAL_TEN_LASTE']:,} |",
            f"| new / changed / gone | {row['AANTAL_NIEUW']} / {row['AANTAL_GEWIJZIGD']} / "
            f"{row['AANTAL_VERVALLEN']} |",
            f"| unchanged since | {row['ONGEWIJZIGD_SINDS']} |",
            f"| late mutation | {late} |",
        ]
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            name,
            deps=_RULEBOOK,
            group_name="publish",
            kinds={"parquet", "duckdb"},
            description=description,
            metadata=schema_metadata(model),
            freshness_policy=PUBLISHED_FRESHNESS,
        )
        for name, (model, description) in DATASETS.items()
    ],
    partitions_def=teldatum_partitions,
    pool=WAREHOUSE_POOL,
)
def publication(
    context: dg.AssetExecutionContext, data_folder: DataFolderResource, warehouse: Warehouse
):
    teldatum = date.fromisoformat(context.partition_key)
    published_dir = data_folder.folder.published_dir
    with warehouse.get_connection() as con:
        peildatum, tables = wh.load_rulebook_result(con, teldatum)
        dates = wh.stability_dates(con, teldatum, peildatum)
        staged = publish.stage_publication(
            con,
            tables["charged"],
            tables["niet_toegerekend"],
            tables["counts"],
            peildatum,
            dates,
            context.run_id,
        )
        committed = publish.commit_publication(con, staged)
        publish.export_published(con, published_dir, [teldatum])
    stability = staged.stabiliteit.to_pylist()[0]
    common: dict[str, Any] = {
        "teldatum": teldatum.isoformat(),
        "peildatum": peildatum.isoformat(),
        "publication_id": committed.publicatie_id,
        "content_hash": staged.inhoud_hash,
    }
    summary: dict[str, Any] = {
        "status": stability["STATUS"],
        "aantal_ten_laste": stability["AANTAL_TEN_LASTE"],
        "aantal_nieuw": stability["AANTAL_NIEUW"],
        "aantal_gewijzigd": stability["AANTAL_GEWIJZIGD"],
        "aantal_vervallen": stability["AANTAL_VERVALLEN"],
        "late_mutatie": bool(stability["LATE_MUTATIE"]),
        "stability": dg.MetadataValue.md(stability_markdown(stability)),
    }
    for name, table in (
        ("dashboard_1b", staged.dashboard_1b),
        ("dashboard_1a", staged.dashboard_1a),
        ("niet_toegerekend", staged.niet_toegerekend),
        ("mutaties", staged.mutaties),
        ("stabiliteit", staged.stabiliteit),
    ):
        extra = summary if name in ("stabiliteit", "dashboard_1a", "dashboard_1b") else {}
        if name == "dashboard_1b":
            extra = {**extra, "dagster/column_lineage": lineage.DASHBOARD_1B}
        yield dg.MaterializeResult(
            asset_key=name,
            metadata={**common, **extra, "dagster/row_count": table.num_rows},
        )

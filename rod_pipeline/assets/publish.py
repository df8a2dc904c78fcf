"""Publish: the audited rulebook results become the datasets BI tools and partnerships read.

Write-audit-publish: the rulebook assets are the staging, their blocking checks the audit; this
asset derives the mutations (S5-S8), validates against the published models, commits every
teldatum of the extract to the warehouse history in one transaction, and switches published/
to a new snapshot in one rename. One asset per published dataset of the registry, plus the
partnerships' report, all materialised together because they are published together.
"""

import json
from datetime import timedelta
from typing import Any

import dagster as dg

from rod_pipeline.assets import lineage
from rod_pipeline.assets.common import (
    disk_full,
    disk_full_failure,
    failure,
    peildatum_of,
    teldata_work,
)
from rod_pipeline.assets.schema import schema_metadata
from rod_pipeline.errors import OperatorError
from rod_pipeline.partitions import extract_partitions
from rod_pipeline.publish import datasets, snapshot
from rod_pipeline.publish.commit import ExtractKeys
from rod_pipeline.publish.publication import (
    REPORT,
    PublishOutcome,
    publish_extract,
)
from rod_pipeline.publish.stage import Mode
from rod_pipeline.resources import (
    DataFolderResource,
    WarehouseResource,
    WriterLockResource,
)

# Extracts arrive weekly or more often around a teldatum; a published dataset not refreshed for
# a fortnight means the inbox, the sensor or the schedule stopped.
PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(days=14), warn_window=timedelta(days=8)
)
_RULEBOOK = ["charged_enrolments", "uncharged_enrolments", "funding_counts"]


def stability_markdown(outcome: PublishOutcome) -> str:
    """Per teldatum the answer to the users' two questions, as `status` gives it."""
    lines = [
        "| teldatum | status | charged | funding-relevant changes | late mutation | funding "
        "unchanged since | afwijkingen after DEFINITIEF |",
        "|---|---|---|---|---|---|---|",
    ]
    for item in outcome.staged:
        if item.mode is Mode.AFWIJKINGEN:
            lines.append(
                f"| {item.teldatum} | DEFINITIEF (final, not republished) | | | | | "
                f"{item.mutations.get('BEKOSTIGINGSRELEVANT', 0)} funding-relevant of "
                f"{sum(item.mutations.get(k, 0) for k in ('NIEUW', 'GEWIJZIGD', 'VERVALLEN'))} |"
            )
            continue
        row = item.stabiliteit or {}
        late = "**yes: tell the partnership**" if row.get("LATE_MUTATIE") else "no"
        lines.append(
            f"| {item.teldatum} | {row.get('STATUS')} | {row.get('AANTAL_TEN_LASTE'):,} | "
            f"{row.get('AANTAL_BEKOSTIGINGSRELEVANT')} | {late} | "
            f"{row.get('BEKOSTIGING_ONGEWIJZIGD_SINDS')} | |"
        )
    return "\n".join(lines)


def _specs() -> list[dg.AssetSpec]:
    specs = [
        dg.AssetSpec(
            dataset.name,
            deps=_RULEBOOK,
            group_name="publish",
            kinds={"parquet"},
            description=dataset.description,
            metadata=schema_metadata(dataset.model),
            freshness_policy=PUBLISHED_FRESHNESS,
            skippable=True,
        )
        for dataset in datasets.ALL
    ]
    specs.append(
        dg.AssetSpec(
            REPORT,
            deps=[d.name for d in datasets.ALL],
            group_name="publish",
            kinds={"html"},
            description="The partnerships' report: published/rapport/index.html and one page per "
            "partnership with its status, counts per peildatum and funding-relevant changes.",
            skippable=True,
        )
    )
    return specs


@dg.multi_asset(
    specs=_specs(),
    partitions_def=extract_partitions,
)
def publication(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    warehouse: WarehouseResource,
    writer_lock: WriterLockResource,
):
    peildatum = peildatum_of(context)
    folder = data_folder.folder
    with warehouse.get_connection() as con:
        work, modes = teldata_work(context, data_folder, con)
        before = snapshot.current_snapshot(folder.root)
        keys = ExtractKeys(
            peildatum, work.extract.key, work.reference_key, work.extract.files_json()
        )
        try:
            outcome = publish_extract(con, folder.root, peildatum, modes, context.run_id, keys)
        except OperatorError as error:
            raise failure(error) from None
        except Exception as error:
            if disk_full(error):
                raise disk_full_failure(folder.root, before.name if before else None) from error
            raise
    if outcome.snapshot is None:
        context.log.info(f"extract {peildatum}: the same content as published; nothing new")
        return
    summary: dict[str, Any] = {
        "peildatum": peildatum.isoformat(),
        "snapshot": outcome.snapshot.name,
        "teldata published": ", ".join(str(p.teldatum) for p in outcome.publications) or "none",
        "late mutations": ", ".join(
            str(s.teldatum)
            for s in outcome.staged
            if s.stabiliteit and s.stabiliteit["LATE_MUTATIE"]
        )
        or "none",
        "stability": dg.MetadataValue.md(stability_markdown(outcome)),
    }
    manifest = json.loads((outcome.snapshot / "manifest.json").read_text())
    rows: dict[str, int] = {}
    for entry in manifest["files"]:
        name = entry["path"].split("/", 1)[0]
        rows[name] = rows.get(name, 0) + entry.get("rows", 0)
    for dataset in datasets.ALL:
        extra = (
            {"dagster/column_lineage": lineage.DASHBOARD_1B}
            if dataset is datasets.DASHBOARD_1B
            else {}
        )
        yield dg.MaterializeResult(
            asset_key=dataset.name,
            metadata={**summary, **extra, "dagster/row_count": rows.get(dataset.name, 0)},
        )
    pages = len(list((outcome.snapshot / REPORT).glob("*.html")))
    yield dg.MaterializeResult(
        asset_key=REPORT,
        metadata={
            "pages": pages,
            "index": dg.MetadataValue.path(str(folder.published_dir / REPORT / "index.html")),
        },
    )

"""The asset checks on real runs: they pass on a sound extract, warn on a poor one and, when a
row goes missing between steps, fail with ERROR and keep the publication from happening."""

from __future__ import annotations

from typing import Any

import dagster as dg
import duckdb

from rod_pipeline.assets import ingest, validate
from rod_pipeline.checks import validation_checks
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.partitions import PEILDATUM_TAG, register_partitions
from rod_pipeline.publish.history import PUBLICATIONS
from rod_pipeline.resources import Warehouse, build_resources

from .conftest import Processed, settle

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


def evaluations(
    result: dg.ExecuteInProcessResult,
) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
    }


def metadata(evaluation: dg.AssetCheckEvaluation) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in evaluation.metadata.items()}


def losing_a_row(op_name: str, table: str, where: str) -> dg.HookDefinition:
    """A hook that deletes one row of `table` (of those matching `where`) right after step
    `op_name` succeeded, before the checks of that step run: a stand-in for a bug."""

    @dg.success_hook(name=f"lose_a_row_of_{table}", required_resource_keys={"warehouse"})
    def lose_a_row(context: dg.HookContext) -> None:
        if context.op.name != op_name:
            return
        with context.resources.warehouse.get_connection() as con:
            con.execute(
                f"DELETE FROM {table} WHERE rowid = (SELECT min(rowid) FROM {table} WHERE {where})"
            )

    return lose_a_row


def run_with_hook(
    folder: DataFolder,
    instance: dg.DagsterInstance,
    job: str,
    hook: dg.HookDefinition,
    partition_key: str,
    tags: dict[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    defs = build_definitions(folder)
    real = defs.resolve_job_def(job)
    tampered = dg.define_asset_job(
        f"{job}_losing_a_row",
        selection=dg.AssetSelection.assets(*real.asset_layer.executable_asset_keys),
        partitions_def=real.partitions_def,
        hooks={hook},
    )
    return (
        dg.Definitions.merge(defs, dg.Definitions(jobs=[tampered]))
        .resolve_job_def(tampered.name)
        .execute_in_process(
            instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False
        )
    )


def test_sound_extract_reconciles_and_is_not_quarantined_much(processed: Processed):
    found = evaluations(processed.ingest)
    for asset in ("inschrijvingen", "tlv"):
        reconcile = found[(asset, "rows_reconcile")]
        assert reconcile.passed and reconcile.severity == ERROR
        counts = metadata(reconcile)
        assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_quarantined"]
        assert counts["rows_in_warehouse"] == counts["rows_accepted"]
        assert counts["rows_listed_in_quarantine"] == counts["rows_quarantined"]
        rate = found[(asset, "quarantine_rate")]
        assert rate.passed and rate.severity == WARN
    assert metadata(found[("inschrijvingen", "quarantine_rate")])["rows_quarantined"] > 0


def test_sound_publication_passes_its_checks(processed: Processed):
    for result in processed.teldata:
        found = evaluations(result)
        assert found[("funding_counts", "ten_laste_equals_charged_rows")].passed
        assert found[("charged_enrolments", "every_special_enrolment_accounted_for")].passed
        assert found[("charged_enrolments", "charged_partnerships_known")].passed
        assert found[("dashboard_1b", "published_files_current")].passed


def test_many_bad_rows_warn(folder: DataFolder):
    (peildatum,) = folder.extracts()
    enrolments = folder.extract_dir(peildatum) / "inschrijvingen.csv"
    # One enrolment in ten gets a location code that breaks the contract's pattern.
    with duckdb.connect() as con:
        con.execute(
            f"""COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () % 10 = 0 THEN 'X'
                                         ELSE VESTIGING END AS VESTIGING)
                      FROM read_csv('{enrolments}', delim=';', header=true, all_varchar=true))
                TO '{enrolments}.new' (DELIMITER ';', HEADER)"""
        )
    enrolments.with_suffix(".csv.new").replace(enrolments)
    settle(folder.inbox_dir)
    with dg.DagsterInstance.ephemeral() as instance:
        register_partitions(instance, [peildatum], [])
        result = dg.materialize(
            [
                ingest.reference_data,
                ingest.raw_extract,
                validate.validated_extract,
                *validation_checks,
            ],
            partition_key=peildatum.isoformat(),
            resources=build_resources(folder),
            instance=instance,
        )
    assert result.success, "a WARN check does not fail the run"
    found = evaluations(result)
    rate = found[("inschrijvingen", "quarantine_rate")]
    assert not rate.passed and rate.severity == WARN
    counts = metadata(rate)
    assert isinstance(counts["quarantine_rate"], float) and counts["quarantine_rate"] >= 0.09
    assert any(key.startswith("rule ") for key in counts)
    assert found[("inschrijvingen", "rows_reconcile")].passed


def test_row_lost_in_validation_fails_the_reconciliation(folder: DataFolder):
    (peildatum,) = folder.extracts()
    with dg.DagsterInstance.ephemeral() as instance:
        register_partitions(instance, [peildatum], [])
        result = run_with_hook(
            folder,
            instance,
            "ingest_job",
            losing_a_row(
                "validated_extract", "validated_inschrijvingen", f"PEILDATUM = '{peildatum}'"
            ),
            peildatum.isoformat(),
        )
    reconcile = evaluations(result)[("inschrijvingen", "rows_reconcile")]
    assert not reconcile.passed and reconcile.severity == ERROR
    counts = metadata(reconcile)
    assert counts["rows_in_warehouse"] == counts["rows_accepted"] - 1
    assert not result.success


def test_failed_blocking_check_keeps_the_publication(processed: Processed):
    teldatum = "2024-02-01"
    published = processed.folder.published_dir
    before = {p: p.read_bytes() for p in sorted(published.rglob("*")) if p.is_file()}
    warehouse = Warehouse(database=str(processed.folder.warehouse_path))
    with warehouse.get_connection() as con:
        (publications,) = con.execute(f"SELECT count(*) FROM {PUBLICATIONS}").fetchone() or (0,)
    result = run_with_hook(
        processed.folder,
        processed.instance,
        "teldatum_job",
        losing_a_row("rulebook_results", "rb_charged", f"TELDATUM = '{teldatum}'"),
        teldatum,
        {PEILDATUM_TAG: processed.folder.extracts()[0].isoformat()},
    )
    found = evaluations(result)
    accounted = found[("charged_enrolments", "every_special_enrolment_accounted_for")]
    assert not accounted.passed and accounted.severity == ERROR
    counts = metadata(accounted)
    assert counts["active_special_enrolments"] == counts["charged"] + counts["not_charged"] + 1
    # Checks and assets downstream of the failed blocking check do not run.
    assert ("funding_counts", "ten_laste_equals_charged_rows") not in found
    assert not result.success
    materialized = {
        e.materialization.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
    }
    assert "charged_enrolments" in materialized
    assert not materialized & {"dashboard_1b", "dashboard_1a", "stabiliteit"}
    after = {p: p.read_bytes() for p in sorted(published.rglob("*")) if p.is_file()}
    assert after == before
    with warehouse.get_connection() as con:
        assert con.execute(f"SELECT count(*) FROM {PUBLICATIONS}").fetchone() == (publications,)

"""extract_job executed in process on a processed installation: a partition with no work does
nothing, a failing blocking check keeps the publication from happening, a late mutation warns."""

from __future__ import annotations

import shutil
from datetime import date

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.jobs import EXECUTOR
from rod_pipeline.partitions import extract_partitions, register_extract
from rod_pipeline.publish import history
from rod_pipeline_tests.dagster.helpers import (
    PUBLISHED_ASSETS,
    SENSOR,
    Processed,
    deliver,
    only_request,
    published_state,
    settle,
)

ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN


def warehouse_history(folder: DataFolder) -> tuple[list, dict]:
    """Every publication and every processed extract the warehouse remembers."""
    with duckdb.connect(str(folder.warehouse_path), read_only=True) as con:
        return history.all_publications(con), history.extract_records(con)


def run_partition(
    job: dg.JobDefinition, instance: dg.DagsterInstance, peildatum: str
) -> dg.ExecuteInProcessResult:
    register_extract(instance, date.fromisoformat(peildatum))
    return job.execute_in_process(instance=instance, partition_key=peildatum, raise_on_error=False)


def extract_job(folder: DataFolder) -> dg.JobDefinition:
    return build_definitions(folder).resolve_job_def("extract_job")


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        e.materialization.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
    }


def evaluations(
    result: dg.ExecuteInProcessResult,
) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
    }


# 6. A partition whose work another run did already: the run succeeds and changes nothing.


def test_partition_without_work_materialises_nothing(
    processed: Processed, instance: dg.DagsterInstance
):
    folder = processed.folder
    before, remembered = published_state(folder), warehouse_history(folder)
    result = run_partition(extract_job(folder), instance, "2025-01-15")
    assert result.success
    assert materialized(result) == set()
    assert result.get_asset_check_evaluations() == []
    assert [e.step_key for e in result.get_step_success_events()] == ["reference_data"]
    assert {e.step_key for e in result.get_step_skipped_events()} == {
        "raw_extract",
        "validated_extract",
        "rulebook_results",
        "publication",
        "inschrijvingen_rows_reconcile",
        "inschrijvingen_quarantine_rate",
        "tlv_rows_reconcile",
        "tlv_quarantine_rate",
        "charged_enrolments_every_special_enrolment_accounted_for",
        "charged_enrolments_charged_partnerships_known",
        "funding_counts_ten_laste_equals_charged_rows",
        "stabiliteit_no_late_mutation",
    }
    assert published_state(folder) == before
    assert warehouse_history(folder) == remembered


# 7. Checks: a blocking check that fails stops the publication; a late mutation warns.


def losing_a_row(op_name: str, table: str, peildatum: str) -> dg.HookDefinition:
    """Deletes one row of the extract from `table` right after step `op_name` succeeded and
    before its checks run: a stand-in for a bug that loses a row."""

    @dg.success_hook(name=f"lose_a_row_of_{table}", required_resource_keys={"warehouse"})
    def lose_a_row(context: dg.HookContext) -> None:
        if context.op.name != op_name:
            return
        with context.resources.warehouse.get_connection() as con:
            con.execute(
                f"DELETE FROM {table} WHERE rowid = "
                f"(SELECT min(rowid) FROM {table} WHERE PEILDATUM = ?)",
                [peildatum],
            )

    return lose_a_row


def extract_job_with(folder: DataFolder, hook: dg.HookDefinition) -> dg.JobDefinition:
    """extract_job as it is, plus the hook."""
    defs = build_definitions(folder)
    with_bug = dg.define_asset_job(
        "extract_job_with_a_bug",
        selection=dg.AssetSelection.all(),
        partitions_def=extract_partitions,
        executor_def=EXECUTOR,
        hooks={hook},
    )
    return dg.Definitions.merge(defs, dg.Definitions(jobs=[with_bug])).resolve_job_def(
        with_bug.name
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("step", "table", "asset", "check", "not_run"),
    [
        (
            "validated_extract",
            "validated_inschrijvingen",
            "inschrijvingen",
            "rows_reconcile",
            {"charged_enrolments", "funding_counts"},
        ),
        (
            "rulebook_results",
            "rb_charged",
            "charged_enrolments",
            "every_special_enrolment_accounted_for",
            set(),
        ),
    ],
    ids=["rows_reconcile", "every_special_enrolment_accounted_for"],
)
def test_failing_blocking_check_keeps_published_as_it_was(
    processed: Processed,
    instance: dg.DagsterInstance,
    step: str,
    table: str,
    asset: str,
    check: str,
    not_run: set[str],
):
    folder = processed.folder
    deliver(processed.root, "2025-02-15")
    before, remembered = published_state(folder), warehouse_history(folder)
    result = run_partition(
        extract_job_with(folder, losing_a_row(step, table, "2025-02-15")),
        instance,
        "2025-02-15",
    )
    assert not result.success
    failed = evaluations(result)[(asset, check)]
    assert not failed.passed and failed.severity == ERROR
    assert asset in materialized(result), "a failed check does not undo its asset"
    assert not materialized(result) & (PUBLISHED_ASSETS | not_run)
    assert published_state(folder) == before
    assert warehouse_history(folder) == remembered
    # The extract still waits: the next tick asks for it again.
    assert only_request(SENSOR(folder, instance)).partition_key == "2025-02-15"


def drop_one_charged_enrolment(folder: DataFolder, source: str, target: str) -> None:
    """A new extract `target`: `source`'s files without one enrolment charged on 2024-02-01
    (of a pupil with no other enrolment), as if a school deregistered it after the deadline."""
    inbox = folder.inbox_dir
    shutil.copytree(inbox / source, inbox / target)
    charged = {
        str(i)
        for path in (folder.published_dir / "dashboard_1b" / "teldatum=2024-02-01").rglob(
            "*.parquet"
        )
        for i in pq.read_table(path, columns=["INSCHRIJVING_ID"]).column(0).to_pylist()
    }
    enrolments = inbox / target / "inschrijvingen.csv"
    header, *lines = enrolments.read_text(encoding="utf-8").splitlines(keepends=True)
    pupils = [line.split(";")[1] for line in lines]
    gone = next(
        n
        for n, (line, pupil) in enumerate(zip(lines, pupils, strict=True))
        if line.split(";")[0] in charged and pupils.count(pupil) == 1
    )
    enrolments.write_text(header + "".join(lines[:gone] + lines[gone + 1 :]), encoding="utf-8")
    settle(inbox / target)


@pytest.mark.slow
def test_late_mutation_warns_naming_the_teldatum(
    processed: Processed, instance: dg.DagsterInstance
):
    # 2024-03-20 is after the deadline of teldatum 2024-02-01 (2024-03-11).
    folder = processed.folder
    drop_one_charged_enrolment(folder, "2024-03-15", "2024-03-20")
    result = run_partition(extract_job(folder), instance, "2024-03-20")
    assert result.success, "a WARN check does not fail the run"
    assert materialized(result) >= PUBLISHED_ASSETS
    late = evaluations(result)[("stabiliteit", "no_late_mutation")]
    assert not late.passed and late.severity == WARN
    assert late.description == (
        "Funding-relevant changes after the deadline of teldatum 2024-02-01 (1): tell the "
        "partnerships concerned and check whether an objection explains it."
    )

"""`rod-pipeline run`: the same Dagster jobs the UI runs, executed in process, extract by extract.

What is still to do is read from the warehouse, not from a separate bookkeeping: an extract is
done when it was ingested and every teldatum on or before it has a publication at least as new.
A run that died halfway therefore resumes where it stopped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import dagster as dg

from rod_pipeline import publish
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.partitions import PEILDATUM_TAG, register_partitions
from rod_pipeline.resources import Warehouse, warehouse_of
from rod_pipeline.teldata import read_teldata

Echo = Callable[[str], None]

# The CLI prints its own progress; Dagster's step log stays in the instance's event log.
QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass
class RunOutcome:
    processed: list[date] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def dagster_instance(folder: DataFolder) -> dg.DagsterInstance:
    """DAGSTER_HOME when the operator gave one, else an instance inside the data folder."""
    home = os.environ.get("DAGSTER_HOME") or str(folder.state_dir / "dagster")
    Path(home).mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.from_config(home)


def root_cause(error: object) -> str:
    while getattr(error, "cause", None) is not None:
        error = error.cause  # type: ignore[attr-defined]
    return str(getattr(error, "message", error)).strip().splitlines()[-1]


def failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    messages = [
        f"check {e.asset_check_key.name} on {e.asset_key.to_user_string()} failed"
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            messages.append(root_cause(event.step_failure_data.error))
    return messages or ["the run failed (see the Dagster event log)"]


def teldata_to_publish(
    folder: DataFolder, warehouse: Warehouse, peildatum: date, force: bool
) -> list[date]:
    """Teldata on or before the extract that it has not been published for yet.

    A withdrawn publication (rollback) counts as done: only `run --peildatum` (force) publishes
    that extract again. Forced, an extract is published unless a newer one is published now.
    """
    teldata = [d.teldatum for d in read_teldata(folder.reference_dir) if d.teldatum <= peildatum]
    with warehouse.get_connection() as con:
        current = {p.teldatum: p.peildatum for p in publish.latest_publications(con)}
        processed = {
            t: max((p.peildatum for p in publish.publications_of(con, t)), default=None)
            for t in teldata
        }
    if force:
        return [t for t in teldata if current.get(t, peildatum) <= peildatum]
    return [t for t in teldata if (processed[t] or date.min) < peildatum]


def pending_extracts(folder: DataFolder, warehouse: Warehouse) -> list[date]:
    with warehouse.get_connection() as con:
        ingested = set(wh.validated_peildata(con))
    return [
        p
        for p in folder.extracts()
        if p not in ingested or teldata_to_publish(folder, warehouse, p, force=False)
    ]


def run_pending(folder: DataFolder, only: date | None = None, echo: Echo = print) -> RunOutcome:
    # Entering the instance makes it the one Dagster's definitions load against, and closes it.
    with dagster_instance(folder) as instance:
        return _run_pending(folder, instance, only, echo)


def _run_pending(
    folder: DataFolder, instance: dg.DagsterInstance, only: date | None, echo: Echo
) -> RunOutcome:
    defs = build_definitions(folder)
    warehouse = warehouse_of(folder)
    outcome = RunOutcome()
    with warehouse.get_connection() as con:
        repaired = publish.sync_published(con, folder.published_dir)
    if repaired:
        echo(f"repaired the published files of {len(repaired)} teldata left by an earlier run")
    if only is not None:
        if not folder.extract_dir(only).is_dir():
            outcome.failures.append(f"no extract folder {folder.extract_dir(only)}")
            return outcome
        todo = [only]
    else:
        todo = pending_extracts(folder, warehouse)
    if not todo:
        echo("nothing to do: every extract in the inbox has been processed")
    for peildatum in todo:
        if not process_extract(
            defs, instance, folder, warehouse, peildatum, only is not None, echo
        ):
            outcome.failures.append(f"extract {peildatum} failed")
            later = [p for p in todo if p > peildatum]
            if later:
                echo(
                    f"  {len(later)} later extract(s) not processed: "
                    f"fix or remove {peildatum} first"
                )
            break
        outcome.processed.append(peildatum)
    return outcome


def ingest_succeeded(instance: dg.DagsterInstance, peildatum: date) -> bool:
    """Whether the latest ingest run of the extract succeeded."""
    runs = instance.get_run_records(
        dg.RunsFilter(job_name="ingest_job", tags={"dagster/partition": peildatum.isoformat()}),
        limit=1,
    )
    return bool(runs) and runs[0].dagster_run.status == dg.DagsterRunStatus.SUCCESS


def process_extract(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    folder: DataFolder,
    warehouse: Warehouse,
    peildatum: date,
    force: bool,
    echo: Echo,
) -> bool:
    echo(f"extract {peildatum}:")
    # Resuming after an interrupted run: an extract whose last ingest run succeeded (checks
    # included), whose rows are still held and whose input files are unchanged is not read again.
    resume = not force and ingest_succeeded(instance, peildatum)
    if resume:
        with warehouse.get_connection() as con:
            resume = wh.holds_extract(con, peildatum) and wh.inputs_unchanged(con, peildatum)
    if resume:
        echo("  validated already; publishing the teldata still missing")
    else:
        started = time.perf_counter()
        register_partitions(instance, [peildatum], [])
        result = defs.resolve_job_def("ingest_job").execute_in_process(
            instance=instance,
            partition_key=peildatum.isoformat(),
            raise_on_error=False,
            run_config=QUIET,
        )
        if not result.success:
            for message in failure_messages(result):
                echo(f"  FAILED: {message}")
            return False
        seconds = time.perf_counter() - started
        echo(f"  ingest and validate {describe_ingest(result)} ({seconds:.1f} s)")
    teldata = teldata_to_publish(folder, warehouse, peildatum, force)
    if not teldata:
        echo("  no teldatum to publish: each is published from this or a newer extract already")
        return True
    register_partitions(instance, [], teldata)
    for teldatum in teldata:
        started = time.perf_counter()
        result = defs.resolve_job_def("teldatum_job").execute_in_process(
            instance=instance,
            partition_key=teldatum.isoformat(),
            tags={PEILDATUM_TAG: peildatum.isoformat()},
            raise_on_error=False,
            run_config=QUIET,
        )
        if not result.success:
            echo(f"  teldatum {teldatum}: FAILED")
            for message in failure_messages(result):
                echo(f"    {message}")
            return False
        echo(
            f"  teldatum {teldatum}: {describe_publication(result)} "
            f"({time.perf_counter() - started:.1f} s)"
        )
    echo(f"  published to {folder.published_dir}")
    return True


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, object]:
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.asset_key.to_user_string() == asset:
            return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    return {}


def _n(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "?"


def describe_ingest(result: dg.ExecuteInProcessResult) -> str:
    parts = []
    for asset in ("inschrijvingen", "tlv"):
        meta = _metadata(result, asset)
        parts.append(
            f"{asset}: {_n(meta.get('rows_read'))} read, "
            f"{_n(meta.get('rows_quarantined'))} quarantined"
        )
    return "; ".join(parts)


def describe_publication(result: dg.ExecuteInProcessResult) -> str:
    meta = _metadata(result, "stabiliteit")
    changes = [meta.get(k) for k in ("aantal_nieuw", "aantal_gewijzigd", "aantal_vervallen")]
    line = (
        f"{meta.get('status', '?')}, {_n(meta.get('aantal_ten_laste'))} charged, "
        f"{_n(changes[0])} new, {_n(changes[1])} changed, {_n(changes[2])} gone"
    )
    if meta.get("late_mutatie"):
        # Without 1b changes, a late mutation is in the counts or the not-charged list.
        line += ", LATE MUTATION" + ("" if any(changes) else " (counts or not-charged list)")
    return line

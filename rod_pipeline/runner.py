"""`rod-pipeline run`: the planner's work, executed extract by extract as the same Dagster job the
UI runs (in process), while holding the data folder's lock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import dagster as dg

from rod_pipeline import folder_lock, planner
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.errors import ExitCode
from rod_pipeline.instance import dagster_home
from rod_pipeline.partitions import ACCEPT_TAG, REPUBLISH_TAG, register_extract
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.catalog import catalog_points_elsewhere
from rod_pipeline.publish.publication import write_report_into
from rod_pipeline.resources import warehouse_of

Echo = Callable[[str], None]

# The CLI prints its own progress; Dagster's step log stays in the instance's event log.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RunOutcome:
    processed: list[date] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    published_before: str | None = None  # snapshot published/ showed before the run
    published_after: str | None = None
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def current_plan(folder: DataFolder, requested: date | None = None) -> planner.Plan:
    if not folder.warehouse_path.exists():
        return planner.plan(folder, None, requested=requested)
    with wh.connect(folder.warehouse_path, read_only=True) as con:
        return planner.plan(folder, con, requested=requested)


def failure_messages(
    result: dg.ExecuteInProcessResult, folder: DataFolder
) -> tuple[list[str], int]:
    """What failed, in the operator's words (the step's Failure description, or the error), and
    the exit code it asks for (1 unless it says otherwise)."""
    exit_code = 1
    messages = [
        f"check {e.asset_check_key.name} on {e.asset_key.to_user_string()} failed: "
        f"{e.description or 'see the check in the Dagster UI'}"
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            messages.append(data.user_failure_data.description)
            code = data.user_failure_data.metadata.get("exit_code")
            if code is not None:
                exit_code = int(str(code.value))
        elif data.error is not None:
            error = data.error
            while error.cause is not None:
                error = error.cause
            message = error.message.strip().splitlines()[-1]
            if wh.is_damage(error.message, folder.warehouse_path):
                exit_code = ExitCode.DAMAGED_WAREHOUSE
                message += " (the warehouse is damaged: rod-pipeline rebuild --data-dir DIR)"
            messages.append(message)
    return messages or ["the run failed (see the Dagster event log)"], exit_code


def run_pending(
    folder: DataFolder,
    only: date | None = None,
    accept: str | None = None,
    echo: Echo = print,
) -> RunOutcome:
    # Entering the instance makes it the one the definitions load against, and closes it.
    with (
        folder_lock.exclusive(folder.root, "rod-pipeline run", say=echo),
        dg.DagsterInstance.from_config(str(dagster_home(folder, say=echo))) as instance,
    ):
        return _run_pending(folder, instance, only, accept, echo)


def _snapshot_name(folder: DataFolder) -> str | None:
    current = snapshot.current_snapshot(folder.root)
    return current.name if current else None


def _run_pending(
    folder: DataFolder,
    instance: dg.DagsterInstance,
    only: date | None,
    accept: str | None,
    echo: Echo,
) -> RunOutcome:
    outcome = RunOutcome(published_before=_snapshot_name(folder))
    if (
        snapshot.current_snapshot(folder.root)
        and catalog_points_elsewhere(folder.published_dir)
        and _has_history(folder)
    ):
        _repair(folder, echo, "the data folder was copied or moved: its catalog read elsewhere")
    defs = build_definitions(folder)
    job = defs.resolve_job_def("extract_job")
    done: set[date] = set()
    first = True
    while True:
        plan = current_plan(folder, only)
        if first:
            for name in plan.misnamed:
                echo(f"inbox/{name} is not an extract: its name is not a date (YYYY-MM-DD)")
            for name, why in plan.waiting:
                echo(f"inbox/{name} is not complete: {why}")
            if only is not None and only not in {p for p, _ in planner.inbox_folders(folder)[0]}:
                outcome.failures.append(f"no extract folder {folder.extract_dir(only)}")
                break
        work = plan.next
        if work is None or work.peildatum in done:
            if plan.repair:
                _repair(folder, echo, "published/ was behind the warehouse")
            elif first:
                echo(
                    "nothing to do: every extract in the inbox is processed; published/ is current"
                )
            break
        first = False
        echo(f"extract {work.peildatum}: {work.reason}")
        register_extract(instance, work.peildatum)
        started = time.perf_counter()
        tags = {"rod/reason": work.reason}
        if work.republish_withdrawn:
            tags[REPUBLISH_TAG] = "true"
        if accept:
            tags[ACCEPT_TAG] = accept
        result = job.execute_in_process(
            instance=instance,
            partition_key=work.peildatum.isoformat(),
            tags=tags,
            raise_on_error=False,
            run_config=QUIET,
        )
        if not result.success:
            messages, outcome.exit_code = failure_messages(result, folder)
            for message in messages:
                for number, line in enumerate(message.splitlines()):
                    echo(f"  {'FAILED: ' if number == 0 else '  '}{line}")
            outcome.failures.append(f"extract {work.peildatum} failed")
            later = [w.peildatum for w in plan.work if w.peildatum > work.peildatum]
            if later:
                echo(f"  {len(later)} later extract(s) not processed: fix {work.peildatum} first")
            break
        for line in describe(folder, work.peildatum, result.run_id):
            echo(f"  {line}")
        echo(f"  done in {time.perf_counter() - started:.1f} s")
        outcome.processed.append(work.peildatum)
        done.add(work.peildatum)
        if only is not None:
            break
    outcome.published_after = _snapshot_name(folder)
    return outcome


def _has_history(folder: DataFolder) -> bool:
    """Whether the warehouse has publications to show (not one being rebuilt from scratch)."""
    if not folder.warehouse_path.exists():
        return False
    with wh.connect(folder.warehouse_path, read_only=True) as con:
        return history.has_history(con)


def _repair(folder: DataFolder, echo: Echo, why: str) -> None:
    """A new snapshot of what the warehouse holds: after a run that stopped between commit and
    switch, or in a copied or moved folder (whose catalog must read its own files)."""
    with warehouse_of(folder).get_connection() as con:
        built = snapshot.build_snapshot(
            con, folder.root, f"repair-{int(time.time())}", [write_report_into]
        )
    echo(f"{why}: published/ now shows snapshot {built.name}")


def describe(folder: DataFolder, peildatum: date, run_id: str) -> list[str]:
    """Per teldatum what this extract did, from the warehouse (the numbers users will see)."""
    lines = []
    with wh.connect(folder.warehouse_path, read_only=True) as con:
        published = {p.teldatum: p for p in history.all_publications(con) if p.run_id == run_id}
        for publication in sorted(published.values(), key=lambda p: p.teldatum):
            row = history.stabiliteit_of(con, publication.publicatie_id)
            late = ", LATE MUTATION" if row["LATE_MUTATIE"] else ""
            final = ", now final" if publication.finaal else ""
            lines.append(
                f"teldatum {publication.teldatum}: {row['STATUS']}{final}, "
                f"{row['AANTAL_TEN_LASTE']:,} charged, {row['AANTAL_BEKOSTIGINGSRELEVANT']} "
                f"funding-relevant changes{late}"
            )
        for afwijking in history.current_afwijkingen(con):
            if afwijking.peildatum == peildatum:
                made_final = next(
                    p
                    for p in history.all_publications(con)
                    if p.publicatie_id == afwijking.finale_publicatie_id
                )
                lines.append(
                    f"teldatum {afwijking.teldatum}: final since {made_final.peildatum}, not "
                    "republished; differences published as afwijkingen_na_definitief"
                )
    if not lines:
        lines.append("the same content as published: nothing new")
    return lines

"""What the run of an extract partition does, asked of the planner once the run holds the lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from rod_pipeline import planner
from rod_pipeline import warehouse as wh
from rod_pipeline.errors import ExitCode, OperatorError, no_space_error
from rod_pipeline.partitions import REPUBLISH_TAG
from rod_pipeline.resources import DataFolderResource


def peildatum_of(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> date:
    return date.fromisoformat(context.partition_key)


def extract_work(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    con: duckdb.DuckDBPyConnection,
) -> planner.ExtractWork | None:
    """This partition's work, or None when there is none (another run did it already)."""
    peildatum = peildatum_of(context)
    republish = context.run.tags.get(REPUBLISH_TAG) == "true"
    plan = planner.plan(data_folder.folder, con, requested=peildatum if republish else None)
    return next((w for w in plan.work if w.peildatum == peildatum), None)


def teldata_work(
    context: dg.AssetExecutionContext,
    data_folder: DataFolderResource,
    con: duckdb.DuckDBPyConnection,
) -> tuple[planner.ExtractWork, list[planner.TeldatumWork]]:
    """The extract's work and what it does to each teldatum, for the steps after ingest."""
    work = extract_work(context, data_folder, con)
    assert work is not None, "the ingest of this run found work"
    peildatum = peildatum_of(context)
    modes = planner.teldatum_modes(
        con,
        wh.calendar(con, peildatum),
        peildatum,
        work.extract.key,
        context.run.tags.get(REPUBLISH_TAG) == "true",
    )
    return work, modes


def failure(error: OperatorError) -> dg.Failure:
    """The operator's message as the run's failure in the UI, without a stack trace to read;
    the CLI takes its exit code from the metadata."""
    description = error.message + (f"\nWhat to do: {error.hint}" if error.hint else "")
    return dg.Failure(
        description=description, metadata={"exit_code": int(error.exit_code)}, allow_retries=False
    )


def disk_full(error: BaseException) -> bool:
    return no_space_error(error) is not None


def disk_full_failure(folder: Path, published_before: str | None) -> dg.Failure:
    shown = f"snapshot {published_before}" if published_before else "nothing yet"
    return failure(
        OperatorError(
            f"no space left on the disk of {folder} while publishing; published/ was left as it "
            f"was ({shown})",
            hint="free disk space (old snapshots in state/snapshots go after an hour), then run "
            "again: the extract is published then",
            exit_code=ExitCode.NO_SPACE,
        )
    )

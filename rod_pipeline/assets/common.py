"""What the run of an extract partition does, asked of the planner once the run holds the lock."""

from __future__ import annotations

from datetime import date

import dagster as dg
import duckdb

from rod_pipeline import planner
from rod_pipeline.errors import OperatorError
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


def failure(error: OperatorError) -> dg.Failure:
    """The operator's message as the run's failure in the UI, without a stack trace to read."""
    description = error.message + (f"\n\nWhat to do: {error.hint}" if error.hint else "")
    return dg.Failure(description=description, allow_retries=False)

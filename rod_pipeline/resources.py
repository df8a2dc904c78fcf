"""The data folder, its writer lock and the DuckDB warehouse as Dagster resources."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from rod_pipeline import folder_lock, stopped_runs, warehouse
from rod_pipeline.datafolder import DataFolder


class DataFolderResource(dg.ConfigurableResource):
    """The installation's data folder (CONTRACT.md); everything a run reads or writes is in it."""

    data_dir: str
    inbox_settle_seconds: float = 30.0

    @property
    def folder(self) -> DataFolder:
        return DataFolder(Path(self.data_dir).resolve())


class WriterLockResource(dg.ConfigurableResource):
    """Holds the data folder's lock for the whole run, like every writing command does, so a
    run never interleaves with `rod-pipeline run`, a rollback or another run."""

    data_dir: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[WriterLockResource]:
        log = context.log
        say = log.info if log is not None else print
        with folder_lock.exclusive(Path(self.data_dir), "a Dagster run", say=say):
            if context.instance is not None and context.run_id is not None:
                stopped_runs.holding_the_lock(context.instance, context.run_id)
                for run_id in stopped_runs.fail_stopped_runs(
                    context.instance, f"run {context.run_id}"
                ):
                    say(f"run {run_id} was stopped while it held the lock: marked failed")
            yield self


class WarehouseResource(DuckDBResource):
    """The embedded DuckDB warehouse file in the data folder's state/.

    Connections are short and a locked file is waited for; the connection is closed even when
    the step fails, so a failed step never holds the file.
    """

    lock_timeout_seconds: float = 600.0

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout_seconds
        while True:
            try:
                conn = warehouse.connect(Path(self.database), **dict(self.connection_config))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            yield conn
        finally:
            conn.close()


# DuckDB spills to disk beyond this, which keeps a national run within its memory budget.
WAREHOUSE_CONFIG = {"memory_limit": "1GB"}


def warehouse_of(folder: DataFolder) -> WarehouseResource:
    return WarehouseResource(
        database=str(folder.warehouse_path), connection_config=dict(WAREHOUSE_CONFIG)
    )


def build_resources(folder: DataFolder, settle_seconds: float = 0.0) -> dict[str, object]:
    return {
        "data_folder": DataFolderResource(
            data_dir=str(folder.root), inbox_settle_seconds=settle_seconds
        ),
        "writer_lock": WriterLockResource(data_dir=str(folder.root)),
        "warehouse": warehouse_of(folder),
    }

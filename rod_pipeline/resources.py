"""The data folder and the DuckDB warehouse as Dagster resources."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from rod_pipeline.datafolder import DataFolder

# Every step that opens the warehouse is in this Dagster pool; its limit of 1 (dagster.yaml)
# keeps them apart, since DuckDB allows one writing process per file.
WAREHOUSE_POOL = "warehouse"


class DataFolderResource(dg.ConfigurableResource):
    """The installation's data folder (CONTRACT.md); everything a run reads or writes is in it."""

    data_dir: str

    @property
    def folder(self) -> DataFolder:
        return DataFolder(Path(self.data_dir).resolve())


class Warehouse(DuckDBResource):
    """The embedded DuckDB warehouse file in the data folder's state/.

    DuckDB allows one writing process per file, so connections are short and a locked file is
    waited for (a concurrency pool of 1 keeps Dagster's own steps apart); the connection is closed
    even when the step fails, so a failed step never holds the lock.
    """

    lock_timeout_seconds: float = 600.0

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout_seconds
        while True:
            try:
                conn = duckdb.connect(self.database, config=dict(self.connection_config))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            yield conn
        finally:
            conn.close()


def warehouse_of(folder: DataFolder) -> Warehouse:
    # DuckDB spills to disk beyond this, which keeps a national run under 2 GiB in all.
    return Warehouse(database=str(folder.warehouse_path), connection_config={"memory_limit": "1GB"})


def build_resources(folder: DataFolder) -> dict[str, dg.ConfigurableResource]:
    return {
        "data_folder": DataFolderResource(data_dir=str(folder.root)),
        "warehouse": warehouse_of(folder),
    }

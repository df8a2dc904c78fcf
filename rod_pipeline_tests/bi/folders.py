"""Data folders for the BI tests: the real CLI, copies as an operator makes them, reading back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.parquet as pq

from rod_pipeline.publish import datasets
from rod_pipeline.publish.catalog import CATALOG, write_catalog
from rod_pipeline.publish.dictionary import write_datasets_md

CLI_TIMEOUT_S = 600
# The venv's bin folder: the `duckdb` command (duckdb-cli, 1.x) lives there.
VENV_BIN = Path(sys.executable).parent


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "ROD_DATA_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "rod_pipeline.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


def cli_ok(*args: str) -> subprocess.CompletedProcess[str]:
    done = cli(*args)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target


def snapshot_of(root: Path) -> Path:
    return (root / "published").resolve()


def catalog_of(root: Path) -> Path:
    return root / "published" / CATALOG


def publish_docs(root: Path) -> None:
    """What publication writes beside the datasets: the catalog and DATASETS.md."""
    write_catalog(snapshot_of(root), root)
    write_datasets_md(snapshot_of(root))


def query(catalog: Path | str, sql: str) -> list[tuple]:
    con = duckdb.connect(str(catalog), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def catalog_count(catalog: Path | str, view: str) -> int:
    return int(query(catalog, f"SELECT count(*) FROM {view}")[0][0])


def dataset_files(snapshot: Path, dataset: datasets.Dataset) -> list[Path]:
    return sorted((snapshot / dataset.name).rglob("*.parquet"))


def rows_in_files(snapshot: Path, dataset: datasets.Dataset) -> int:
    return sum(pq.read_metadata(path).num_rows for path in dataset_files(snapshot, dataset))


def first_file_with_rows(snapshot: Path, dataset: datasets.Dataset) -> Path:
    return next(p for p in dataset_files(snapshot, dataset) if pq.read_metadata(p).num_rows)


def replace_file(path: Path, table: pyarrow.Table) -> None:
    """Change a file the way publication does: a new file over the old one, never the old one
    in place (snapshots share files as hard links)."""
    temp = path.with_name(f".{path.name}.changed.tmp")
    pq.write_table(table, temp)
    os.replace(temp, path)


# The `duckdb` command (1.x, from the dev extra) that BI users run.
DUCKDB_CLI = shutil.which("duckdb", path=str(VENV_BIN)) or shutil.which("duckdb")

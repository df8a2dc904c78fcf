"""Reading published/ back the ways its users do: pyarrow, DuckDB over the files, the catalog."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rod_pipeline.publish import datasets
from rod_pipeline.publish.history import history_table


def canonical(table: pa.Table, dataset: datasets.Dataset) -> pa.Table:
    """Contract columns and types, rows in one order, no schema metadata: for comparing."""
    table = table.select(dataset.columns).cast(dataset.arrow_schema).replace_schema_metadata(None)
    return table.sort_by([(c, "ascending") for c in dataset.columns]).combine_chunks()


def parquet_files(published_dir: Path, dataset: datasets.Dataset) -> list[Path]:
    return sorted((published_dir / dataset.name).rglob("*.parquet"))


def with_pyarrow(published_dir: Path, dataset: datasets.Dataset) -> pa.Table:
    parts = [pq.read_table(path) for path in parquet_files(published_dir, dataset)]
    if not parts:
        return canonical(dataset.arrow_schema.empty_table(), dataset)
    return canonical(pa.concat_tables(parts), dataset)


def with_duckdb(published_dir: Path, dataset: datasets.Dataset) -> pa.Table:
    """DuckDB over the files with hive partitioning off, as DATASETS.md tells readers: the
    partition columns are in the files (a folder GEEN holds null partnerships)."""
    if not parquet_files(published_dir, dataset):
        return canonical(dataset.arrow_schema.empty_table(), dataset)
    glob = (published_dir / dataset.name).as_posix() + "/" + "*/" * len(dataset.partitioning)
    result = duckdb.sql(
        f"SELECT * FROM read_parquet('{glob}*.parquet', hive_partitioning = false)"
    ).to_arrow_table()
    return canonical(result, dataset)


def with_catalog(published_dir: Path, dataset: datasets.Dataset) -> pa.Table:
    catalog = duckdb.connect(str(published_dir / "catalog.duckdb"), read_only=True)
    try:
        return canonical(catalog.sql(f"SELECT * FROM {dataset.name}").to_arrow_table(), dataset)
    finally:
        catalog.close()


def read_all_ways(published_dir: Path, dataset: datasets.Dataset) -> pa.Table:
    """The dataset as pyarrow reads it, after asserting DuckDB and the catalog read the same."""
    by_pyarrow = with_pyarrow(published_dir, dataset)
    assert with_duckdb(published_dir, dataset).equals(by_pyarrow), dataset.name
    assert with_catalog(published_dir, dataset).equals(by_pyarrow), dataset.name
    return by_pyarrow


def history_rows(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, publication_id: int
) -> pa.Table:
    columns = ", ".join(dataset.columns)
    result = con.sql(
        f"SELECT {columns} FROM {history_table(dataset)} WHERE PUBLICATIE_ID = ?",
        params=[publication_id],
    ).to_arrow_table()
    return canonical(result, dataset)


def published_state(published_dir: Path) -> tuple[str, dict[str, str]]:
    """Where the published/ link points, and the sha256 of every file it shows by path."""
    return os.readlink(published_dir), {
        path.relative_to(published_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(published_dir.rglob("*"))
        if path.is_file()
    }


def assert_matches_manifest(snapshot_dir: Path) -> None:
    """Every file the snapshot's manifest names is there with that sha256, and nothing else."""
    manifest = json.loads((snapshot_dir / "manifest.json").read_text())
    named = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    on_disk = {
        p.relative_to(snapshot_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in snapshot_dir.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert on_disk == named

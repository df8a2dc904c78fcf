"""Every dataset read the ways DATASETS.md tells BI developers (DuckDB's catalog, pyarrow,
pandas, polars, hive partitioning off) gives the same rows, each column once, typed."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow
import pyarrow.dataset as pads
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.bi.folders import catalog_of, dataset_files, snapshot_of

# One worker builds the session's installation (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bi")

Rows = list[tuple[object, ...]]


def canonical(table: pyarrow.Table, dataset: datasets.Dataset) -> Rows:
    """The rows, sorted; after checking each column comes once, in order, with its type."""
    assert table.column_names == dataset.columns
    # Readers differ only in how they lay strings out in memory.
    strings = (pyarrow.large_string(), pyarrow.string_view())
    types = [pyarrow.string() if t in strings else t for t in table.schema.types]
    assert types == [field.type for field in dataset.arrow_schema]
    return sorted((tuple(row.values()) for row in table.to_pylist()), key=repr)


def with_catalog(root: Path, dataset: datasets.Dataset) -> pyarrow.Table:
    con = duckdb.connect(str(catalog_of(root)), read_only=True)
    try:
        return con.sql(f"SELECT * FROM {dataset.name}").to_arrow_table()
    finally:
        con.close()


def with_pyarrow(root: Path, dataset: datasets.Dataset) -> pyarrow.Table:
    return pads.dataset(root / "published" / dataset.name, format="parquet").to_table()


def with_pandas(root: Path, dataset: datasets.Dataset) -> pyarrow.Table:
    frame = pd.read_parquet(
        root / "published" / dataset.name, partitioning=None, dtype_backend="pyarrow"
    )
    return pyarrow.Table.from_pandas(frame, preserve_index=False)


def with_polars(root: Path, dataset: datasets.Dataset) -> pyarrow.Table:
    pattern = str(root / "published" / dataset.name / "**" / "*.parquet")
    return pl.scan_parquet(pattern, hive_partitioning=False).collect().to_arrow()


@pytest.mark.parametrize("dataset", datasets.ALL, ids=lambda d: d.name)
def test_every_reader_returns_the_same_rows(bi_folder: Path, dataset: datasets.Dataset) -> None:
    expected = canonical(with_catalog(bi_folder, dataset), dataset)
    if not dataset_files(snapshot_of(bi_folder), dataset):
        # Nothing to read: the catalog's view is empty (file readers have no file to open).
        assert expected == []
        return
    for reader in (with_pyarrow, with_pandas, with_polars):
        assert canonical(reader(bi_folder, dataset), dataset) == expected, reader.__name__


def test_the_installation_has_rows_to_compare(bi_folder: Path) -> None:
    """Every dataset has rows, but afwijkingen_na_definitief, whose columns are mutaties'."""
    empty = [d.name for d in datasets.ALL if not with_catalog(bi_folder, d).num_rows]
    assert empty in ([], [datasets.AFWIJKINGEN_NA_DEFINITIEF.name])
    assert datasets.AFWIJKINGEN_NA_DEFINITIEF.arrow_schema == datasets.MUTATIES.arrow_schema

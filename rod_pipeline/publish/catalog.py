"""catalog.duckdb: a view per published dataset over its Parquet files, with comments.

Paths are absolute (a relative one would resolve against the BI tool's working directory) and
the file is rewritten on every export, replacing the old one atomically so that a tool holding
the old file open is not disturbed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, files


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _view_query(published_dir: Path, dataset: datasets.Dataset) -> str:
    columns = ", ".join(dataset.columns)
    pattern = "*/" * len(dataset.partitioning) + "*.parquet"
    if not any((published_dir / dataset.name).glob(pattern)):
        # read_parquet fails on a glob without files; an empty dataset is an empty view.
        typed = ", ".join(f"NULL::{kind} AS {name}" for name, kind in dataset.duckdb_types.items())
        return f"SELECT {typed} LIMIT 0"
    hive_types = ", ".join(
        f"{_quote(key)}: {dataset.duckdb_types[column]}" for key, column in dataset.partitioning
    )
    options = (
        f"hive_partitioning = true, hive_types = {{{hive_types}}}"
        if dataset.partitioning
        else "hive_partitioning = false"
    )
    source = _quote((published_dir / dataset.name).as_posix() + "/" + pattern)
    return f"SELECT {columns} FROM read_parquet({source}, {options})"


def write_catalog(published_dir: Path) -> None:
    published_dir = published_dir.resolve()
    with atomic.replacing(published_dir / files.CATALOG) as temp:
        con = duckdb.connect(str(temp))
        try:
            for dataset in datasets.ALL:
                con.execute(f"CREATE VIEW {dataset.name} AS {_view_query(published_dir, dataset)}")
                con.execute(f"COMMENT ON VIEW {dataset.name} IS {_quote(dataset.description)}")
                for column in dataset.columns:
                    description = _quote(dataset.column_description(column))
                    con.execute(f"COMMENT ON COLUMN {dataset.name}.{column} IS {description}")
        finally:
            con.close()

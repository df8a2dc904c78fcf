"""catalog.duckdb: a view per published dataset over the Parquet files of its snapshot, with a
comment on every view and column.

Paths are absolute (a relative one would resolve against the BI tool's working directory), so a
copy of the data folder would silently read the original's files: every view first checks that
the catalog is opened from a path it was written for, and else fails saying what to do. The file
is written in DuckDB 1.1's storage format (DuckDB 2 writes one that 1.x cannot open) to a temp
file that replaces the old one: a snapshot's files are never changed in place.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from rod_pipeline import atomic
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import datasets

CATALOG = "catalog.duckdb"
# The oldest storage format the contract promises readers (CONTRACT.md: DuckDB 1.1 and newer).
STORAGE_VERSION = "v1.1.0"
# One row: the snapshot folder the views read; also what the guard recognises the catalog by.
MARKER = "_rod_catalog"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _opened_as(snapshot_dir: Path, data_root: Path) -> list[str]:
    """The paths DuckDB reports for this catalog when it is where it was written: 1.5 and newer
    report the real path (through the published/ link), 1.1 the absolute path as opened."""
    published = DataFolder(data_root).published_dir / CATALOG
    resolved_root = DataFolder(data_root.resolve()).published_dir / CATALOG
    paths = {snapshot_dir / CATALOG, published.absolute(), resolved_root}
    return sorted(str(path) for path in paths)


def _marker_comment(snapshot_dir: Path) -> str:
    return f"rod-pipeline catalog of {snapshot_dir}"


def _guard(snapshot_dir: Path, data_root: Path) -> str:
    """A condition that is true when every attached copy of this catalog is one it was written
    for, and raises otherwise (so a copy never answers with the original's rows)."""
    allowed = ", ".join(_quote(path) for path in _opened_as(snapshot_dir, data_root))
    message = (
        f"catalog.duckdb was written for the data folder {data_root} and is opened from another "
        "place (copied or moved?), where it would read the original files. Run: rod-pipeline "
        "catalog --data-dir <the folder you copied to>. (DuckDB before 1.5 also needs the "
        "catalog's absolute path.)"
    )
    return (
        f"(SELECT CASE WHEN coalesce(bool_and(d.path IN ({allowed})), false) THEN true "
        f"ELSE error({_quote(message)}) END "
        "FROM duckdb_tables() AS t JOIN duckdb_databases() AS d USING (database_name) "
        f"WHERE t.table_name = {_quote(MARKER)} "
        f"AND t.comment = {_quote(_marker_comment(snapshot_dir))})"
    )


def file_pattern(dataset: datasets.Dataset) -> str:
    """The glob of a dataset's Parquet files below its folder."""
    return "".join(f"{key}=*/" for key, _ in dataset.partitioning) + "*.parquet"


def _view_query(snapshot_dir: Path, dataset: datasets.Dataset, guard: str) -> str:
    pattern = file_pattern(dataset)
    if not any((snapshot_dir / dataset.name).glob(pattern)):
        # read_parquet fails on a glob without files; an empty dataset is an empty view.
        typed = ", ".join(f"NULL::{kind} AS {name}" for name, kind in dataset.duckdb_types.items())
        return f"SELECT {typed} LIMIT 0"
    # Hive partitioning off: the partition columns are in the files, and reading them from the
    # folder names would turn niet_toegerekend's null partnership into 'GEEN'.
    source = _quote((snapshot_dir / dataset.name).as_posix() + "/" + pattern)
    columns = ", ".join(dataset.columns)
    return f"SELECT {columns} FROM read_parquet({source}, hive_partitioning = false) WHERE {guard}"


def _create(con: duckdb.DuckDBPyConnection, snapshot_dir: Path, data_root: Path) -> None:
    con.execute(f"CREATE TABLE {MARKER} AS SELECT {_quote(str(snapshot_dir))} AS snapshot_dir")
    con.execute(f"COMMENT ON TABLE {MARKER} IS {_quote(_marker_comment(snapshot_dir))}")
    guard = _guard(snapshot_dir, data_root)
    for dataset in datasets.ALL:
        con.execute(f"CREATE VIEW {dataset.name} AS {_view_query(snapshot_dir, dataset, guard)}")
        con.execute(f"COMMENT ON VIEW {dataset.name} IS {_quote(dataset.description)}")
        for column in dataset.columns:
            description = _quote(dataset.column_description(column))
            con.execute(f"COMMENT ON COLUMN {dataset.name}.{column} IS {description}")


def write_catalog(snapshot_dir: Path, data_root: Path) -> None:
    """Write snapshot_dir/catalog.duckdb with views over the files in snapshot_dir, for the data
    folder data_root (whose published/ shows snapshot_dir)."""
    snapshot_dir = snapshot_dir.resolve()
    with atomic.replacing(snapshot_dir / CATALOG) as temp:
        con = duckdb.connect()
        try:
            con.execute(f"ATTACH {_quote(str(temp))} AS rod (STORAGE_VERSION '{STORAGE_VERSION}')")
            con.execute("USE rod")
            _create(con, snapshot_dir, data_root)
            con.execute("USE memory")
            con.execute("DETACH rod")
        finally:
            con.close()


def catalog_points_elsewhere(published_dir: Path) -> bool:
    """Whether published_dir/catalog.duckdb reads another folder's files (the data folder was
    copied or moved), or cannot tell (an older catalog, or unreadable). False when it is
    missing."""
    catalog = published_dir / CATALOG
    if not catalog.is_file():
        return False
    try:
        con = duckdb.connect(str(catalog), read_only=True)
        try:
            row = con.execute(f"SELECT snapshot_dir FROM {MARKER}").fetchone()
        finally:
            con.close()
    except duckdb.Error:
        return True
    return row != (str(published_dir.resolve()),)


def rewrite_catalog(published_dir: Path, data_root: Path) -> bool:
    """Rewrite the catalog in the folder published_dir points at when it is missing or points
    elsewhere; returns whether it wrote. Otherwise the file is left as it is, byte for byte;
    so is a data folder that has published nothing yet."""
    if not published_dir.is_dir():
        return False
    if (published_dir / CATALOG).is_file() and not catalog_points_elsewhere(published_dir):
        return False
    write_catalog(published_dir.resolve(), data_root)
    return True

"""catalog.duckdb: a commented view per dataset over its own folder's files, and a guard that
stops a copied or moved catalog from reading another folder's files."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline.publish.catalog import (
    CATALOG,
    catalog_points_elsewhere,
    rewrite_catalog,
    write_catalog,
)
from rod_pipeline_tests.bi.folders import (
    VENV_BIN,
    catalog_count,
    catalog_of,
    first_file_with_rows,
    query,
    replace_file,
    rows_in_files,
    snapshot_of,
)

# One worker builds the session's installation (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bi")

GUARD_ADVICE = "rod-pipeline catalog --data-dir <the folder you copied to>"


def test_run_publishes_a_catalog_that_reads_its_own_snapshot(installation: Path) -> None:
    """As `run` leaves it (not rewritten by these tests): current, and every view reads the
    files of the snapshot published/ points at."""
    published = installation / "published"
    assert published.is_symlink()
    assert not catalog_points_elsewhere(published)
    before = catalog_of(installation).read_bytes()
    assert rewrite_catalog(published, installation) is False
    assert catalog_of(installation).read_bytes() == before
    for dataset in datasets.ALL:
        assert catalog_count(catalog_of(installation), dataset.name) == rows_in_files(
            snapshot_of(installation), dataset
        ), dataset.name


def test_a_view_per_dataset_with_the_registry_columns_types_and_comments(bi_folder: Path) -> None:
    views = dict(query(catalog_of(bi_folder), "SELECT view_name, comment FROM duckdb_views()"))
    columns = query(
        catalog_of(bi_folder),
        "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index",
    )
    for dataset in datasets.ALL:
        assert views[dataset.name] == dataset.description
        assert [(c, t, d) for view, c, t, d in columns if view == dataset.name] == [
            (c, dataset.duckdb_types[c], dataset.column_description(c)) for c in dataset.columns
        ]


@pytest.mark.parametrize("dataset", datasets.ALL, ids=lambda d: d.name)
def test_every_view_reads_every_row_of_its_files(
    bi_folder: Path, dataset: datasets.Dataset
) -> None:
    assert catalog_count(catalog_of(bi_folder), dataset.name) == rows_in_files(
        snapshot_of(bi_folder), dataset
    )


def test_a_null_partnership_stays_null_not_its_folder_name(
    own_copy: Callable[[str], Path],
) -> None:
    """niet_toegerekend keeps rows of a location without a partnership in folder
    samenwerkingsverband=GEEN with the column null; hive partitioning would read 'GEEN'."""
    root = own_copy("geen")
    dataset = datasets.NIET_TOEGEREKEND
    source = first_file_with_rows(snapshot_of(root), dataset)
    table = pq.read_table(source).slice(0, 1)
    table = table.set_column(
        table.schema.get_field_index("SAMENWERKINGSVERBAND"),
        "SAMENWERKINGSVERBAND",
        pyarrow.nulls(1, pyarrow.string()),
    )
    geen = source.parent.with_name(f"samenwerkingsverband={datasets.NULL_FOLDER}")
    geen.mkdir(exist_ok=True)
    replace_file(geen / "part-0.parquet", table)
    write_catalog(snapshot_of(root), root)
    values = query(
        catalog_of(root),
        f"SELECT SAMENWERKINGSVERBAND, count(*) FROM {dataset.name} "
        f"WHERE TELDATUM = (SELECT max(TELDATUM) FROM {dataset.name}) OR "
        "SAMENWERKINGSVERBAND IS NULL GROUP BY ALL",
    )
    assert (None, 1) in values
    assert datasets.NULL_FOLDER not in {code for code, _ in values}


def test_written_in_a_storage_format_duckdb_1_1_opens(bi_folder: Path) -> None:
    """DuckDB's file header: checksum (8 bytes), "DUCK", the storage version number (8 bytes).
    1.0 and 1.1 write 64, which every later DuckDB opens; DuckDB 2 by default writes one that
    1.x refuses. (The 1.x readers themselves are in test_duckdb_versions.)"""
    header = catalog_of(bi_folder).read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64


@pytest.mark.parametrize(
    "opened_as",
    ["link", "snapshot", "relative link", "relative snapshot", "attached relative"],
)
def test_the_guard_lets_the_catalog_be_opened_from_where_it_lies(
    bi_folder: Path, opened_as: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB 2 reports the real path whichever way it is opened (through the published/
    link, the snapshot, relatively): each passes the guard."""
    monkeypatch.chdir(bi_folder)
    snapshot = snapshot_of(bi_folder)
    path = {
        "link": str(catalog_of(bi_folder)),
        "snapshot": str(snapshot / CATALOG),
        "relative link": f"published/{CATALOG}",
        "relative snapshot": str((snapshot / CATALOG).relative_to(bi_folder)),
        "attached relative": f"published/{CATALOG}",
    }[opened_as]
    con = duckdb.connect() if opened_as.startswith("attached") else duckdb.connect(path)
    try:
        prefix = ""
        if opened_as.startswith("attached"):
            con.execute(f"ATTACH '{path}' AS rod (READ_ONLY)")
            prefix = "rod."
        count = con.execute(f"SELECT count(*) FROM {prefix}dashboard_1b").fetchone()
        opened = con.execute("SELECT path FROM duckdb_databases() WHERE path IS NOT NULL")
        assert opened.fetchall() == [(str(snapshot / CATALOG),)]
    finally:
        con.close()
    assert count == (rows_in_files(snapshot, datasets.DASHBOARD_1B),)


def _guarded_error(catalog: Path, cwd: Path) -> str:
    """What opening the catalog from another working directory and reading a view says."""
    done = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-c",
            "import duckdb, sys; "
            "con = duckdb.connect(sys.argv[1], read_only=True); "
            "print(con.execute('SELECT count(*) FROM dashboard_1a').fetchone())",
            str(catalog),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0, done.stdout
    return done.stderr


def test_a_copied_folder_refuses_to_read_the_original_until_rewritten(
    own_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    original = own_copy("original")
    copy = tmp_path / "copy"
    shutil.copytree(original, copy, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    error = _guarded_error(catalog_of(copy), elsewhere)
    assert GUARD_ADVICE in error and str(original) in error
    assert catalog_points_elsewhere(copy / "published")
    assert not catalog_points_elsewhere(original / "published")
    # Both attached in one session: the guard cannot tell whose view is asked, so both fail.
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{catalog_of(original)}' AS original (READ_ONLY)")
        con.execute(f"ATTACH '{catalog_of(copy)}' AS copy (READ_ONLY)")
        with pytest.raises(duckdb.InvalidInputException, match="copied or moved"):
            con.execute("SELECT count(*) FROM original.dashboard_1a").fetchall()
    finally:
        con.close()

    assert rewrite_catalog(copy / "published", copy) is True
    assert not catalog_points_elsewhere(copy / "published")
    # Change the original: the copy's catalog must not see it.
    rows = rows_in_files(snapshot_of(copy), datasets.DASHBOARD_1A)
    changed = first_file_with_rows(snapshot_of(original), datasets.DASHBOARD_1A)
    replace_file(changed, pq.read_table(changed).slice(0, 1))
    assert catalog_count(catalog_of(copy), datasets.DASHBOARD_1A.name) == rows
    assert catalog_count(catalog_of(original), datasets.DASHBOARD_1A.name) < rows


def test_a_moved_folder_fails_until_rewritten(
    own_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    """Moved, the original files are gone: DuckDB fails before the guard, naming the old
    path (DATASETS.md says so); the rewrite makes it read its new place."""
    original = own_copy("before")
    rows = rows_in_files(snapshot_of(original), datasets.DASHBOARD_1A)
    moved = tmp_path / "after"
    original.rename(moved)
    error = _guarded_error(catalog_of(moved), tmp_path)
    assert "No files found that match the pattern" in error and str(original) in error
    assert catalog_points_elsewhere(moved / "published")
    assert rewrite_catalog(moved / "published", moved) is True
    assert catalog_count(catalog_of(moved), datasets.DASHBOARD_1A.name) == rows


def test_rewrite_writes_a_missing_catalog_and_leaves_a_current_one_alone(
    own_copy: Callable[[str], Path],
) -> None:
    root = own_copy("missing")
    published = root / "published"
    catalog_of(root).unlink()
    assert not catalog_points_elsewhere(published)
    assert rewrite_catalog(published, root) is True
    written = catalog_of(root).read_bytes()
    assert rewrite_catalog(published, root) is False
    assert catalog_of(root).read_bytes() == written
    # Nothing but the catalog: no temp file or write-ahead log left beside it.
    assert sorted(p.name for p in snapshot_of(root).iterdir() if "catalog" in p.name) == [CATALOG]


def test_nothing_is_written_before_anything_is_published(tmp_path: Path) -> None:
    assert rewrite_catalog(tmp_path / "published", tmp_path) is False
    assert not (tmp_path / "published").exists()


def test_a_catalog_without_the_record_of_its_folder_is_rewritten(
    own_copy: Callable[[str], Path],
) -> None:
    """An older catalog (or any other DuckDB file) cannot say where it points: rewrite it."""
    root = own_copy("older")
    catalog_of(root).unlink()
    duckdb.connect(str(catalog_of(root))).close()
    assert catalog_points_elsewhere(root / "published")
    assert rewrite_catalog(root / "published", root) is True
    assert catalog_count(catalog_of(root), datasets.STABILITEIT.name) > 0


def test_the_catalog_is_replaced_not_changed_in_place(own_copy: Callable[[str], Path]) -> None:
    """Snapshots share files as hard links: writing must make a new file."""
    root = own_copy("inode")
    inode = catalog_of(root).stat().st_ino
    write_catalog(snapshot_of(root), root)
    assert catalog_of(root).stat().st_ino != inode

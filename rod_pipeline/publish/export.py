"""Publish: write the latest publication of each teldatum from the history to published/.

Every file is replaced atomically (atomic.py), so a reader sees each partition file wholly
from one publication. Order: partition files, removal of partitions the publication no longer
has, stabiliteit, catalog, and manifest.json last; `sync_published` repairs an export that was
killed at any point, or that never ran after a commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, files, history
from rod_pipeline.publish.catalog import write_catalog
from rod_pipeline.publish.manifest import write_manifest

# Partitions hold a few thousand rows; larger tables get row groups BI engines scan in parallel.
ROW_GROUP_SIZE = 128 * 1024
WRITERS = 8


def _write_parquet(path: Path, table: pyarrow.Table, metadata: dict[str, str]) -> None:
    with atomic.replacing(path) as temp:
        pq.write_table(
            table.replace_schema_metadata(metadata),
            temp,
            compression="zstd",
            write_statistics=True,
            row_group_size=ROW_GROUP_SIZE,
        )


def _published_rows(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, publication_id: int
) -> pyarrow.Table:
    return history.dataset_rows(
        con, dataset, history.history_table(dataset), "PUBLICATIE_ID", publication_id
    )


def _partitions(
    published_dir: Path, dataset: datasets.Dataset, teldatum: date, rows: pyarrow.Table
) -> Iterator[tuple[Path, pyarrow.Table]]:
    """(file path, rows) per partition; rows arrive sorted on the partition columns."""
    folder = files.teldatum_folder(published_dir, dataset, teldatum)
    if len(dataset.partitioning) == 1:
        yield folder / files.PART_FILE, rows
        return
    key, column = dataset.partitioning[1]
    counted = pc.value_counts(rows[column])  # in order of appearance, so in sorted order
    offset = 0
    counts: list[int] = counted.field("counts").to_numpy().tolist()
    for value, count in zip(counted.field("values").to_pylist(), counts, strict=True):
        yield folder / f"{key}={value}" / files.PART_FILE, rows.slice(offset, count)
        offset += count


def _expected_files(
    con: duckdb.DuckDBPyConnection, published_dir: Path, publication: history.Publication
) -> dict[Path, int]:
    """The files the publication consists of, each with the publication id it must carry."""
    expected: dict[Path, int] = {}
    for dataset in datasets.PER_TELDATUM:
        folder = files.teldatum_folder(published_dir, dataset, publication.teldatum)
        if len(dataset.partitioning) == 1:
            expected[folder / files.PART_FILE] = publication.publicatie_id
            continue
        key, column = dataset.partitioning[1]
        values = con.execute(
            f"SELECT DISTINCT {column} FROM {history.history_table(dataset)} "
            "WHERE PUBLICATIE_ID = ?",
            [publication.publicatie_id],
        ).fetchall()
        for (value,) in values:
            expected[folder / f"{key}={value}" / files.PART_FILE] = publication.publicatie_id
    return expected


def _export_teldatum(con: duckdb.DuckDBPyConnection, published_dir: Path, teldatum: date) -> None:
    """Write the current publication of the teldatum, then remove partitions it does not have
    (all of them when every publication of the teldatum was withdrawn)."""
    publication = history.latest_publication(con, teldatum)
    for dataset in datasets.PER_TELDATUM:
        folder = files.teldatum_folder(published_dir, dataset, teldatum)
        if publication is None:
            atomic.remove_tree(folder)
            continue
        rows = _published_rows(con, dataset, publication.publicatie_id)
        parts = list(_partitions(published_dir, dataset, teldatum, rows))
        # A partnership's file is small: the time goes to fsync, which waits on the disk and
        # releases the GIL, so the ~150 files of a teldatum are written side by side.
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            list(
                pool.map(
                    lambda item: _write_parquet(
                        item[0], item[1], files.file_metadata(publication, item[1].num_rows)
                    ),
                    parts,
                )
            )
        written = {path.parent for path, _ in parts}
        for stale in set(folder.glob("*=*")) - written:
            atomic.remove_tree(stale)


def _stabiliteit_ids(con: duckdb.DuckDBPyConnection) -> str:
    return ",".join(str(p.publicatie_id) for p in history.publications_not_withdrawn(con))


def _export_stabiliteit(con: duckdb.DuckDBPyConnection, published_dir: Path) -> None:
    """One file, a row per publication not withdrawn; its metadata names the latest one."""
    rows = history.published_stabiliteit(con).cast(datasets.STABILITEIT.arrow_schema)
    path = files.stabiliteit_file(published_dir)
    current = history.latest_publications(con)
    if not current:
        atomic.remove_tree(path.parent)
        return
    latest = max(current, key=lambda publication: publication.publicatie_id)
    metadata = files.file_metadata(
        latest, rows.num_rows, **{files.PUBLICATION_IDS: _stabiliteit_ids(con)}
    )
    _write_parquet(path, rows, metadata)


def export_published(
    con: duckdb.DuckDBPyConnection, published_dir: Path, teldata: Iterable[date] | None = None
) -> list[history.Publication]:
    """Write the files of the current publication of each teldatum in `teldata` (default: every
    teldatum in the history or on disk), then stabiliteit, catalog.duckdb and manifest.json.
    Idempotent. Returns the publications published now, by teldatum."""
    published_dir = Path(published_dir).resolve()
    atomic.make_dirs(published_dir)
    atomic.remove_leftover_temp_files(published_dir)
    if teldata is None:
        teldata = set(history.known_teldata(con)) | files.teldata_on_disk(published_dir)
    for teldatum in sorted(teldata):
        _export_teldatum(con, published_dir, teldatum)
    _export_stabiliteit(con, published_dir)
    write_catalog(published_dir)
    write_manifest(con, published_dir)
    return history.latest_publications(con)


def stale_teldata(con: duckdb.DuckDBPyConnection, published_dir: Path) -> list[date]:
    """Teldata whose files on disk are not exactly the files of their current publication."""
    published_dir = Path(published_dir).resolve()
    current = {
        publication.teldatum: publication for publication in history.latest_publications(con)
    }
    stale = []
    for teldatum in sorted(set(current) | files.teldata_on_disk(published_dir)):
        publication = current.get(teldatum)
        expected = _expected_files(con, published_dir, publication) if publication else {}
        on_disk = {
            path: (files.read_file_metadata(path) or {}).get(files.PUBLICATION_ID)
            for dataset in datasets.PER_TELDATUM
            for path in files.teldatum_files(published_dir, dataset, teldatum)
        }
        if on_disk != {path: str(pid) for path, pid in expected.items()}:
            stale.append(teldatum)
    return stale


def _summary_is_current(con: duckdb.DuckDBPyConnection, published_dir: Path) -> bool:
    """Whether stabiliteit, catalog and manifest describe the current publications."""
    stabiliteit = files.read_file_metadata(files.stabiliteit_file(published_dir)) or {}
    try:
        manifest = json.loads((published_dir / files.MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    listed = {entry["teldatum"]: entry["publication_id"] for entry in manifest.get("teldata", [])}
    current = {p.teldatum.isoformat(): p.publicatie_id for p in history.latest_publications(con)}
    return (
        stabiliteit.get(files.PUBLICATION_IDS, "") == _stabiliteit_ids(con)
        and listed == current
        and (published_dir / files.CATALOG).is_file()
    )


def sync_published(con: duckdb.DuckDBPyConnection, published_dir: Path) -> list[date]:
    """Repair published/ so it holds the warehouse's current publications: re-export every
    teldatum whose files do not (a run killed between commit and export, or during an export),
    and rewrite stabiliteit, catalog and manifest when they are behind. Returns the teldata
    re-exported; a second call right after returns []."""
    published_dir = Path(published_dir).resolve()
    atomic.remove_leftover_temp_files(published_dir)
    stale = stale_teldata(con, published_dir)
    if stale or not _summary_is_current(con, published_dir):
        export_published(con, published_dir, stale)
    return stale

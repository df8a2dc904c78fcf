"""Publish: published/ switches from one complete snapshot to the next in one rename.

`DIR/published` is a relative symlink to `DIR/state/snapshots/NNNNNN/`, a folder that is never
changed once the link points at it. A new snapshot is built beside the current one from the
warehouse history: files whose rows did not change are hard links to the current snapshot's, so
a snapshot costs only what changed. Then one atomic rename of a new link over `published`
switches every dataset at once: a reader sees the whole old or the whole new publication. If
anything fails before the switch, the half-built folder is removed and published/ is as it was.
Old snapshots stay for a grace period, so a reader that is still reading one is not cut off.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.compute as pc
import pyarrow.parquet as pq

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, history
from rod_pipeline.publish.catalog import write_catalog
from rod_pipeline.publish.dictionary import write_datasets_md
from rod_pipeline.publish.manifest import file_entry, files_of, write_manifest

PART_FILE = "part-0.parquet"
MANIFEST = "manifest.json"
INDEX_SUFFIX = ".index.json"
BUILDING_PREFIX = ".building-"
META_PREFIX = "rod_pipeline."
ROW_GROUP_SIZE = 128 * 1024
WRITERS = 4
# A reader may take this long over one query before its snapshot can be pruned.
GRACE_SECONDS = float(os.environ.get("ROD_SNAPSHOT_GRACE_SECONDS", "3600"))
KEEP_SNAPSHOTS = 2

# Extra content of a snapshot that is not a dataset (the partnerships' report): called with the
# new snapshot folder after the datasets are in it.
Extra = Callable[[Path], None]


@dataclass(frozen=True)
class Source:
    """Where a folder of a snapshot comes from; same source, same files (hard-linked)."""

    key: str
    where: str
    params: list


def snapshots_dir(root: Path) -> Path:
    return root / "state" / "snapshots"


def published_link(root: Path) -> Path:
    return root / "published"


def current_snapshot(root: Path) -> Path | None:
    """The snapshot folder published/ points at, if any."""
    link = published_link(root)
    if not link.is_symlink():
        return None
    target = (link.parent / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def _sources(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, date | None], Source]:
    """Per (dataset, teldatum): the rows it holds now, as a warehouse query and a key."""
    sources: dict[tuple[str, date | None], Source] = {}
    own = history.warehouse_id(con)
    latest = history.latest_publications(con)
    for publication in latest:
        teldatum, pid = publication.teldatum, publication.publicatie_id
        for dataset in datasets.ALL:
            if dataset.scope is datasets.Scope.LATEST:
                sources[(dataset.name, teldatum)] = Source(
                    f"{own}:publicatie:{pid}", "PUBLICATIE_ID = ?", [pid]
                )
        ids = [p.publicatie_id for p in history.current_publications(con, teldatum)]
        sources[(datasets.DASHBOARD_1A_HISTORIE.name, teldatum)] = Source(
            f"{own}:publicaties:" + ",".join(map(str, ids)),
            f"PUBLICATIE_ID IN ({','.join(map(str, ids))})",
            [],
        )
    for afwijking in history.current_afwijkingen(con):
        sources[(datasets.AFWIJKINGEN_NA_DEFINITIEF.name, afwijking.teldatum)] = Source(
            f"{own}:afwijking:{afwijking.afwijking_id}",
            "AFWIJKING_ID = ?",
            [afwijking.afwijking_id],
        )
    all_ids = history.current_ids(con)["publicaties"]
    sources[(datasets.STABILITEIT.name, None)] = Source(
        f"{own}:publicaties:" + ",".join(map(str, sorted(all_ids))),
        f"PUBLICATIE_ID IN ({','.join(map(str, all_ids)) or 'NULL'})",
        [],
    )
    return sources


def _partnerships(con: duckdb.DuckDBPyConnection, publicatie_id: int) -> list[str]:
    """Every partnership of the reference the publication was made with: 1a has a pupil-base
    row for each (0 included)."""
    rows = con.execute(
        f"SELECT DISTINCT SAMENWERKINGSVERBAND FROM {history.history_table(datasets.DASHBOARD_1A)} "
        "WHERE PUBLICATIE_ID = ? AND TELLING = 'LEERLINGBASIS' ORDER BY 1",
        [publicatie_id],
    ).fetchall()
    return [row[0] for row in rows]


def _history_table_of(dataset: datasets.Dataset) -> str:
    # dashboard_1a_historie is dashboard_1a's rows of several publications.
    stored = datasets.DASHBOARD_1A if dataset is datasets.DASHBOARD_1A_HISTORIE else dataset
    return history.history_table(stored)


def _split(rows: pyarrow.Table, column: str) -> Iterator[tuple[str | None, pyarrow.Table]]:
    """Rows sorted on `column` (nulls last), cut per value."""
    counted = pc.value_counts(rows[column])  # in order of appearance, so in sorted order
    offset = 0
    counts: list[int] = counted.field("counts").to_numpy().tolist()
    for value, count in zip(counted.field("values").to_pylist(), counts, strict=True):
        yield value, rows.slice(offset, count)
        offset += count


def _file_metadata(dataset: datasets.Dataset, source: Source, rows: int) -> dict[str, str]:
    facts = {"dataset": dataset.name, "source": source.key, "row_count": str(rows)}
    return {META_PREFIX + key: value for key, value in facts.items()}


def _write(path: Path, table: pyarrow.Table, metadata: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table.replace_schema_metadata(metadata),
        path,
        compression="zstd",
        write_statistics=True,
        row_group_size=ROW_GROUP_SIZE,
    )


def _write_folder(
    con: duckdb.DuckDBPyConnection,
    building: Path,
    folder: Path,
    dataset: datasets.Dataset,
    source: Source,
    partnerships: list[str],
    pool: ThreadPoolExecutor,
    entries: dict[str, dict],
) -> list[str]:
    """Write one dataset's files of one teldatum (or stabiliteit); returns the relative paths.
    The rows come from the warehouse in one query; the ~150 small files are written side by
    side (pyarrow releases the GIL while it encodes and writes, hashlib while it hashes), each
    with its manifest entry put in `entries`."""
    rows = history.dataset_rows(
        con, dataset, _history_table_of(dataset), source.where, source.params
    )
    if dataset.per_partnership:
        parts = dict(_split(rows, dataset.partitioning[1][1]))
        # Every partnership gets its folder, so its paths never disappear (CONTRACT).
        for code in partnerships:
            parts.setdefault(code, rows.slice(0, 0))
        key = dataset.partitioning[1][0]
        files = {
            f"{key}={value or datasets.NULL_FOLDER}/{PART_FILE}": part
            for value, part in sorted(
                parts.items(), key=lambda item: (item[0] is None, item[0] or "")
            )
        }
    else:
        files = {PART_FILE: rows}

    def write(item: tuple[str, pyarrow.Table]) -> dict:
        path, part = folder / item[0], item[1]
        _write(path, part, _file_metadata(dataset, source, part.num_rows))
        return file_entry(building, path, part.num_rows)

    for entry in pool.map(write, files.items()):
        entries[entry["path"]] = entry
    return list(files)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another filesystem, or a file that may not be linked (immutable)
        shutil.copy2(source, target)


def _folder_of(snapshot: Path, dataset: datasets.Dataset, teldatum: date | None) -> Path:
    folder = snapshot / dataset.name
    return folder / f"teldatum={teldatum.isoformat()}" if teldatum else folder


def _read_index(snapshot: Path | None) -> dict[str, dict]:
    if snapshot is None:
        return {}
    try:
        return json.loads(Path(str(snapshot) + INDEX_SUFFIX).read_text())
    except (OSError, ValueError):
        return {}


def _next_name(root: Path) -> str:
    numbers = [
        int(p.name) for p in snapshots_dir(root).iterdir() if p.is_dir() and p.name.isdigit()
    ]
    return f"{max(numbers, default=0) + 1:06d}"


def build_snapshot(
    con: duckdb.DuckDBPyConnection, root: Path, run_id: str, extras: Sequence[Extra] = ()
) -> Path:
    """Build a complete snapshot of the warehouse's current publications and switch published/
    to it. Returns the new snapshot folder."""
    root = root.resolve()
    history.ensure_tables(con)
    atomic.make_dirs(snapshots_dir(root))
    remove_unfinished(root)
    previous = current_snapshot(root)
    previous_index = _read_index(previous)
    name = _next_name(root)
    building = snapshots_dir(root) / f"{BUILDING_PREFIX}{name}"
    final = snapshots_dir(root) / name
    index: dict[str, dict] = {}
    entries: dict[str, dict] = {}  # manifest entries of the dataset files, by path
    earlier_entries = files_of(previous)
    try:
        building.mkdir()
        sources = _sources(con)
        latest = {p.teldatum: p for p in history.latest_publications(con)}
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            for (name_, teldatum), source in sorted(
                sources.items(), key=lambda item: (item[0][0], item[0][1] or date.min)
            ):
                dataset = datasets.BY_NAME[name_]
                folder = _folder_of(building, dataset, teldatum)
                relative = folder.relative_to(building).as_posix()
                earlier = previous_index.get(relative)
                if previous is not None and earlier and earlier["source"] == source.key:
                    for file in earlier["files"]:
                        _link_or_copy(previous / relative / file, folder / file)
                        if (entry := earlier_entries.get(f"{relative}/{file}")) is not None:
                            entries[entry["path"]] = entry
                    files = earlier["files"]
                else:
                    partnerships = (
                        _partnerships(con, latest[teldatum].publicatie_id)
                        if teldatum in latest
                        else []
                    )
                    files = _write_folder(
                        con, building, folder, dataset, source, partnerships, pool, entries
                    )
                index[relative] = {"source": source.key, "files": files}
        write_datasets_md(building)
        for extra in extras:
            extra(building)
        # The catalog's views are bound to their files' paths when they are created, so it is
        # written under the snapshot's own name (published/ does not point there yet).
        os.rename(building, final)
        write_catalog(final, root)
        write_manifest(con, final, run_id, entries)
        atomic.fsync_tree(final)  # every file is on disk before the link points at it
        atomic.write_bytes(Path(str(final) + INDEX_SUFFIX), json.dumps(index).encode())
        switch_link(root, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        if current_snapshot(root) != final:
            shutil.rmtree(final, ignore_errors=True)
            Path(str(final) + INDEX_SUFFIX).unlink(missing_ok=True)
        raise
    prune(root)
    return final


def switch_link(root: Path, snapshot: Path) -> None:
    """Point published/ at the snapshot in one atomic rename (a v1 folder is moved aside)."""
    link = published_link(root)
    if link.is_dir() and not link.is_symlink():
        os.rename(link, snapshots_dir(root) / f"{BUILDING_PREFIX}v1-{int(time.time())}")
    temp = root / f".published.{os.getpid()}{atomic.TEMP_SUFFIX}"
    temp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(snapshot, root), temp)
    os.replace(temp, link)
    atomic.fsync(root)


def remove_unfinished(root: Path) -> None:
    """Half-built snapshots of a run that was killed: still `.building-`, or renamed but
    without the manifest that is written last."""
    for leftover in snapshots_dir(root).glob(f"{BUILDING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    current = current_snapshot(root)
    for folder in snapshots_dir(root).iterdir():
        unfinished = not (folder / MANIFEST).is_file()
        if folder.is_dir() and folder.name.isdigit() and folder != current and unfinished:
            shutil.rmtree(folder, ignore_errors=True)


def prune(root: Path, now: float | None = None) -> list[Path]:
    """Remove snapshots older than the grace period, keeping the current one and the one before
    it; returns what was removed."""
    now = time.time() if now is None else now
    current = current_snapshot(root)
    snapshots = sorted(
        (p for p in snapshots_dir(root).iterdir() if p.is_dir() and p.name.isdigit()),
        key=lambda p: p.name,
    )
    keep = set(snapshots[-KEEP_SNAPSHOTS:]) | ({current} if current else set())
    removed = []
    for snapshot in snapshots:
        if snapshot in keep or now - snapshot.stat().st_mtime < GRACE_SECONDS:
            continue
        shutil.rmtree(snapshot, ignore_errors=True)
        Path(str(snapshot) + INDEX_SUFFIX).unlink(missing_ok=True)
        removed.append(snapshot)
    return removed


def published_ids(root: Path) -> dict | None:
    """What published/ shows, from its manifest: publication and afwijking ids per teldatum."""
    snapshot = current_snapshot(root)
    if snapshot is None:
        return None
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest.get("bron")


def is_behind(con: duckdb.DuckDBPyConnection, root: Path) -> bool:
    """Whether published/ does not show the warehouse's current publications (a run that
    committed but could not switch the link, or a rollback)."""
    if not history.has_history(con):
        return False
    return published_ids(root) != history.current_ids(con)

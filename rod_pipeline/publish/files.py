"""Where each published file lives, and what its key-value metadata says about it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from rod_pipeline.publish import datasets
from rod_pipeline.publish.history import Publication

PART_FILE = "part-0.parquet"
MANIFEST = "manifest.json"
CATALOG = "catalog.duckdb"
META_PREFIX = "rod_pipeline."
PUBLICATION_ID = "publication_id"
# Only in stabiliteit, which holds rows of many publications: which ones.
PUBLICATION_IDS = "publication_ids"


def teldatum_folder(published_dir: Path, dataset: datasets.Dataset, teldatum: date) -> Path:
    return published_dir / dataset.name / f"teldatum={teldatum.isoformat()}"


def stabiliteit_file(published_dir: Path) -> Path:
    return published_dir / datasets.STABILITEIT.name / PART_FILE


def teldatum_files(published_dir: Path, dataset: datasets.Dataset, teldatum: date) -> list[Path]:
    """The Parquet files of a teldatum's partition(s) that exist now."""
    depth = len(dataset.partitioning) - 1
    pattern = "*/" * depth + "*.parquet"
    return sorted(teldatum_folder(published_dir, dataset, teldatum).glob(pattern))


def teldata_on_disk(published_dir: Path) -> set[date]:
    found = set()
    for dataset in datasets.PER_TELDATUM:
        for folder in (published_dir / dataset.name).glob("teldatum=*"):
            try:
                found.add(date.fromisoformat(folder.name.removeprefix("teldatum=")))
            except ValueError:
                continue
    return found


def file_metadata(publication: Publication, rows: int, **extra: str) -> dict[str, str]:
    facts = {
        PUBLICATION_ID: str(publication.publicatie_id),
        "teldatum": publication.teldatum.isoformat(),
        "peildatum": publication.peildatum.isoformat(),
        "run_id": publication.run_id,
        "code_version": publication.code_versie,
        "rulebook_version": publication.rulebook_versie,
        "content_hash": publication.inhoud_hash,
        "row_count": str(rows),
        **extra,
    }
    return {META_PREFIX + key: value for key, value in facts.items()}


def read_file_metadata(path: Path) -> dict[str, str] | None:
    """Our key-value metadata of a Parquet file; None when the file cannot be read."""
    try:
        raw = pq.read_metadata(path).metadata or {}
    except (OSError, ValueError):
        return None
    return {
        key.decode()[len(META_PREFIX) :]: value.decode()
        for key, value in raw.items()
        if key.decode().startswith(META_PREFIX)
    }

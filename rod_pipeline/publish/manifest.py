"""manifest.json: what the current publications were made from and what they hold.

Written last in every export, so a manifest always describes files already in place. It holds
file names, counts and hashes only: no pupil numbers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, files, history


def _file_entry(published_dir: Path, path: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(published_dir).as_posix(),
        "rows": pq.read_metadata(path).num_rows,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def _input_files(con: duckdb.DuckDBPyConnection, peildatum: Any) -> list[dict[str, Any]]:
    """The ingest layer's record of the extract's files (absent in a warehouse without it)."""
    if not history.query_value(
        con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'input_files'"
    ):
        return []
    rows = con.execute(
        """SELECT BESTAND, SHA256, RIJEN_GELEZEN, RIJEN_GEACCEPTEERD, RIJEN_GEQUARANTAINEERD
           FROM input_files WHERE PEILDATUM = ? ORDER BY BESTAND""",
        [peildatum],
    ).fetchall()
    keys = ("file", "sha256", "rows_read", "rows_accepted", "rows_quarantined")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def build_manifest(con: duckdb.DuckDBPyConnection, published_dir: Path) -> dict[str, Any]:
    """The manifest for what is in published/ now (the files are read for rows and hashes)."""
    current = history.latest_publications(con)
    status = {row["TELDATUM"]: row["STATUS"] for row in history.latest_stabiliteit(con).to_pylist()}
    teldata = [
        {
            "teldatum": publication.teldatum.isoformat(),
            "publication_id": publication.publicatie_id,
            "peildatum": publication.peildatum.isoformat(),
            "run_id": publication.run_id,
            "status": status.get(publication.teldatum),
            "content_hash": publication.inhoud_hash,
            "files": [
                _file_entry(published_dir, path)
                for dataset in datasets.PER_TELDATUM
                for path in files.teldatum_files(published_dir, dataset, publication.teldatum)
            ],
        }
        for publication in current
    ]
    stabiliteit = files.stabiliteit_file(published_dir)
    manifest: dict[str, Any] = {
        "peildatum": None,
        "run_id": None,
        "code_version": None,
        "rulebook_version": None,
        "published_at": None,
        "input_files": [],
        "teldata": teldata,
        "stabiliteit": _file_entry(published_dir, stabiliteit) if stabiliteit.is_file() else None,
        "catalog": files.CATALOG,
    }
    if current:
        latest = max(current, key=lambda publication: publication.publicatie_id)
        manifest |= {
            "peildatum": latest.peildatum.isoformat(),
            "run_id": latest.run_id,
            "code_version": latest.code_versie,
            "rulebook_version": latest.rulebook_versie,
            "published_at": latest.gepubliceerd_op.isoformat() + "Z",
            "input_files": _input_files(con, latest.peildatum),
        }
    return manifest


def write_manifest(con: duckdb.DuckDBPyConnection, published_dir: Path) -> dict[str, Any]:
    manifest = build_manifest(con, published_dir)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic.write_bytes(published_dir / files.MANIFEST, text.encode())
    return manifest

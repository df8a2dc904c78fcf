"""manifest.json: what a snapshot of published/ was made from and what it holds.

Written last into a snapshot, so it describes files already in place. It holds file names,
counts and hashes only: no pupil numbers. Its fields are documented in DATASETS.md (FIELDS).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

import rod_pipeline
from rod_pipeline import atomic, contract
from rod_pipeline.publish import history

FORMAT_VERSION = 2
MANIFEST = "manifest.json"

# Field -> meaning; DATASETS.md prints this table, so the two cannot drift apart.
FIELDS = {
    "format_version": "version of this manifest's layout (2)",
    "snapshot": "name of the snapshot folder published/ points at (state/snapshots/NAME)",
    "run_id": "the run that made this snapshot (Dagster run id; a CLI run is a Dagster run too)",
    "code_version": "rod-pipeline version of that run",
    "rulebook_version": "version of the rulebook (DOMAIN.md R1-R12, S1-S9) of that run",
    "teldata": "per teldatum: its current publication (publication_id, peildatum, status, "
    "final, run_id, content_hash, input_files with sha256 and rows read/accepted/quarantined, "
    "accepted_gates with the operator's reason) and its afwijkingen after DEFINITIEF",
    "files": "every file of the snapshot but this one: path, rows (Parquet) and sha256",
    "content_hash": "INHOUD_HASH: sha256 over the sorted rows (as JSON) of 1b, 1a and "
    "niet_toegerekend of a publication, so the same content gives the same hash whatever the "
    "file bytes",
    "bron": "publication and afwijking ids shown, for the pipeline's own consistency check",
}


def file_entry(snapshot: Path, path: Path, rows: int | None = None) -> dict[str, Any]:
    """A file's entry in `files`; `rows` of a Parquet file its writer knows already."""
    entry: dict[str, Any] = {"path": path.relative_to(snapshot).as_posix()}
    if path.suffix == ".parquet":
        entry["rows"] = pq.read_metadata(path).num_rows if rows is None else rows
    entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entry


def files_of(snapshot: Path | None) -> dict[str, dict[str, Any]]:
    """The `files` entries of a snapshot's manifest by path (none without a readable one)."""
    if snapshot is None:
        return {}
    try:
        files = json.loads((snapshot / MANIFEST).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        entry["path"]: entry
        for entry in files
        if isinstance(entry, dict)
        and {"path", "sha256"} <= entry.keys()
        and ("rows" in entry or not str(entry["path"]).endswith(".parquet"))
    }


def _input_files(con: duckdb.DuckDBPyConnection, peildatum: Any) -> list[dict[str, Any]]:
    if not history.table_exists(con, "main", "input_files"):
        return []
    rows = con.execute(
        """SELECT BESTAND, SHA256, RIJEN_GELEZEN, RIJEN_GEACCEPTEERD, RIJEN_GEQUARANTAINEERD
           FROM input_files WHERE PEILDATUM = ? ORDER BY BESTAND""",
        [peildatum],
    ).fetchall()
    keys = ("file", "sha256", "rows_read", "rows_accepted", "rows_quarantined")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def _accepted_gates(con: duckdb.DuckDBPyConnection, peildatum: Any) -> list[dict[str, Any]]:
    """Whole-extract checks the operator accepted for this extract, with the reason."""
    return [
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in gate.items()}
        for gate in contract.accepted_gates(con, peildatum)
    ]


def build_manifest(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    run_id: str,
    known: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """`known`: entries of files by path that were made here or linked from another snapshot
    (taken as they are, not read again)."""
    known = known or {}
    afwijkingen = {a.teldatum: a for a in history.current_afwijkingen(con)}
    teldata = []
    for publication in history.latest_publications(con):
        stabiliteit = history.stabiliteit_of(con, publication.publicatie_id)
        afwijking = afwijkingen.get(publication.teldatum)
        teldata.append(
            {
                "teldatum": publication.teldatum.isoformat(),
                "publication_id": publication.publicatie_id,
                "peildatum": publication.peildatum.isoformat(),
                "status": stabiliteit["STATUS"],
                "final": publication.finaal,
                "run_id": publication.run_id,
                "content_hash": publication.inhoud_hash,
                "input_files": _input_files(con, publication.peildatum),
                "accepted_gates": _accepted_gates(con, publication.peildatum),
                "afwijkingen": None
                if afwijking is None
                else {"peildatum": afwijking.peildatum.isoformat(), "id": afwijking.afwijking_id},
            }
        )
    files = sorted(
        (p for p in snapshot.rglob("*") if p.is_file() and p.name != MANIFEST),
        key=lambda p: p.as_posix(),
    )
    return {
        "format_version": FORMAT_VERSION,
        "snapshot": snapshot.name.split("-")[-1],
        "run_id": run_id,
        "code_version": rod_pipeline.__version__,
        "rulebook_version": rod_pipeline.RULEBOOK_VERSION,
        "teldata": teldata,
        "files": [
            known.get(path.relative_to(snapshot).as_posix()) or file_entry(snapshot, path)
            for path in files
        ],
        "bron": history.current_ids(con),
    }


def write_manifest(
    con: duckdb.DuckDBPyConnection,
    snapshot: Path,
    run_id: str,
    known: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    manifest = build_manifest(con, snapshot, run_id, known)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    atomic.write_bytes(snapshot / MANIFEST, text.encode())
    return manifest

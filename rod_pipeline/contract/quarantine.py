"""The quarantine file of a peildatum: rejected rows for the operator (personal data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import atomic
from rod_pipeline.contract.sql import literal

FILE_NAME = "quarantine.parquet"


@dataclass(frozen=True)
class PendingFile:
    """A complete file next to its final name; readers only ever see a complete file."""

    temporary: Path
    final: Path

    def publish(self) -> None:
        os.replace(self.temporary, self.final)
        atomic.fsync(self.final.parent)  # make the rename itself durable

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


def quarantine_path(quarantine_dir: Path, peildatum: date) -> Path:
    return quarantine_dir / f"peildatum={peildatum.isoformat()}" / FILE_NAME


def write_quarantine_file(
    con: duckdb.DuckDBPyConnection, peildatum: date, quarantine_dir: Path
) -> PendingFile:
    """Write the quarantine rows of `peildatum` (zstd Parquet) next to their final place."""
    final = quarantine_path(quarantine_dir, peildatum)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    con.execute(
        f"""COPY (SELECT * FROM quarantine WHERE PEILDATUM = DATE {literal(peildatum.isoformat())}
            ORDER BY BESTAND, REGEL, KOLOM, REGEL_CODE)
        TO {literal(str(temporary))} (FORMAT parquet, COMPRESSION zstd)"""
    )
    atomic.fsync(temporary)
    return PendingFile(temporary, final)

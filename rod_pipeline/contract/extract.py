"""Reading an extract (one inbox folder): inschrijvingen and tlv into raw tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline.contract import models
from rod_pipeline.contract.reports import FileReport
from rod_pipeline.contract.sources import SourceFile, inspect, load_raw, locate
from rod_pipeline.contract.warehouse import ensure_tables

EXTRACT_FILES: dict[str, type[models.ContractModel]] = {
    "inschrijvingen": models.Inschrijvingen,
    "tlv": models.Tlv,
}


def read_extract(
    con: duckdb.DuckDBPyConnection, extract_dir: Path, peildatum: date
) -> dict[str, FileReport]:
    """Read the extract in `extract_dir` into raw_inschrijvingen and raw_tlv (text + BRON_REGEL).

    Both files are checked as a whole before either is read, so a broken file stops the extract
    before anything changes. Records each file (sha256, rows read) in input_files.
    """
    sources = {
        name: inspect(locate(extract_dir, name), model) for name, model in EXTRACT_FILES.items()
    }
    ensure_tables(con)
    reports = {}
    for name, source in sources.items():
        rows = load_raw(con, source, name, EXTRACT_FILES[name], peildatum)
        reports[name] = FileReport(source.bestand, source.path, source.sha256, rows)
        record_input_file(con, peildatum, source, rows)
    return reports


def record_input_file(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    source: SourceFile,
    rows_read: int,
    rows_accepted: int | None = None,
) -> None:
    """One input_files row per (peildatum, file); accepted and quarantined follow validation."""
    con.execute(
        "DELETE FROM input_files WHERE PEILDATUM = $peildatum AND BESTAND = $bestand",
        {"peildatum": peildatum, "bestand": source.bestand},
    )
    quarantined = None if rows_accepted is None else rows_read - rows_accepted
    con.execute(
        "INSERT INTO input_files VALUES ($peildatum, $bestand, $pad, $sha256, $read, $accepted, "
        "$quarantined)",
        {
            "peildatum": peildatum,
            "bestand": source.bestand,
            "pad": str(source.path),
            "sha256": source.sha256,
            "read": rows_read,
            "accepted": rows_accepted,
            "quarantined": quarantined,
        },
    )

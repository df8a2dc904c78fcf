"""Reading an extract (one inbox folder): inschrijvingen and tlv as raw views on the files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import atomic
from rod_pipeline.contract import models
from rod_pipeline.contract.reports import FileReport
from rod_pipeline.contract.sources import inspect, locate, open_raw
from rod_pipeline.contract.tables import ensure_tables

EXTRACT_FILES: dict[str, type[models.ContractModel]] = {
    "inschrijvingen": models.Inschrijvingen,
    "tlv": models.Tlv,
}


def read_extract(
    con: duckdb.DuckDBPyConnection, extract_dir: Path, peildatum: date
) -> dict[str, FileReport]:
    """Make raw_inschrijvingen and raw_tlv views on the extract in `extract_dir` (text +
    BRON_REGEL), reading each file through once to check it as a whole.

    Both headers are checked before either file is read, and both files are read in one
    transaction, so a broken file stops the extract before anything changes. Records each file
    (sha256, rows read) in input_files. The files must stay in place until validate_extract.
    """
    sources = {
        name: inspect(locate(extract_dir, name), model) for name, model in EXTRACT_FILES.items()
    }
    ensure_tables(con)
    reports = {}
    with atomic.transaction(con):
        for name, source in sources.items():
            reports[name] = open_raw(con, source, name, EXTRACT_FILES[name], peildatum)
            record_input_file(con, peildatum, reports[name], source.columns)
    return reports


def record_input_file(
    con: duckdb.DuckDBPyConnection, peildatum: date, report: FileReport, columns: list[str]
) -> None:
    """One input_files row per (peildatum, file), with the file's columns as written (the next
    extract is compared with them); accepted and quarantined follow validation."""
    con.execute(
        "DELETE FROM input_files WHERE PEILDATUM = $peildatum AND BESTAND = $bestand",
        {"peildatum": peildatum, "bestand": report.bestand},
    )
    con.execute(
        """INSERT INTO input_files BY NAME SELECT $peildatum AS PEILDATUM, $bestand AS BESTAND,
            $pad AS PAD, $sha256 AS SHA256, $read AS RIJEN_GELEZEN,
            $accepted::BIGINT AS RIJEN_GEACCEPTEERD, $quarantined::BIGINT AS RIJEN_GEQUARANTAINEERD,
            $columns::VARCHAR[] AS KOLOMMEN""",
        {
            "columns": columns,
            "peildatum": peildatum,
            "bestand": report.bestand,
            "pad": str(report.pad),
            "sha256": report.sha256,
            "read": report.rijen_gelezen,
            "accepted": report.rijen_geaccepteerd,
            "quarantined": report.rijen_gequarantaineerd,
        },
    )

"""Test helper: a data folder with the seed reference data and an extract built from dicts."""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rod_pipeline.contract import (
    ValidationReport,
    load_reference,
    read_extract,
    validate_extract,
)

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_cases"
PEILDATUM = date(2025, 3, 15)
# The reason a test of row rules accepts its extract: one broken row of a few is more than 5%.
FEW_ROWS = "a test extract of a few rows"

# Valid against the seed reference: SO at 00SU00 (PO2202), TLV from PO2304.
INSCHRIJVING: dict[str, str] = {
    "INSCHRIJVING_ID": "NIEUW1",
    "ONDERWIJSNUMMER": "123456794",
    "VESTIGING": "00SU00",
    "ONDERWIJSSOORT": "SO",
    "BEKOSTIGINGSCATEGORIE": "LAAG",
    "POSTCODE_LEERLING": "7692 CD",
    "DATUM_INSCHRIJVING": "1-8-2024",
    "DATUM_UITSCHRIJVING": "",
    "RESIDENTIEEL": "",
    "REGISTRATIEDATUM": "2024-08-01",
}
TLV: dict[str, str] = {
    "TLV_NUMMER": "PO2304-2024-99999",
    "ONDERWIJSNUMMER": "123456794",
    "SWV_CODE": "PO2304",
    "SOORT_TLV": "SO_VSO",
    "BEKOSTIGINGSCATEGORIE": "LAAG",
    "BEGINDATUM": "1-8-2024",
    "EINDDATUM": "31-7-2026",
}


def seed_rows(relative: str) -> list[dict[str, str]]:
    with (SEED / relative).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    """Semicolon-separated; `columns` picks and orders the header (default: the first row's)."""
    header = columns or list(rows[0])
    lines = [";".join(header)] + [";".join(row.get(name, "") for name in header) for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(rows[0])
    table = pa.table({name: [row[name] or None for row in rows] for name in columns})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


@dataclass
class Installation:
    root: Path
    con: duckdb.DuckDBPyConnection

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    @property
    def extract_dir(self) -> Path:
        return self.root / "inbox" / PEILDATUM.isoformat()

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    def write_extract(
        self,
        inschrijvingen: list[dict[str, str]] | None = None,
        tlv: list[dict[str, str]] | None = None,
    ) -> None:
        """The seed extract, or these rows in its place."""
        write_csv(
            self.extract_dir / "inschrijvingen.csv",
            inschrijvingen or seed_rows("inbox/2025-03-15/inschrijvingen.csv"),
        )
        write_csv(self.extract_dir / "tlv.csv", tlv or seed_rows("inbox/2025-03-15/tlv.csv"))

    def run(self, peildatum: date = PEILDATUM, accept: str | None = None) -> ValidationReport:
        load_reference(self.con, self.reference_dir, peildatum)
        read_extract(self.con, self.extract_dir, peildatum)
        return validate_extract(self.con, peildatum, self.quarantine_dir, accept=accept)

    def quarantine(self) -> list[dict[str, Any]]:
        relation = self.con.sql(
            "SELECT BESTAND, REGEL, KOLOM, REGEL_CODE, WAARDE FROM quarantine "
            "ORDER BY BESTAND, REGEL, KOLOM, REGEL_CODE"
        )
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def new_installation(root: Path) -> Installation:
    """Seed reference data (a copy we may change) and a warehouse file; no extract yet."""
    shutil.copytree(SEED / "reference", root / "reference")
    for path in (root / "reference").iterdir():
        path.chmod(0o644)
    return Installation(root, duckdb.connect(str(root / "warehouse.duckdb")))

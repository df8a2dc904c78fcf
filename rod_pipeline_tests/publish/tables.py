"""Hand-built inputs of publishing: the rulebook's three tables, as Arrow."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from rod_pipeline.publish import datasets
from rod_pipeline.publish.stage import CHARGED_COLUMNS, COUNTS_COLUMNS, NIET_TOEGEREKEND_COLUMNS

SEED_CASES = Path(__file__).resolve().parent.parent / "fixtures" / "seed_cases"
SEED_TELDATUM = date(2025, 2, 1)
SEED_PEILDATUM = date(2025, 3, 15)


def _schema(dataset: datasets.Dataset, columns: list[str]) -> pa.Schema:
    return pa.schema([dataset.arrow_schema.field(c) for c in columns])


CHARGED_SCHEMA = _schema(datasets.DASHBOARD_1B, CHARGED_COLUMNS)
COUNTS_SCHEMA = _schema(datasets.DASHBOARD_1A, COUNTS_COLUMNS)
NIET_TOEGEREKEND_SCHEMA = _schema(datasets.NIET_TOEGEREKEND, NIET_TOEGEREKEND_COLUMNS)


def table(schema: pa.Schema, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as dicts; a column left out of a row is null."""
    return pa.Table.from_pylist([{c: row.get(c) for c in schema.names} for row in rows], schema)


def _read_csv(path: Path) -> list[dict[str, Any]]:
    """A fixture file as text; an empty field is null."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: v or None for k, v in r.items()} for r in csv.DictReader(handle, delimiter=";")]


def _as_date(text: str | None) -> date | None:
    if not text:
        return None
    if "-" in text and len(text.split("-")[0]) == 4:
        return date.fromisoformat(text)
    day, month, year = (int(part) for part in text.split("-"))
    return date(year, month, day)


def seed_case_tables() -> tuple[pa.Table, pa.Table, pa.Table]:
    """The users' three example rows (DOMAIN.md) as the rulebook hands them over."""
    names = {
        r["SWV_CODE"]: r["NAAM"]
        for r in _read_csv(SEED_CASES / "reference/samenwerkingsverbanden.csv")
    }
    locations = {
        r["VESTIGING"]: r["NAAM"] for r in _read_csv(SEED_CASES / "reference/vestigingen.csv")
    }
    enrolments = {
        r["INSCHRIJVING_ID"]: r
        for r in _read_csv(SEED_CASES / f"inbox/{SEED_PEILDATUM}/inschrijvingen.csv")
    }
    charged = []
    for row in _read_csv(SEED_CASES / "expected/dashboard_1b.csv"):
        enrolment = enrolments[row["INSCHRIJVING_ID"]]
        charged.append(
            {
                **row,
                "TELDATUM": _as_date(row["TELDATUM"]),
                "SAMENWERKINGSVERBAND_NAAM": names[row["SAMENWERKINGSVERBAND"]],
                "VESTIGING_NAAM": locations[row["VESTIGING"]],
                "DATUM_INSCHRIJVING": _as_date(enrolment["DATUM_INSCHRIJVING"]),
                "DATUM_UITSCHRIJVING": _as_date(enrolment["DATUM_UITSCHRIJVING"]),
                "TLV_BEGINDATUM": _as_date(row["TLV_BEGINDATUM"]),
                "TLV_EINDDATUM": _as_date(row["TLV_EINDDATUM"]),
            }
        )
    counts = [
        {
            **row,
            "TELDATUM": _as_date(row["TELDATUM"]),
            "SAMENWERKINGSVERBAND_NAAM": names[row["SAMENWERKINGSVERBAND"]],
            "AANTAL": int(row["AANTAL"]),
        }
        for row in _read_csv(SEED_CASES / "expected/dashboard_1a.csv")
    ]
    return (
        table(CHARGED_SCHEMA, charged),
        table(NIET_TOEGEREKEND_SCHEMA, []),
        table(COUNTS_SCHEMA, counts),
    )

"""Hand-built inputs of publishing: the rulebook's three tables of one teldatum, as Arrow."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from rod_pipeline.publish import datasets
from rod_pipeline.publish.stage import CHARGED_COLUMNS, COUNTS_COLUMNS, NIET_TOEGEREKEND_COLUMNS
from rod_pipeline.rulebook.calendar import StabilityDates

SEED_CASES = Path(__file__).resolve().parent.parent / "fixtures" / "seed_cases"
SEED_TELDATUM = date(2025, 2, 1)
SEED_PEILDATUM = date(2025, 3, 15)

T = date(2025, 2, 1)
DATES = StabilityDates.for_teldatum(T)  # deadline 2025-03-03, objections end 2025-04-14


def _schema(dataset: datasets.Dataset, columns: list[str]) -> pa.Schema:
    return pa.schema([dataset.arrow_schema.field(c) for c in columns])


CHARGED_SCHEMA = _schema(datasets.DASHBOARD_1B, CHARGED_COLUMNS)
COUNTS_SCHEMA = _schema(datasets.DASHBOARD_1A, COUNTS_COLUMNS)
NIET_TOEGEREKEND_SCHEMA = _schema(datasets.NIET_TOEGEREKEND, NIET_TOEGEREKEND_COLUMNS)


@dataclass(frozen=True)
class Output:
    """What the rulebook hands publishing for one teldatum."""

    charged: pa.Table
    niet_toegerekend: pa.Table
    counts: pa.Table


def table(schema: pa.Schema, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as dicts; a column left out of a row is null."""
    return pa.Table.from_pylist([{c: row.get(c) for c in schema.names} for row in rows], schema)


def output(charged: list[dict], counts: list[dict], niet_toegerekend: list[dict] = ()) -> Output:
    return Output(
        table(CHARGED_SCHEMA, charged),
        table(NIET_TOEGEREKEND_SCHEMA, list(niet_toegerekend)),
        table(COUNTS_SCHEMA, counts),
    )


def enrolment(swv: str, enrolment_id: str, pupil: str, **changes: object) -> dict[str, object]:
    """A charged enrolment of teldatum T (a row of dashboard 1b without PEILDATUM/MUTATIE)."""
    return {
        "TELDATUM": T,
        "SAMENWERKINGSVERBAND": swv,
        "SAMENWERKINGSVERBAND_NAAM": f"SWV {swv}",
        "WIJZE_VAN_BEPALING_SWV": "TLV",
        "ONDERWIJSNUMMER": pupil,
        "INSCHRIJVING_ID": enrolment_id,
        "VESTIGING": "00JH00",
        "VESTIGING_NAAM": "Vlinder",
        "SWV_VESTIGING": "PO2203",
        "ONDERWIJSSOORT": "SO",
        "BEKOSTIGINGSCATEGORIE": "SO_VSO_LAAG",
        "DATUM_INSCHRIJVING": date(2024, 8, 1),
        "TLV_NUMMER": f"{swv}-2024-{enrolment_id}",
        "TLV_BEGINDATUM": date(2024, 8, 1),
        "TLV_GEBRUIKT": "Ja",
        **changes,
    }


def count(swv: str, telling: str, category: str, wijze: str | None, aantal: int) -> dict:
    return {
        "TELDATUM": T,
        "SAMENWERKINGSVERBAND": swv,
        "SAMENWERKINGSVERBAND_NAAM": f"SWV {swv}",
        "TELLING": telling,
        "BEKOSTIGINGSCATEGORIE": category,
        "WIJZE_VAN_BEPALING_SWV": wijze,
        "AANTAL": aantal,
    }


def niet_toegerekend(swv: str | None, enrolment_id: str, pupil: str, reden: str) -> dict:
    return {
        "TELDATUM": T,
        "SAMENWERKINGSVERBAND": swv,
        "INSCHRIJVING_ID": enrolment_id,
        "ONDERWIJSNUMMER": pupil,
        "VESTIGING": "00SU00",
        "ONDERWIJSSOORT": "SO",
        "REDEN": reden,
    }


def _read_csv(path: Path) -> list[dict[str, Any]]:
    """A fixture file as text; an empty field is null."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: v or None for k, v in r.items()} for r in csv.DictReader(handle, delimiter=";")]


def expected_rows(name: str) -> list[dict[str, Any]]:
    """The users' expected rows of a dataset (fixtures/seed_cases/expected/<name>.csv)."""
    return _read_csv(SEED_CASES / "expected" / f"{name}.csv")


def _as_date(text: str | None) -> date | None:
    if not text:
        return None
    if "-" in text and len(text.split("-")[0]) == 4:
        return date.fromisoformat(text)
    day, month, year = (int(part) for part in text.split("-"))
    return date(year, month, day)


def seed_case_output() -> Output:
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
    for row in expected_rows("dashboard_1b"):
        enrolled = enrolments[row["INSCHRIJVING_ID"]]
        charged.append(
            {
                **row,
                "TELDATUM": _as_date(row["TELDATUM"]),
                "SAMENWERKINGSVERBAND_NAAM": names[row["SAMENWERKINGSVERBAND"]],
                "VESTIGING_NAAM": locations[row["VESTIGING"]],
                "DATUM_INSCHRIJVING": _as_date(enrolled["DATUM_INSCHRIJVING"]),
                "DATUM_UITSCHRIJVING": _as_date(enrolled["DATUM_UITSCHRIJVING"]),
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
        for row in expected_rows("dashboard_1a")
    ]
    return output(charged, counts)

"""Builds the rulebook's five relations from lists of dicts, so a test states only what matters.

The reference world (teldatum 1-2-2025):
- locations: BAO 01BA00 (PO0001) and 02BA00 (PO0002); SBO 03SB00 (PO0001); a combined SO/VSO
  location 04SV00 (SO: PO0001, VSO: VO0001, cluster 3); SO 05SO00 (PO0002, cluster 4); VO 06VO00
  (VO0002); cluster 1 SO 07CL00 (PO0001) and cluster 2 VSO 08CL00 (VO0001).
- homes: PC4 1000 -> PO0003/VO0003, 2000 -> PO0004/VO0004, 3000 -> no partnership.
- default enrolment: an SO pupil (LAAG) at 04SV00 living in 1000AA, enrolled since 1-8-2024.
- default TLV: SO_VSO, LAAG, from PO0004, valid 1-8-2024 .. 31-7-2026, for the default pupil.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from rod_pipeline.rulebook import RulebookResult, apply_rulebook

T = date(2025, 2, 1)
DEADLINE = date(2025, 3, 3)
DAY = timedelta(days=1)
PUPIL = "100000001"

Row = Mapping[str, Any]

SAMENWERKINGSVERBANDEN: list[Row] = [
    {"SWV_CODE": code, "NAAM": f"SWV {code}"}
    for code in ["PO0001", "PO0002", "PO0003", "PO0004", "VO0001", "VO0002", "VO0003", "VO0004"]
]


def _location(vestiging: str, soort: str, swv: str | None, cluster: int | None = None) -> Row:
    return {
        "VESTIGING": vestiging,
        "NAAM": f"School {vestiging} {soort}",
        "ONDERWIJSSOORT": soort,
        "CLUSTER": cluster,
        "POSTCODE": "1000AA",
        "SWV_CODE": swv,
    }


VESTIGINGEN: list[Row] = [
    _location("01BA00", "BAO", "PO0001"),
    _location("02BA00", "BAO", "PO0002"),
    _location("03SB00", "SBO", "PO0001"),
    _location("04SV00", "SO", "PO0001", 3),
    _location("04SV00", "VSO", "VO0001", 3),
    _location("05SO00", "SO", "PO0002", 4),
    _location("06VO00", "VO", "VO0002"),
    _location("07CL00", "SO", "PO0001", 1),
    _location("08CL00", "VSO", "VO0001", 2),
]

REGIO_INDELING: list[Row] = [
    {"PC4": "1000", "GEMEENTE": "Een", "PO_SWV": "PO0003", "VO_SWV": "VO0003"},
    {"PC4": "2000", "GEMEENTE": "Twee", "PO_SWV": "PO0004", "VO_SWV": "VO0004"},
    {"PC4": "3000", "GEMEENTE": "Drie", "PO_SWV": None, "VO_SWV": None},
]

DEFAULT_VESTIGING = {
    "BAO": "01BA00",
    "SBO": "03SB00",
    "SO": "04SV00",
    "VSO": "04SV00",
    "VO": "06VO00",
}

_STRING: pa.DataType = pa.string()
_DATE: pa.DataType = pa.date32()
_CLUSTER: pa.DataType = pa.int32()
SCHEMAS = {
    "inschrijvingen": pa.schema(
        {
            "INSCHRIJVING_ID": _STRING,
            "ONDERWIJSNUMMER": _STRING,
            "VESTIGING": _STRING,
            "ONDERWIJSSOORT": _STRING,
            "BEKOSTIGINGSCATEGORIE": _STRING,
            "POSTCODE_LEERLING": _STRING,
            "DATUM_INSCHRIJVING": _DATE,
            "DATUM_UITSCHRIJVING": _DATE,
            "RESIDENTIEEL": _STRING,
            "REGISTRATIEDATUM": _DATE,
        }
    ),
    "tlv": pa.schema(
        {
            "TLV_NUMMER": _STRING,
            "ONDERWIJSNUMMER": _STRING,
            "SWV_CODE": _STRING,
            "SOORT_TLV": _STRING,
            "BEKOSTIGINGSCATEGORIE": _STRING,
            "BEGINDATUM": _DATE,
            "EINDDATUM": _DATE,
        }
    ),
    "vestigingen": pa.schema(
        {
            "VESTIGING": _STRING,
            "NAAM": _STRING,
            "ONDERWIJSSOORT": _STRING,
            "CLUSTER": _CLUSTER,
            "POSTCODE": _STRING,
            "SWV_CODE": _STRING,
        }
    ),
    "regio_indeling": pa.schema(
        {
            "PC4": _STRING,
            "GEMEENTE": _STRING,
            "PO_SWV": _STRING,
            "VO_SWV": _STRING,
        }
    ),
    "samenwerkingsverbanden": pa.schema({"SWV_CODE": _STRING, "NAAM": _STRING}),
}


def enrolment(number: int, given: Row) -> dict[str, Any]:
    soort = given.get("ONDERWIJSSOORT", "SO")
    return {
        "INSCHRIJVING_ID": f"I{number:03d}",
        "ONDERWIJSNUMMER": PUPIL,
        "VESTIGING": DEFAULT_VESTIGING[soort],
        "ONDERWIJSSOORT": soort,
        "BEKOSTIGINGSCATEGORIE": "LAAG" if soort in ("SO", "VSO") else None,
        "POSTCODE_LEERLING": "1000AA",
        "DATUM_INSCHRIJVING": date(2024, 8, 1),
        "DATUM_UITSCHRIJVING": None,
        "RESIDENTIEEL": None,
        "REGISTRATIEDATUM": None,
        **given,
    }


def declaration(number: int, given: Row) -> dict[str, Any]:
    swv = given.get("SWV_CODE") or given.get("TLV_NUMMER", "PO0004")[:6]
    soort = given.get("SOORT_TLV", "SO_VSO")
    return {
        "TLV_NUMMER": f"{swv}-2024-{number}",
        "ONDERWIJSNUMMER": PUPIL,
        "SWV_CODE": swv,
        "SOORT_TLV": soort,
        "BEKOSTIGINGSCATEGORIE": "LAAG" if soort == "SO_VSO" else None,
        "BEGINDATUM": date(2024, 8, 1),
        "EINDDATUM": date(2026, 7, 31),
        **given,
    }


def create_relations(
    con: duckdb.DuckDBPyConnection,
    inschrijvingen: Iterable[Row] = (),
    tlv: Iterable[Row] = (),
    *,
    vestigingen: Iterable[Row] = VESTIGINGEN,
    regio_indeling: Iterable[Row] = REGIO_INDELING,
    samenwerkingsverbanden: Iterable[Row] = SAMENWERKINGSVERBANDEN,
    shuffle_seed: int | None = None,
) -> None:
    """Creates the five tables in `con`; with shuffle_seed, every table's rows in random order."""
    relations: dict[str, list[Row]] = {
        "inschrijvingen": [enrolment(n, row) for n, row in enumerate(inschrijvingen, start=1)],
        "tlv": [declaration(n, row) for n, row in enumerate(tlv, start=1)],
        "vestigingen": list(vestigingen),
        "regio_indeling": list(regio_indeling),
        "samenwerkingsverbanden": list(samenwerkingsverbanden),
    }
    for name, rows in relations.items():
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(rows)
        table = pa.Table.from_pylist(rows, schema=SCHEMAS[name])
        con.from_arrow(table).create(name)


def run_rulebook(
    inschrijvingen: Iterable[Row] = (),
    tlv: Iterable[Row] = (),
    *,
    teldatum: date = T,
    registratiedeadline: date = DEADLINE,
    **reference: Any,
) -> RulebookResult:
    """The rulebook on a fresh in-memory DuckDB holding the given rows."""
    con = duckdb.connect()
    create_relations(con, inschrijvingen, tlv, **reference)
    return apply_rulebook(con, teldatum, registratiedeadline)


def charged(result: RulebookResult) -> dict[str, dict[str, Any]]:
    """Charged rows by INSCHRIJVING_ID."""
    return {row["INSCHRIJVING_ID"]: row for row in result.charged.to_pylist()}


def reasons(result: RulebookResult) -> dict[str, str]:
    """REDEN of the not-charged rows by INSCHRIJVING_ID."""
    return {row["INSCHRIJVING_ID"]: row["REDEN"] for row in result.niet_toegerekend.to_pylist()}


def the_charged_row(result: RulebookResult) -> dict[str, Any]:
    """The one charged row of a single-enrolment test."""
    rows = result.charged.to_pylist()
    assert len(rows) == 1, rows
    return rows[0]

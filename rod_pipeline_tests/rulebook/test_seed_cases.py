"""The users' own example (DOMAIN.md): three pupils on teldatum 1-2-2025."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from rod_pipeline.rulebook import apply_rulebook
from rod_pipeline.rulebook.calendar import default_registration_deadline

SEED_CASES = Path(__file__).parent.parent / "fixtures" / "seed_cases"
TELDATUM = date(2025, 2, 1)

# Test-only loader: DUO's D-M-YYYY dates and '1234 AB' postcodes, as the relations expect them.
_RELATIONS = {
    "inschrijvingen": (
        "inbox/2025-03-15/inschrijvingen.csv",
        """* REPLACE (
            replace(POSTCODE_LEERLING, ' ', '') AS POSTCODE_LEERLING,
            strptime(DATUM_INSCHRIJVING, '%d-%m-%Y')::DATE AS DATUM_INSCHRIJVING,
            strptime(DATUM_UITSCHRIJVING, '%d-%m-%Y')::DATE AS DATUM_UITSCHRIJVING,
            strptime(REGISTRATIEDATUM, '%d-%m-%Y')::DATE AS REGISTRATIEDATUM)""",
    ),
    "tlv": (
        "inbox/2025-03-15/tlv.csv",
        """* REPLACE (
            strptime(BEGINDATUM, '%d-%m-%Y')::DATE AS BEGINDATUM,
            strptime(EINDDATUM, '%d-%m-%Y')::DATE AS EINDDATUM)""",
    ),
    "vestigingen": ("reference/vestigingen.csv", "* REPLACE (CLUSTER::INTEGER AS CLUSTER)"),
    "regio_indeling": ("reference/regio_indeling.csv", "*"),
    "samenwerkingsverbanden": ("reference/samenwerkingsverbanden.csv", "*"),
}


def _read_expected(name: str) -> pa.Table:
    path = SEED_CASES / "expected" / name
    return duckdb.read_csv(path, sep=";", header=True, all_varchar=True).to_arrow_table()


def _as_text(table: pa.Table, columns: list[str]) -> list[dict[str, str | None]]:
    return [
        {column: None if value is None else str(value) for column, value in row.items()}
        for row in table.select(columns).to_pylist()
    ]


@pytest.fixture(scope="module")
def seed_result():
    con = duckdb.connect()
    for relation, (path, columns) in _RELATIONS.items():
        con.execute(
            f"CREATE TABLE {relation} AS SELECT {columns} FROM read_csv("
            f"'{SEED_CASES / path}', delim=';', header=true, all_varchar=true)"
        )
    return apply_rulebook(con, TELDATUM, default_registration_deadline(TELDATUM))


def test_dashboard_1b_matches_the_users_example(seed_result):
    expected = _read_expected("dashboard_1b.csv")
    columns = [c for c in expected.column_names if c in seed_result.charged.column_names]
    assert len(columns) == len(expected.column_names) - 1  # all but MUTATIE
    assert _as_text(seed_result.charged, columns) == _as_text(expected, columns)


def test_dashboard_1a_matches_the_users_example(seed_result):
    expected = _read_expected("dashboard_1a.csv")
    expected = expected.set_column(
        expected.column_names.index("AANTAL"), "AANTAL", pc.cast(expected["AANTAL"], pa.int64())
    ).sort_by(
        [
            (c, "ascending")
            for c in [
                "SAMENWERKINGSVERBAND",
                "TELLING",
                "BEKOSTIGINGSCATEGORIE",
                "WIJZE_VAN_BEPALING_SWV",
            ]
        ]
    )
    columns = expected.column_names
    assert _as_text(seed_result.counts, columns) == _as_text(expected, columns)


def test_the_example_has_no_uncharged_enrolments(seed_result):
    assert seed_result.niet_toegerekend.num_rows == 0

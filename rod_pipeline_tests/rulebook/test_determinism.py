"""Output shape, order and determinism of apply_rulebook, on hand-built and synthetic data."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from rod_pipeline.rulebook import (
    CHARGED_SCHEMA,
    COUNTS_SCHEMA,
    NIET_TOEGEREKEND_SCHEMA,
    apply_rulebook,
)
from rod_pipeline.rulebook.apply import rulebook_queries
from rod_pipeline.rulebook.charge import SELECT_CHARGED
from rod_pipeline.rulebook.counts import SELECT_COUNTS
from rod_pipeline.rulebook.eligibility import SELECT_NIET_TOEGEREKEND
from rod_pipeline_tests.rulebook.national_scale import create_national_relations
from rod_pipeline_tests.rulebook.relations import DAY, DEADLINE, Row, T, create_relations

# Every tie of the rulebook at once: dual enrolments, several valid TLVs, unused TLVs, IJH.
MIXED_ENROLMENTS: list[Row] = [
    {"INSCHRIJVING_ID": "9", "ONDERWIJSNUMMER": "100000001"},
    {"INSCHRIJVING_ID": "10", "ONDERWIJSNUMMER": "100000001", "VESTIGING": "05SO00"},
    {"INSCHRIJVING_ID": "B1", "ONDERWIJSNUMMER": "100000002", "ONDERWIJSSOORT": "VSO"},
    {"INSCHRIJVING_ID": "B2", "ONDERWIJSNUMMER": "100000003", "ONDERWIJSSOORT": "SBO"},
    {"INSCHRIJVING_ID": "C1", "ONDERWIJSNUMMER": "100000004", "RESIDENTIEEL": "IJH"},
    *[
        {
            "INSCHRIJVING_ID": f"P{n}",
            "ONDERWIJSNUMMER": "100000004",
            "ONDERWIJSSOORT": "BAO",
            "VESTIGING": vestiging,
            "DATUM_INSCHRIJVING": date(2020, 8, 1),
            "DATUM_UITSCHRIJVING": date(2024, 7, 31),
        }
        for n, vestiging in [(9, "01BA00"), (10, "02BA00")]
    ],
    {"INSCHRIJVING_ID": "D1", "ONDERWIJSNUMMER": "100000005", "ONDERWIJSSOORT": "BAO"},
    {"INSCHRIJVING_ID": "D2", "ONDERWIJSNUMMER": "100000005", "ONDERWIJSSOORT": "BAO"},
    {"INSCHRIJVING_ID": "E1", "ONDERWIJSNUMMER": "100000006", "RESIDENTIEEL": "GJI"},
]
MIXED_TLVS: list[Row] = [
    {"TLV_NUMMER": "PO0004-2024-9", "ONDERWIJSNUMMER": "100000001"},
    {"TLV_NUMMER": "PO0004-2024-10", "ONDERWIJSNUMMER": "100000001"},
    {"TLV_NUMMER": "VO0004-2023-9", "ONDERWIJSNUMMER": "100000002", "EINDDATUM": T - DAY},
    {"TLV_NUMMER": "VO0004-2023-10", "ONDERWIJSNUMMER": "100000002", "EINDDATUM": T - DAY},
    {
        "TLV_NUMMER": "PO0002-2025-9",
        "ONDERWIJSNUMMER": "100000003",
        "SOORT_TLV": "SBO",
        "BEGINDATUM": T + DAY,
    },
    {
        "TLV_NUMMER": "PO0002-2025-10",
        "ONDERWIJSNUMMER": "100000003",
        "SOORT_TLV": "SBO",
        "BEGINDATUM": T + DAY,
    },
]


def _mixed_result(shuffle_seed):
    con = duckdb.connect()
    create_relations(con, MIXED_ENROLMENTS, MIXED_TLVS, shuffle_seed=shuffle_seed)
    return apply_rulebook(con, T, DEADLINE)


def test_rulebook_sql_yields_the_published_columns_and_types_before_any_cast():
    """The rulebook's own queries (not the casts that fix the schema afterwards) give the
    published columns in order with their types, so a cast can never hide a missing or
    mistyped column."""
    con = duckdb.connect()
    create_relations(con, MIXED_ENROLMENTS, MIXED_TLVS, shuffle_seed=None)
    duckdb_types = {pa.string(): "VARCHAR", pa.date32(): "DATE", pa.int64(): "BIGINT"}
    raw = {
        "charged": (SELECT_CHARGED, CHARGED_SCHEMA, {}),
        "niet_toegerekend": (SELECT_NIET_TOEGEREKEND, NIET_TOEGEREKEND_SCHEMA, {"teldatum": T}),
        "counts": (SELECT_COUNTS, COUNTS_SCHEMA, {"teldatum": T, "registratiedeadline": DEADLINE}),
    }
    with rulebook_queries(con, T, DEADLINE):
        for name, (sql, schema, params) in raw.items():
            relation = con.sql(sql, params=params)
            described = list(zip(relation.columns, map(str, relation.types), strict=True))
            expected = [(f.name, duckdb_types[f.type]) for f in schema]
            assert described == expected, name


def test_charged_rows_are_sorted_by_partnership_and_id():
    keys = [
        (row["SAMENWERKINGSVERBAND"], row["INSCHRIJVING_ID"])
        for row in _mixed_result(None).charged.to_pylist()
    ]
    assert keys == sorted(keys)
    assert len(keys) == 4


@pytest.mark.parametrize("shuffle_seed", [1, 2, 3, 4, 5])
def test_input_row_order_does_not_matter(shuffle_seed):
    in_order = _mixed_result(None)
    shuffled = _mixed_result(shuffle_seed)
    assert shuffled.charged.equals(in_order.charged)
    assert shuffled.niet_toegerekend.equals(in_order.niet_toegerekend)
    assert shuffled.counts.equals(in_order.counts)


def test_the_connection_is_left_as_it_was_and_extra_columns_are_ignored():
    con = duckdb.connect()
    create_relations(con, MIXED_ENROLMENTS, MIXED_TLVS)
    for relation in ["inschrijvingen", "tlv"]:
        con.execute(
            f"ALTER TABLE {relation} ADD COLUMN PEILDATUM DATE DEFAULT DATE '2025-03-15'; "
            f"ALTER TABLE {relation} ADD COLUMN BRON_REGEL BIGINT DEFAULT 2"
        )
    catalog = (
        "SELECT table_name FROM duckdb_tables() "
        "UNION ALL SELECT function_name FROM duckdb_functions() WHERE NOT internal"
    )
    before = sorted(con.sql(catalog).fetchall())
    first = apply_rulebook(con, T, DEADLINE)
    assert sorted(con.sql(catalog).fetchall()) == before
    assert apply_rulebook(con, T, DEADLINE).charged.equals(first.charged)


@pytest.fixture(scope="module")
def synthetic():
    con = duckdb.connect()
    create_national_relations(con, 100_000)
    return con, apply_rulebook(con, T, DEADLINE)


def test_every_active_special_enrolment_is_charged_or_listed_once(synthetic):
    con, result = synthetic
    active_special = con.sql(
        "SELECT INSCHRIJVING_ID FROM inschrijvingen "
        "WHERE ONDERWIJSSOORT IN ('SBO', 'SO', 'VSO') AND DATUM_INSCHRIJVING <= $t "
        "AND (DATUM_UITSCHRIJVING IS NULL OR DATUM_UITSCHRIJVING >= $t)",
        params={"t": T},
    ).fetchall()
    seen = result.charged["INSCHRIJVING_ID"].to_pylist()
    seen += result.niet_toegerekend["INSCHRIJVING_ID"].to_pylist()
    assert sorted(seen) == sorted(row[0] for row in active_special)
    assert result.charged.num_rows > 1000
    assert set(result.niet_toegerekend["REDEN"].to_pylist()) == {
        "CLUSTER_1_2",
        "GESLOTEN_PLAATSING",
        "NA_REGISTRATIEDEADLINE",
        "DUBBELE_INSCHRIJVING",
    }


def test_ten_laste_adds_up_to_the_charged_rows(synthetic):
    _, result = synthetic
    counts = result.counts.to_pylist()
    assert (
        sum(r["AANTAL"] for r in counts if r["TELLING"] == "TEN_LASTE") == result.charged.num_rows
    )
    assert {r["WIJZE_VAN_BEPALING_SWV"] for r in counts} == {
        "TLV",
        "Vorige school",
        "Woonplaats leerling",
        "Vestiging",
        None,
    }
    assert all(r["AANTAL"] > 0 for r in counts if r["TELLING"] == "TEN_LASTE")

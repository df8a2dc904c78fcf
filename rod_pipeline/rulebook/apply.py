"""apply_rulebook: R1-R12 of DOMAIN.md for one teldatum, in DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import pyarrow as pa

from rod_pipeline.rulebook.charge import CREATE_CHARGED, SELECT_CHARGED
from rod_pipeline.rulebook.counts import SELECT_COUNTS
from rod_pipeline.rulebook.eligibility import (
    CREATE_ACTIVE_ENROLMENTS,
    CREATE_ONDERWIJSSOORTEN,
    CREATE_SPECIAL_ENROLMENTS,
    SELECT_NIET_TOEGEREKEND,
)
from rod_pipeline.rulebook.result import (
    CHARGED_SCHEMA,
    COUNTS_SCHEMA,
    NIET_TOEGEREKEND_SCHEMA,
    RulebookResult,
)

# The intermediate steps live in the connection's temp schema only while the rulebook runs.
_CLEAN_UP = """
DROP TABLE IF EXISTS temp.rulebook_charged;
DROP TABLE IF EXISTS temp.rulebook_special_enrolments;
DROP MACRO TABLE IF EXISTS temp.rulebook_active_enrolments;
DROP TABLE IF EXISTS temp.rulebook_onderwijssoorten;
"""

# The three results: their query and the Arrow schema that fixes their columns and types.
SCHEMAS = {
    "charged": CHARGED_SCHEMA,
    "niet_toegerekend": NIET_TOEGEREKEND_SCHEMA,
    "counts": COUNTS_SCHEMA,
}
_DUCKDB_TYPES = {pa.string(): "VARCHAR", pa.date32(): "DATE", pa.int64(): "BIGINT"}


@contextmanager
def rulebook_queries(
    con: duckdb.DuckDBPyConnection, teldatum: date, registratiedeadline: date
) -> Iterator[dict[str, tuple[str, dict[str, date]]]]:
    """While open: the three result queries of the rulebook on T with their parameters, each
    giving its schema's columns and types. Reads the relations inschrijvingen, tlv, vestigingen,
    regio_indeling and samenwerkingsverbanden (validated rows of one extract)."""
    dates = {"teldatum": teldatum, "registratiedeadline": registratiedeadline}
    try:
        con.execute(CREATE_ONDERWIJSSOORTEN)
        con.execute(CREATE_ACTIVE_ENROLMENTS)
        con.execute(CREATE_SPECIAL_ENROLMENTS, dates)
        con.execute(CREATE_CHARGED, {"teldatum": teldatum})
        yield {
            name: (_typed(sql, SCHEMAS[name]), params)
            for name, sql, params in (
                ("charged", SELECT_CHARGED, {}),
                ("niet_toegerekend", SELECT_NIET_TOEGEREKEND, {"teldatum": teldatum}),
                ("counts", SELECT_COUNTS, dates),
            )
        }
    finally:
        con.execute(_CLEAN_UP)


def result_columns(name: str) -> str:
    """The columns of result `name` with their DuckDB types, for a table that holds it."""
    return ", ".join(f"{f.name} {_DUCKDB_TYPES[f.type]}" for f in SCHEMAS[name])


def _typed(sql: str, schema: pa.Schema) -> str:
    casts = ", ".join(f"CAST({f.name} AS {_DUCKDB_TYPES[f.type]}) AS {f.name}" for f in schema)
    return f"SELECT {casts} FROM ({sql})"


def apply_rulebook(
    con: duckdb.DuckDBPyConnection, teldatum: date, registratiedeadline: date
) -> RulebookResult:
    """Charged enrolments (1b), not-charged ones with their reason, and the counts (1a) on T,
    as Arrow tables (for tests and tools; the pipeline keeps them in the warehouse)."""
    with rulebook_queries(con, teldatum, registratiedeadline) as queries:
        tables = {
            name: con.sql(sql, params=params).to_arrow_table().cast(SCHEMAS[name])
            for name, (sql, params) in queries.items()
        }
    return RulebookResult(**tables)

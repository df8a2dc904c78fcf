"""apply_rulebook: R1-R12 of DOMAIN.md for one teldatum, in DuckDB."""

from __future__ import annotations

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


def apply_rulebook(
    con: duckdb.DuckDBPyConnection, teldatum: date, registratiedeadline: date
) -> RulebookResult:
    """Charged enrolments (1b), not-charged ones with their reason, and the counts (1a) on T.

    Reads the relations inschrijvingen, tlv, vestigingen, regio_indeling and
    samenwerkingsverbanden from `con` (validated rows of one extract).
    """
    dates = {"teldatum": teldatum, "registratiedeadline": registratiedeadline}
    try:
        con.execute(CREATE_ONDERWIJSSOORTEN)
        con.execute(CREATE_ACTIVE_ENROLMENTS)
        con.execute(CREATE_SPECIAL_ENROLMENTS, dates)
        con.execute(CREATE_CHARGED, {"teldatum": teldatum})
        return RulebookResult(
            charged=_fetch(con, SELECT_CHARGED, {}, CHARGED_SCHEMA),
            niet_toegerekend=_fetch(
                con, SELECT_NIET_TOEGEREKEND, {"teldatum": teldatum}, NIET_TOEGEREKEND_SCHEMA
            ),
            counts=_fetch(con, SELECT_COUNTS, dates, COUNTS_SCHEMA),
        )
    finally:
        con.execute(_CLEAN_UP)


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, date], schema: pa.Schema
) -> pa.Table:
    return con.sql(sql, params=params).to_arrow_table().cast(schema)

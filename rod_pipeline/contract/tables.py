"""The warehouse tables this package writes, with their exact types (the rulebook relies on them).

Every table holds many peildata; loading a peildatum replaces its rows and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb

# Text that is (nearly) unique per row is stored uncompressed: DuckDB's string compression
# of such columns made writing a national extract's 5.6M validated rows 2.6x slower (13.6 s
# against 5.2 s, measured for issue 15) to store them in 150 MiB instead of 238 MiB.
_ROW_UNIQUE = "VARCHAR USING COMPRESSION uncompressed"

TABLES: dict[str, str] = {
    "validated_inschrijvingen": f"""PEILDATUM DATE, BRON_REGEL BIGINT,
        INSCHRIJVING_ID {_ROW_UNIQUE}, ONDERWIJSNUMMER {_ROW_UNIQUE}, VESTIGING VARCHAR,
        ONDERWIJSSOORT VARCHAR, BEKOSTIGINGSCATEGORIE VARCHAR, POSTCODE_LEERLING {_ROW_UNIQUE},
        DATUM_INSCHRIJVING DATE, DATUM_UITSCHRIJVING DATE, RESIDENTIEEL VARCHAR,
        REGISTRATIEDATUM DATE""",
    "validated_tlv": f"""PEILDATUM DATE, BRON_REGEL BIGINT, TLV_NUMMER {_ROW_UNIQUE},
        ONDERWIJSNUMMER {_ROW_UNIQUE}, SWV_CODE VARCHAR, SOORT_TLV VARCHAR,
        BEKOSTIGINGSCATEGORIE VARCHAR, BEGINDATUM DATE, EINDDATUM DATE""",
    "ref_samenwerkingsverbanden": "PEILDATUM DATE, SWV_CODE VARCHAR, NAAM VARCHAR",
    "ref_regio_indeling": """PEILDATUM DATE, PC4 VARCHAR, GEMEENTE VARCHAR, PO_SWV VARCHAR,
        VO_SWV VARCHAR""",
    "ref_vestigingen": """PEILDATUM DATE, VESTIGING VARCHAR, NAAM VARCHAR, ONDERWIJSSOORT VARCHAR,
        CLUSTER INTEGER, POSTCODE VARCHAR, SWV_CODE VARCHAR""",
    "ref_teldata": """PEILDATUM DATE, TELDATUM DATE, REGISTRATIEDEADLINE DATE,
        EINDE_BEZWAARTERMIJN DATE""",
    "quarantine": """PEILDATUM DATE, BESTAND VARCHAR, REGEL BIGINT, KOLOM VARCHAR,
        REGEL_CODE VARCHAR, OMSCHRIJVING VARCHAR, WAARDE VARCHAR""",
    "input_files": """PEILDATUM DATE, BESTAND VARCHAR, PAD VARCHAR, SHA256 VARCHAR,
        RIJEN_GELEZEN BIGINT, RIJEN_GEACCEPTEERD BIGINT, RIJEN_GEQUARANTAINEERD BIGINT,
        KOLOMMEN VARCHAR[]""",
    # Whole-extract gates an operator accepted (gates.py), with the reason they gave.
    "extract_acceptances": """PEILDATUM DATE, BESTAND VARCHAR, POORT VARCHAR, DETAIL VARCHAR,
        REDEN VARCHAR, GEACCEPTEERD_OP TIMESTAMP WITH TIME ZONE""",
}

# Columns added since a table was first made: a warehouse of then gets them (empty).
_ADDED_COLUMNS: dict[str, list[str]] = {"input_files": ["KOLOMMEN VARCHAR[]"]}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    for name, added in _ADDED_COLUMNS.items():
        present = {
            row[0]
            for row in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = $table "
                "AND schema_name = current_schema()",
                {"table": name},
            ).fetchall()
        }
        for column in added:
            if column.split()[0] not in present:
                con.execute(f"ALTER TABLE {name} ADD COLUMN {column}")


def replace_rows(
    con: duckdb.DuckDBPyConnection, table: str, peildatum: date, select_sql: str
) -> None:
    """Replace the rows of `peildatum` in `table` by `select_sql` (matched by column name).

    `select_sql` may use the parameter `$peildatum`.
    """
    con.execute(f"DELETE FROM {table} WHERE PEILDATUM = $peildatum", {"peildatum": peildatum})
    insert = f"INSERT INTO {table} BY NAME {select_sql}"
    if "$peildatum" in select_sql:
        con.execute(insert, {"peildatum": peildatum})
    else:
        con.execute(insert)


@contextmanager
def row_order(con: duckdb.DuckDBPyConnection, *, preserve: bool) -> Iterator[None]:
    """Have DuckDB keep the rows' order when writing a table, or not (faster)."""
    found = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    assert found is not None
    con.execute(f"SET preserve_insertion_order = {preserve}")
    try:
        yield
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(found[0])}")

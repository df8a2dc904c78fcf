"""Checking a raw input file against its model: every rule in one DuckDB pass.

DuckDB reads the raw view once into `file_rows_<name>`, trimming every field and parsing the
dates (`checked_<name>` adds each row's line). Then one query judges every row by every rule of
the model: the value rules translated from the Pandera checks (predicates.py), and the rule
columns' own SQL (joins with the reference data, uniqueness, comparisons of two columns).
Every failing (row, rule) becomes a row of `failures_<name>`: BRON_REGEL, KOLOM, REGEL_CODE.
"""

from __future__ import annotations

from datetime import date

import duckdb

from rod_pipeline.contract import lines, models, predicates
from rod_pipeline.contract.sources import raw_view, shifts_table
from rod_pipeline.contract.sql import literal, plausible_date, read_date, trimmed
from rod_pipeline.contract.tables import row_order


def checked_table(name: str) -> str:
    """Trimmed file columns and parsed_<date column>, per BRON_REGEL."""
    return f"checked_{name}"


def failures_table(name: str) -> str:
    return f"failures_{name}"


def failed_rows(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """SQL of the rows of checked_<name> that break a rule. Rows in file order are fetched by
    their rowid (a scan of every row to find their line costs 5x more)."""
    rows, failures = f"file_rows_{name}", failures_table(name)
    if shifts_table(con, name) is not None:
        return (
            f"SELECT * FROM {checked_table(name)} "
            f"WHERE BRON_REGEL IN (SELECT BRON_REGEL FROM {failures})"
        )
    found = con.execute(f"SELECT min(rowid) FROM {rows}").fetchone()
    base = int(found[0]) if found and found[0] is not None else 0
    return (
        f"SELECT rowid - {base} + 2 AS BRON_REGEL, * FROM {rows} "
        f"WHERE rowid IN (SELECT BRON_REGEL - 2 + {base} FROM {failures})"
    )


def check_file(
    con: duckdb.DuckDBPyConnection,
    name: str,
    model: type[models.ContractModel],
    peildatum: date,
) -> int:
    """Fill checked_<name> and failures_<name> (temporary); returns the number of failures."""
    rules = predicates.rules(model)  # a rule that cannot be translated fails before any work
    _prepare(con, name, model, peildatum)
    _check_types(con, name, model)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {failures_table(name)} "
        "(BRON_REGEL BIGINT, KOLOM VARCHAR, REGEL_CODE VARCHAR)"
    )
    _add_failures(con, name, rules, peildatum)
    found = con.execute(f"SELECT count(*) FROM {failures_table(name)}").fetchone()
    assert found is not None
    return int(found[0])


def _prepare(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel], peildatum: date
) -> None:
    """Read raw_<name> once: trimmed text and every date parsed once (read_<date column>).

    When every row is on the next line, rows are stored in file order and a row's rowid gives
    its line: numbering them with a window would run single-threaded (about 5 s for 5.6M
    rows). Otherwise the raw view numbers them itself.
    """
    columns = models.file_columns(model)
    text = ", ".join(f"{trimmed(column)} AS {column}" for column in columns)
    dates = models.date_columns(model)
    read = "".join(f", {read_date(column)} AS read_{column}" for column in dates)
    parsed = [f"{plausible_date(f'read_{column}')} AS parsed_{column}" for column in dates]
    in_file_order = shifts_table(con, name) is None
    line = [] if in_file_order else ["BRON_REGEL"]
    rows = f"file_rows_{name}"
    with row_order(con, preserve=in_file_order):
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {rows} AS
            WITH file_text AS NOT MATERIALIZED (
                SELECT {", ".join([*line, text])} FROM {raw_view(name)}
                WHERE PEILDATUM = $peildatum
            ), file_dates AS NOT MATERIALIZED (SELECT *{read} FROM file_text)
            SELECT {", ".join([*line, *columns, *parsed])} FROM file_dates""",
            {"peildatum": peildatum},
        )
    # Rows written inside a transaction get rowids from a high base, in order.
    ordinal = f"rowid - (SELECT min(rowid) FROM {rows})"
    numbered = lines.numbered(rows, ordinal, None) if in_file_order else f"SELECT * FROM {rows}"
    con.execute(f"CREATE OR REPLACE TEMP VIEW {checked_table(name)} AS {numbered}")


def _check_types(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel]
) -> None:
    """The dtypes of the model: a column of another type means our own preparation is wrong."""
    found = dict(
        con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE {checked_table(name)})"
        ).fetchall()
    )
    wrong = sorted(
        column
        for column, expected in predicates.column_types(model).items()
        if found.get(column) != expected
    )
    if wrong:
        raise RuntimeError(f"checked table does not fit model {model.__name__}: {wrong}")


def _add_failures(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rules: tuple[predicates.Rule, ...],
    peildatum: date,
) -> None:
    """A rule that is false: it is broken (null: it does not apply).

    Every rule is judged in one pass over checked_<name>, kept as a boolean per row, and read
    once per rule. (Filtering the broken rows first costs more: DuckDB would evaluate every
    rule twice, once for the filter.)
    """
    judged = ", ".join(f"{rule.holds} AS rule_{number}" for number, rule in enumerate(rules))
    selects = " UNION ALL ".join(
        f"SELECT BRON_REGEL, {literal(rule.kolom)}, {literal(rule.regel)} FROM judged "
        f"WHERE NOT rule_{number}"
        for number, rule in enumerate(rules)
    )
    insert = f"""INSERT INTO {failures_table(name)}
        WITH file_rows AS NOT MATERIALIZED (SELECT * FROM {checked_table(name)}),
            judged AS MATERIALIZED (SELECT BRON_REGEL, {judged} FROM file_rows)
        {selects}"""
    con.execute(insert, {"peildatum": peildatum} if "$peildatum" in judged else None)

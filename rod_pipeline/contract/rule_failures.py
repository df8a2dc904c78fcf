"""Checking a raw input file against its model: DuckDB prepares, Pandera judges the values.

DuckDB reads the raw view once into `file_rows_<name>`, trimming every field and parsing the
dates (`checked_<name>` adds each row's line), then evaluates the model's rule columns (joins
with the reference data, uniqueness, comparisons of two columns) in one pass over it; a rule
column that is false is a failure as it stands.
Pandera validates the file columns that carry a value rule or are required, lazily and in batches
(memory stays flat for a national extract).
Every failing (row, rule) becomes a row of `failures_<name>`: BRON_REGEL, KOLOM, REGEL_CODE.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow

from rod_pipeline.contract import lines, models
from rod_pipeline.contract.sources import raw_view, shifts_table
from rod_pipeline.contract.sql import literal, plausible_date, read_date, trimmed
from rod_pipeline.contract.tables import row_order

# Rows per frame handed to Pandera: a few hundred MB of frame and check results at most.
_BATCH_ROWS = 500_000


def checked_table(name: str) -> str:
    """Trimmed file columns and parsed_<date column>, per BRON_REGEL."""
    return f"checked_{name}"


def failures_table(name: str) -> str:
    return f"failures_{name}"


def check_file(
    con: duckdb.DuckDBPyConnection,
    name: str,
    model: type[models.ContractModel],
    peildatum: date,
) -> int:
    """Fill checked_<name> and failures_<name> (temporary); returns the number of failures."""
    _prepare(con, name, model, peildatum)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {failures_table(name)} "
        "(BRON_REGEL BIGINT, KOLOM VARCHAR, REGEL_CODE VARCHAR)"
    )
    _add_rule_failures(con, name, model, peildatum)
    value_failures = _value_failures(con, name, model)
    con.register("_failures_arrow", value_failures)
    try:
        con.execute(f"INSERT INTO {failures_table(name)} SELECT * FROM _failures_arrow")
    finally:
        con.unregister("_failures_arrow")
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


def _add_rule_failures(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel], peildatum: date
) -> None:
    """A rule that is false: it is broken (null: it does not apply).

    The rules are judged in one pass over checked_<name>, kept as booleans per row, and read once
    per rule.
    """
    rules = models.rule_sql(model)
    judged = ", ".join(f"{sql} AS {column}" for column, sql in rules.items())
    selects = " UNION ALL ".join(
        f"SELECT BRON_REGEL, {literal(kolom)}, {literal(regel)} FROM judged WHERE NOT {column}"
        for column in rules
        for kolom, regel in [models.rule_of(model, column, "rule_holds")]
    )
    insert = f"""INSERT INTO {failures_table(name)}
        WITH file_rows AS NOT MATERIALIZED (SELECT * FROM {checked_table(name)}),
            judged AS MATERIALIZED (SELECT BRON_REGEL, {judged} FROM file_rows)
        {selects}"""
    con.execute(insert, {"peildatum": peildatum} if "$peildatum" in judged else None)


def _value_failures(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel]
) -> pyarrow.Table:
    schema = models.value_schema(model)
    batches = con.sql(
        f"SELECT BRON_REGEL, {', '.join(schema.columns)} FROM {checked_table(name)}"
    ).fetch_record_batch(_BATCH_ROWS)
    found = [_failures_table(np.empty(0, dtype="int64"), [], [])]
    for batch in batches:
        frame = batch.to_pandas(types_mapper=pd.ArrowDtype)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            found.append(_failure_rows(errors.failure_cases, batch.column("BRON_REGEL"), model))
    return pyarrow.concat_tables(found)


def _failure_rows(
    cases: pd.DataFrame, bron_regel: pyarrow.Array, model: type[models.ContractModel]
) -> pyarrow.Table:
    """Pandera's failure cases -> (BRON_REGEL, KOLOM, REGEL_CODE), one per failing row and rule."""
    whole_column = cases["index"].isna()
    if whole_column.any():  # a dtype or a missing column: our own preparation is wrong
        summary = sorted(set(cases.loc[whole_column, "check"].astype(str)))
        raise RuntimeError(f"checked frame does not fit model {model.__name__}: {summary}")
    rules = cases[["column", "check"]].drop_duplicates()
    kolom_regel = [
        models.rule_of(model, column, check) for column, check in rules.itertuples(index=False)
    ]
    rules["KOLOM"] = [kolom for kolom, _ in kolom_regel]
    rules["REGEL_CODE"] = [regel for _, regel in kolom_regel]
    named = cases[["column", "check", "index"]].merge(rules, on=["column", "check"], how="left")
    positions = named["index"].to_numpy(dtype="int64")
    return _failures_table(bron_regel.to_numpy()[positions], named["KOLOM"], named["REGEL_CODE"])


def _failures_table(bron_regel: np.ndarray, kolom: Any, regel_code: Any) -> pyarrow.Table:
    return pyarrow.table(
        {
            "BRON_REGEL": pyarrow.array(bron_regel, pyarrow.int64()),
            "KOLOM": pyarrow.array(kolom, pyarrow.string()),
            "REGEL_CODE": pyarrow.array(regel_code, pyarrow.string()),
        }
    )

"""Checking a raw input file against its model: DuckDB prepares, Pandera judges.

DuckDB trims every field, parses the dates and evaluates the model's rule columns (joins with the
reference data, uniqueness, comparisons of two columns) in one pass into `checked_<name>`. Pandera
then validates the file columns and rule columns of that table lazily, and every failing
(row, rule) becomes a row of `failures_<name>`: BRON_REGEL, KOLOM, REGEL_CODE.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow

from rod_pipeline.contract import models
from rod_pipeline.contract.sources import raw_table
from rod_pipeline.contract.sql import parsed_date, trimmed


def checked_table(name: str) -> str:
    """Trimmed file columns, parsed_<date column> and the rule columns, per BRON_REGEL."""
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
    failures = _failures(con, name, model)
    con.register("_failures_arrow", failures)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {failures_table(name)} AS SELECT * FROM _failures_arrow"
        )
    finally:
        con.unregister("_failures_arrow")
    return failures.num_rows


def _prepare(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel], peildatum: date
) -> None:
    text = ", ".join(f"{trimmed(column)} AS {column}" for column in models.file_columns(model))
    dates = "".join(
        f", {parsed_date(column)} AS parsed_{column}" for column in models.date_columns(model)
    )
    rules = ", ".join(f"{sql} AS {column}" for column, sql in models.rule_sql(model).items())
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {checked_table(name)} AS
        WITH file_text AS (
            SELECT BRON_REGEL, {text} FROM {raw_table(name)} WHERE PEILDATUM = $peildatum
        ), parsed AS (SELECT *{dates} FROM file_text)
        SELECT *, {rules} FROM parsed""",
        {"peildatum": peildatum},
    )


def _failures(
    con: duckdb.DuckDBPyConnection, name: str, model: type[models.ContractModel]
) -> pyarrow.Table:
    checked_columns = [*models.file_columns(model), *models.rule_sql(model)]
    arrow = con.sql(
        f"SELECT BRON_REGEL, {', '.join(checked_columns)} FROM {checked_table(name)}"
    ).to_arrow_table()
    frame = arrow.to_pandas(types_mapper=pd.ArrowDtype)
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _failure_rows(errors.failure_cases, arrow.column("BRON_REGEL"), model)
    return _failures_table(np.empty(0, dtype="int64"), [], [])


def _failure_rows(
    cases: pd.DataFrame, bron_regel: pyarrow.ChunkedArray, model: type[models.ContractModel]
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

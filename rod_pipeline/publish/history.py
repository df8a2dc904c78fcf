"""The warehouse tables of publishing: staging (audited before commit) and history (every
publication, kept so earlier ones stay restorable), and the queries on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import duckdb
import pyarrow

from rod_pipeline.publish import datasets

STAGING = "publish_staging"
HISTORY = "publish_history"
PUBLICATIONS = f"{HISTORY}.publications"
STAGED = f"{STAGING}.staged"

_PUBLICATION_COLUMNS = (
    "PUBLICATIE_ID, TELDATUM, PEILDATUM, RUN_ID, GEPUBLICEERD_OP, INHOUD_HASH, CODE_VERSIE, "
    "RULEBOOK_VERSIE, INGETROKKEN_OP"
)


@dataclass(frozen=True)
class Publication:
    """One committed publication of a teldatum; withdrawn ones have `ingetrokken_op` set."""

    publicatie_id: int
    teldatum: date
    peildatum: date
    run_id: str
    gepubliceerd_op: datetime
    inhoud_hash: str
    code_versie: str
    rulebook_versie: str
    ingetrokken_op: datetime | None


def staging_table(dataset: datasets.Dataset) -> str:
    return f"{STAGING}.{dataset.name}"


def history_table(dataset: datasets.Dataset) -> str:
    return f"{HISTORY}.{dataset.name}"


def column_list(dataset: datasets.Dataset, prefix: str = "") -> str:
    return ", ".join(f"{prefix}{column}" for column in dataset.columns)


def query_value(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The first column of the first row of a query's result (None without rows)."""
    rows = con.execute(sql, params or []).fetchall()  # fetched whole: DuckDB wants it finished
    return rows[0][0] if rows else None


def query_arrow(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
) -> pyarrow.Table:
    """A query's result as an Arrow table."""
    relation = con.sql(sql, params=params or [])
    assert relation is not None, "a SELECT always gives a relation"
    return cast(pyarrow.Table, relation.to_arrow_table())


def dataset_rows(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, table: str, where: str, param: Any
) -> pyarrow.Table:
    """A dataset's rows from a staging or history table, in published order and types."""
    order = [column for _, column in dataset.partitioning] + list(dataset.sort_by)
    return query_arrow(
        con,
        f"SELECT {column_list(dataset)} FROM {table} WHERE {where} = ? ORDER BY {', '.join(order)}",
        [param],
    ).cast(dataset.arrow_schema)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the staging and history tables when the warehouse does not have them yet."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {HISTORY}")
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {PUBLICATIONS} (
            PUBLICATIE_ID BIGINT PRIMARY KEY, TELDATUM DATE NOT NULL, PEILDATUM DATE NOT NULL,
            RUN_ID VARCHAR NOT NULL, GEPUBLICEERD_OP TIMESTAMP NOT NULL,
            INHOUD_HASH VARCHAR NOT NULL, CODE_VERSIE VARCHAR NOT NULL,
            RULEBOOK_VERSIE VARCHAR NOT NULL, INGETROKKEN_OP TIMESTAMP)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {STAGED} (
            TELDATUM DATE NOT NULL, PEILDATUM DATE NOT NULL, RUN_ID VARCHAR NOT NULL,
            INHOUD_HASH VARCHAR NOT NULL, VORIGE_PUBLICATIE_ID BIGINT)"""
    )
    for dataset in datasets.ALL:
        columns = ", ".join(f"{name} {kind}" for name, kind in dataset.duckdb_types.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {staging_table(dataset)} ({columns})")
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {history_table(dataset)} "
            f"(PUBLICATIE_ID BIGINT NOT NULL, {columns})"
        )


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    """False on a warehouse that never published (read-only connections cannot create tables)."""
    return bool(
        query_value(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
            [HISTORY, "publications"],
        )
    )


def _publications(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[Publication]:
    if not has_history(con):
        return []
    rows = con.execute(
        f"SELECT {_PUBLICATION_COLUMNS} FROM {PUBLICATIONS} WHERE {where} ORDER BY PUBLICATIE_ID",
        params,
    ).fetchall()
    return [Publication(*row) for row in rows]


def latest_publication(con: duckdb.DuckDBPyConnection, teldatum: date) -> Publication | None:
    """The publication of `teldatum` that is published now (the latest not withdrawn)."""
    found = _publications(con, "TELDATUM = ? AND INGETROKKEN_OP IS NULL", [teldatum])
    return found[-1] if found else None


def latest_publications(con: duckdb.DuckDBPyConnection) -> list[Publication]:
    """The publication published now for every teldatum that has one, by teldatum."""
    found = _publications(
        con,
        f"PUBLICATIE_ID IN (SELECT max(PUBLICATIE_ID) FROM {PUBLICATIONS} "
        "WHERE INGETROKKEN_OP IS NULL GROUP BY TELDATUM)",
        [],
    )
    return sorted(found, key=lambda publication: publication.teldatum)


def publications_not_withdrawn(con: duckdb.DuckDBPyConnection) -> list[Publication]:
    """Every publication of every teldatum that was not withdrawn, oldest first."""
    return _publications(con, "INGETROKKEN_OP IS NULL", [])


def publications_of(con: duckdb.DuckDBPyConnection, teldatum: date) -> list[Publication]:
    """Every publication of `teldatum`, withdrawn ones included, oldest first."""
    return _publications(con, "TELDATUM = ?", [teldatum])


def known_teldata(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every teldatum ever published, including those whose publications were all withdrawn."""
    if not has_history(con):
        return []
    rows = con.execute(f"SELECT DISTINCT TELDATUM FROM {PUBLICATIONS} ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def _stabiliteit_query(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list,
    extra: list[tuple[str, pyarrow.DataType]],
) -> pyarrow.Table:
    if not has_history(con):
        return pyarrow.schema([*extra, *datasets.STABILITEIT.arrow_schema]).empty_table()
    return query_arrow(con, sql, params)


_PUBLICATION_FIELDS: list[tuple[str, pyarrow.DataType]] = [
    ("PUBLICATIE_ID", pyarrow.int64()),
    ("RUN_ID", pyarrow.string()),
    ("GEPUBLICEERD_OP", pyarrow.timestamp("us")),
]


def published_stabiliteit(con: duckdb.DuckDBPyConnection) -> pyarrow.Table:
    """The `stabiliteit` dataset: a row per publication not withdrawn, all teldata."""
    return _stabiliteit_query(
        con,
        f"""SELECT {column_list(datasets.STABILITEIT, "s.")}
            FROM {history_table(datasets.STABILITEIT)} s JOIN {PUBLICATIONS} p USING (PUBLICATIE_ID)
            WHERE p.INGETROKKEN_OP IS NULL
            ORDER BY s.TELDATUM, s.PEILDATUM, p.PUBLICATIE_ID""",
        [],
        [],
    )


def latest_stabiliteit(con: duckdb.DuckDBPyConnection) -> pyarrow.Table:
    """For the `status` command: the stabiliteit row of the current publication per teldatum,
    with its PUBLICATIE_ID, RUN_ID and GEPUBLICEERD_OP."""
    return _stabiliteit_query(
        con,
        f"""SELECT p.PUBLICATIE_ID, p.RUN_ID, p.GEPUBLICEERD_OP,
                   {column_list(datasets.STABILITEIT, "s.")}
            FROM {history_table(datasets.STABILITEIT)} s JOIN {PUBLICATIONS} p USING (PUBLICATIE_ID)
            WHERE p.PUBLICATIE_ID IN (SELECT max(PUBLICATIE_ID) FROM {PUBLICATIONS}
                                      WHERE INGETROKKEN_OP IS NULL GROUP BY TELDATUM)
            ORDER BY s.TELDATUM""",
        [],
        _PUBLICATION_FIELDS,
    )


def teldatum_history(con: duckdb.DuckDBPyConnection, teldatum: date) -> pyarrow.Table:
    """For the `status` command and checks: every publication of a teldatum, oldest first,
    with its stabiliteit row and INGETROKKEN_OP (set when withdrawn by a rollback)."""
    return _stabiliteit_query(
        con,
        f"""SELECT p.PUBLICATIE_ID, p.RUN_ID, p.GEPUBLICEERD_OP, p.INGETROKKEN_OP,
                   {column_list(datasets.STABILITEIT, "s.")}
            FROM {history_table(datasets.STABILITEIT)} s JOIN {PUBLICATIONS} p USING (PUBLICATIE_ID)
            WHERE p.TELDATUM = ?
            ORDER BY p.PUBLICATIE_ID""",
        [teldatum],
        [*_PUBLICATION_FIELDS, ("INGETROKKEN_OP", pyarrow.timestamp("us"))],
    )

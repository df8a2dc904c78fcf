"""The warehouse tables of publishing and the queries on them.

Staging holds a publication while it is audited; the history holds every publication ever
committed, so earlier ones stay restorable. A publication is *current* while it is neither
withdrawn (rollback) nor replaced (its extract was processed again, or an earlier final
publication made it void). The history is the memory the planner decides from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import duckdb
import pyarrow

from rod_pipeline.errors import OperatorError
from rod_pipeline.publish import datasets

STAGING = "publish_staging"
HISTORY = "publish_history"
PUBLICATIONS = f"{HISTORY}.publications"
EXTRACTS = f"{HISTORY}.extracts"
REOPENINGS = f"{HISTORY}.reopenings"
AFWIJKINGEN = f"{HISTORY}.afwijkingen"
SCHEMA_VERSION = f"{HISTORY}.schema_version"
STAGED = f"{STAGING}.staged"
# Bumped when the history's tables change shape; an older warehouse is rebuilt, not migrated.
VERSION = 2

CURRENT = "INGETROKKEN_OP IS NULL AND VERVANGEN_OP IS NULL"

_PUBLICATION_COLUMNS = (
    "PUBLICATIE_ID, TELDATUM, PEILDATUM, RUN_ID, GEPUBLICEERD_OP, INHOUD_HASH, CODE_VERSIE, "
    "RULEBOOK_VERSIE, EXTRACT_SLEUTEL, VORIGE_PUBLICATIE_ID, FINAAL, HEROPEND_REDEN, "
    "INGETROKKEN_OP, VERVANGEN_OP"
)


@dataclass(frozen=True)
class Publication:
    """One committed publication of a teldatum at a peildatum."""

    publicatie_id: int
    teldatum: date
    peildatum: date
    run_id: str
    gepubliceerd_op: datetime
    inhoud_hash: str
    code_versie: str
    rulebook_versie: str
    extract_sleutel: str
    vorige_publicatie_id: int | None
    finaal: bool
    heropend_reden: str | None
    ingetrokken_op: datetime | None
    vervangen_op: datetime | None

    @property
    def current(self) -> bool:
        return self.ingetrokken_op is None and self.vervangen_op is None


@dataclass(frozen=True)
class ExtractRecord:
    """An extract processed to the end: the keys of what it was made from."""

    peildatum: date
    extract_sleutel: str
    referentie_sleutel: str
    rulebook_versie: str
    bestanden: str  # JSON: file name -> [size, mtime_ns, sha256], for the planner's cache
    run_id: str
    voltooid_op: datetime


@dataclass(frozen=True)
class Afwijking:
    """The latest comparison of a final teldatum with a later extract (S8)."""

    afwijking_id: int
    teldatum: date
    peildatum: date
    finale_publicatie_id: int
    inhoud_hash: str


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
    relation = con.sql(sql, params=params or [])
    assert relation is not None, "a SELECT always gives a relation"
    return cast(pyarrow.Table, relation.to_arrow_table())


def dataset_rows(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, table: str, where: str, params: list
) -> pyarrow.Table:
    """A dataset's rows from a warehouse table, in published order and types."""
    order = [column for _, column in dataset.partitioning] + list(dataset.sort_by)
    return query_arrow(
        con,
        f"SELECT {column_list(dataset)} FROM {table} WHERE {where} "
        f"ORDER BY {', '.join(order)} NULLS LAST",
        params,
    ).cast(dataset.arrow_schema)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the staging and history tables when the warehouse does not have them yet."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {STAGING}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {HISTORY}")
    found = schema_version(con)
    if found not in (None, VERSION):
        raise OperatorError(
            f"the warehouse was made by an older rod-pipeline (history version {found})",
            hint="rebuild it from the inbox: rod-pipeline rebuild --data-dir DIR",
            exit_code=5,
        )
    # The warehouse's own id keeps the snapshots of a rebuilt warehouse from being taken for
    # those of the old one (publication ids start again at 1).
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA_VERSION} "
        "(VERSION INTEGER NOT NULL, WAREHOUSE_ID VARCHAR NOT NULL)"
    )
    if query_value(con, f"SELECT count(*) FROM {SCHEMA_VERSION}") == 0:
        con.execute(f"INSERT INTO {SCHEMA_VERSION} VALUES (?, uuid()::VARCHAR)", [VERSION])
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {PUBLICATIONS} (
            PUBLICATIE_ID BIGINT PRIMARY KEY, TELDATUM DATE NOT NULL, PEILDATUM DATE NOT NULL,
            RUN_ID VARCHAR NOT NULL, GEPUBLICEERD_OP TIMESTAMP NOT NULL,
            INHOUD_HASH VARCHAR NOT NULL, CODE_VERSIE VARCHAR NOT NULL,
            RULEBOOK_VERSIE VARCHAR NOT NULL, EXTRACT_SLEUTEL VARCHAR NOT NULL,
            VORIGE_PUBLICATIE_ID BIGINT, FINAAL BOOLEAN NOT NULL, HEROPEND_REDEN VARCHAR,
            INGETROKKEN_OP TIMESTAMP, VERVANGEN_OP TIMESTAMP)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {EXTRACTS} (
            PEILDATUM DATE NOT NULL, EXTRACT_SLEUTEL VARCHAR NOT NULL,
            REFERENTIE_SLEUTEL VARCHAR NOT NULL, RULEBOOK_VERSIE VARCHAR NOT NULL,
            BESTANDEN VARCHAR NOT NULL, RUN_ID VARCHAR NOT NULL, VOLTOOID_OP TIMESTAMP NOT NULL)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {REOPENINGS} (
            TELDATUM DATE NOT NULL, REDEN VARCHAR NOT NULL, GEVRAAGD_OP TIMESTAMP NOT NULL,
            PUBLICATIE_ID BIGINT)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {AFWIJKINGEN} (
            AFWIJKING_ID BIGINT PRIMARY KEY, TELDATUM DATE NOT NULL, PEILDATUM DATE NOT NULL,
            FINALE_PUBLICATIE_ID BIGINT NOT NULL, INHOUD_HASH VARCHAR NOT NULL,
            RUN_ID VARCHAR NOT NULL, GEMAAKT_OP TIMESTAMP NOT NULL, VERVANGEN_OP TIMESTAMP)"""
    )
    con.execute(
        f"""CREATE TABLE IF NOT EXISTS {STAGED} (
            TELDATUM DATE NOT NULL, PEILDATUM DATE NOT NULL, RUN_ID VARCHAR NOT NULL,
            INHOUD_HASH VARCHAR NOT NULL, VORIGE_PUBLICATIE_ID BIGINT, MODUS VARCHAR NOT NULL)"""
    )
    for dataset in datasets.ALL:
        if not dataset.stored:
            continue
        columns = ", ".join(f"{name} {kind}" for name, kind in dataset.duckdb_types.items())
        key = "AFWIJKING_ID" if dataset is datasets.AFWIJKINGEN_NA_DEFINITIEF else "PUBLICATIE_ID"
        con.execute(f"CREATE TABLE IF NOT EXISTS {staging_table(dataset)} ({columns})")
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {history_table(dataset)} "
            f"({key} BIGINT NOT NULL, {columns})"
        )


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        query_value(
            con,
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
            [schema, table],
        )
    )


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The version of the history's tables; None on a warehouse that never published, 1 for one
    made before the version was recorded."""
    # One look at the catalog: this is asked before every query on the history.
    found = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = ? "
            "AND table_name IN ('publications', 'schema_version')",
            [HISTORY],
        ).fetchall()
    }
    if "publications" not in found:
        return None
    if "schema_version" not in found:
        return 1
    return int(query_value(con, f"SELECT max(VERSION) FROM {SCHEMA_VERSION}"))


def has_history(con: duckdb.DuckDBPyConnection) -> bool:
    return schema_version(con) == VERSION


def warehouse_id(con: duckdb.DuckDBPyConnection) -> str:
    return str(query_value(con, f"SELECT max(WAREHOUSE_ID) FROM {SCHEMA_VERSION}"))


def next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
    return int(query_value(con, f"SELECT coalesce(max({column}), 0) + 1 FROM {table}"))


def _publications(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[Publication]:
    if not has_history(con):
        return []
    rows = con.execute(
        f"SELECT {_PUBLICATION_COLUMNS} FROM {PUBLICATIONS} WHERE {where} "
        "ORDER BY PEILDATUM, PUBLICATIE_ID",
        params,
    ).fetchall()
    return [Publication(*row) for row in rows]


def all_publications(con: duckdb.DuckDBPyConnection) -> list[Publication]:
    """Every publication ever committed, by peildatum."""
    return _publications(con, "true", [])


def current_publications(con: duckdb.DuckDBPyConnection, teldatum: date) -> list[Publication]:
    """The current publications of a teldatum, oldest peildatum first (its history, S9)."""
    return _publications(con, f"TELDATUM = ? AND {CURRENT}", [teldatum])


def latest_publication(con: duckdb.DuckDBPyConnection, teldatum: date) -> Publication | None:
    """The publication of `teldatum` that is published now."""
    found = current_publications(con, teldatum)
    return found[-1] if found else None


def latest_publications(con: duckdb.DuckDBPyConnection) -> list[Publication]:
    """The publication published now for every teldatum that has one, by teldatum."""
    latest: dict[date, Publication] = {}
    for publication in _publications(con, CURRENT, []):
        latest[publication.teldatum] = publication
    return [latest[t] for t in sorted(latest)]


def final_publication(con: duckdb.DuckDBPyConnection, teldatum: date) -> Publication | None:
    """The current publication that made the teldatum final (S8), if any."""
    finals = [p for p in current_publications(con, teldatum) if p.finaal]
    return finals[-1] if finals else None


def pending_reopening(con: duckdb.DuckDBPyConnection, teldatum: date) -> str | None:
    """The reason of a reopening that no publication has taken up yet."""
    if not has_history(con):
        return None
    return query_value(
        con,
        f"SELECT REDEN FROM {REOPENINGS} WHERE TELDATUM = ? AND PUBLICATIE_ID IS NULL "
        "ORDER BY GEVRAAGD_OP DESC LIMIT 1",
        [teldatum],
    )


def pending_reopenings(con: duckdb.DuckDBPyConnection) -> list[date]:
    if not has_history(con):
        return []
    rows = con.execute(
        f"SELECT DISTINCT TELDATUM FROM {REOPENINGS} WHERE PUBLICATIE_ID IS NULL ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def current_afwijkingen(con: duckdb.DuckDBPyConnection) -> list[Afwijking]:
    """The latest comparison of each final teldatum with a later extract."""
    if not has_history(con):
        return []
    rows = con.execute(
        f"""SELECT AFWIJKING_ID, TELDATUM, PEILDATUM, FINALE_PUBLICATIE_ID, INHOUD_HASH
            FROM {AFWIJKINGEN} a WHERE VERVANGEN_OP IS NULL
              AND EXISTS (SELECT 1 FROM {PUBLICATIONS} p
                          WHERE p.PUBLICATIE_ID = a.FINALE_PUBLICATIE_ID AND p.{CURRENT})
            ORDER BY TELDATUM"""
    ).fetchall()
    return [Afwijking(*row) for row in rows]


def extract_records(con: duckdb.DuckDBPyConnection) -> dict[date, ExtractRecord]:
    """The latest completed processing of every extract."""
    if not has_history(con):
        return {}
    rows = con.execute(
        f"""SELECT PEILDATUM, EXTRACT_SLEUTEL, REFERENTIE_SLEUTEL, RULEBOOK_VERSIE, BESTANDEN,
                   RUN_ID, VOLTOOID_OP
            FROM {EXTRACTS}
            QUALIFY row_number() OVER (PARTITION BY PEILDATUM ORDER BY VOLTOOID_OP DESC) = 1"""
    ).fetchall()
    return {row[0]: ExtractRecord(*row) for row in rows}


def stabiliteit_rows(con: duckdb.DuckDBPyConnection) -> pyarrow.Table:
    """The `stabiliteit` dataset: a row per current publication, all teldata."""
    if not has_history(con):
        return datasets.STABILITEIT.arrow_schema.empty_table()
    return dataset_rows(
        con,
        datasets.STABILITEIT,
        history_table(datasets.STABILITEIT),
        f"PUBLICATIE_ID IN (SELECT PUBLICATIE_ID FROM {PUBLICATIONS} WHERE {CURRENT})",
        [],
    )


def stabiliteit_of(con: duckdb.DuckDBPyConnection, publicatie_id: int) -> dict[str, Any]:
    rows = dataset_rows(
        con,
        datasets.STABILITEIT,
        history_table(datasets.STABILITEIT),
        "PUBLICATIE_ID = ?",
        [publicatie_id],
    ).to_pylist()
    return rows[0]


def current_ids(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The publications and afwijkingen that published/ must show (its manifest's `bron`)."""
    return {
        "warehouse": [warehouse_id(con)],
        "publicaties": sorted(p.publicatie_id for p in all_publications(con) if p.current),
        "afwijkingen": sorted(a.afwijking_id for a in current_afwijkingen(con)),
    }

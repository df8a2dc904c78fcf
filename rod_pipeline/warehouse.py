"""The warehouse: the one DuckDB file in DIR/state/ (WarehouseResource is its Dagster face).

Opening it (a damaged file says how to recover), and the glue between the layers: the contract
layer writes validated_* and ref_* tables keyed by PEILDATUM; the rulebook reads plain relations
(inschrijvingen, tlv, ...), so a derivation first points temporary views at one extract; its
results wait in rb_* tables until publishing stages them; publish/history.py keeps the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from rod_pipeline import atomic
from rod_pipeline.contract.reports import FileReport
from rod_pipeline.errors import ExitCode, OperatorError
from rod_pipeline.rulebook.apply import result_columns, rulebook_queries
from rod_pipeline.rulebook.calendar import StabilityDates

# Pieces of work at once at most (teldata derived or staged, staged tables validated): each
# holds its intermediate rows in memory.
_SIDE_BY_SIDE = 3
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

# Relation the rulebook reads -> warehouse table it comes from.
EXTRACT_RELATIONS = {
    "inschrijvingen": "validated_inschrijvingen",
    "tlv": "validated_tlv",
    "vestigingen": "ref_vestigingen",
    "regio_indeling": "ref_regio_indeling",
    "samenwerkingsverbanden": "ref_samenwerkingsverbanden",
}

# Rulebook output -> the staging table where it waits for the checks and publish.
RULEBOOK_TABLES = {
    "charged": "rb_charged",
    "niet_toegerekend": "rb_niet_toegerekend",
    "counts": "rb_counts",
}


class DamagedWarehouseError(OperatorError):
    """The warehouse file cannot be opened (truncated, overwritten, written by another version)."""

    exit_code = ExitCode.DAMAGED_WAREHOUSE


# What DuckDB says of a database file it cannot read (truncated, overwritten, garbled).
DAMAGE_SIGNS = ("could not read enough bytes", "checksum", "corrupt", "not a valid duckdb")


def is_damage(message: str, path: Path) -> bool:
    """Whether an error message is about this warehouse file being damaged (and not, say, about
    a broken Parquet file that DuckDB was reading)."""
    text = message.lower()
    about_it = str(path).lower() in text or "database" in text
    return about_it and any(sign in text for sign in DAMAGE_SIGNS)


def damage_error(error: BaseException, path: Path) -> DamagedWarehouseError | None:
    """The operator's error for a warehouse that turned out damaged while it was read."""
    if isinstance(error, duckdb.Error) and is_damage(str(error), path):
        return _damaged(path, error)
    return None


def connect(path: Path, read_only: bool = False, **config: Any) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a file DuckDB cannot read becomes an error saying how to recover.
    A lock held by another process is raised as it is (callers wait for it)."""
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise
        raise _damaged(path, error) from error
    except duckdb.Error as error:
        raise _damaged(path, error) from error


def _damaged(path: Path, error: Exception) -> DamagedWarehouseError:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DamagedWarehouseError(
        f"the warehouse {path} cannot be read ({first[:160]})",
        hint=f"restore it from a backup, or rebuild it from the inbox: rod-pipeline rebuild "
        f"--data-dir {path.parent.parent} (published/ stays as it is until the rebuild "
        "publishes)",
    )


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple:
    """The single row of an aggregate query. The result is read to the end, as DuckDB 2
    requires before the connection runs anything else."""
    rows = con.execute(sql, params).fetchall()
    if len(rows) != 1:
        raise LookupError(f"expected one row, got {len(rows)}")
    return rows[0]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = one_row(
        con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    )
    return bool(found[0])


# Validated rows are kept for the newest extracts only: a national extract is ~5M rows, and a
# teldatum is derived from the newest one (older ones stay for runs still queued behind it).
KEEP_EXTRACTS = 3


def holds_extract(con: duckdb.DuckDBPyConnection, peildatum: date) -> bool:
    """Whether the validated rows of the extract are (still) in the warehouse."""
    if not table_exists(con, "validated_inschrijvingen"):
        return False
    held = one_row(
        con,
        "SELECT EXISTS (SELECT 1 FROM validated_inschrijvingen WHERE PEILDATUM = ?)",
        [peildatum],
    )
    return bool(held[0])


def record_validated(
    con: duckdb.DuckDBPyConnection, peildatum: date, extract_key: str, reference_key: str
) -> None:
    """Which files (by the planner's keys) the extract's validated rows were made from."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS validated_from (PEILDATUM DATE PRIMARY KEY, "
        "EXTRACT_SLEUTEL VARCHAR NOT NULL, REFERENTIE_SLEUTEL VARCHAR NOT NULL)"
    )
    con.execute(
        "INSERT OR REPLACE INTO validated_from VALUES (?, ?, ?)",
        [peildatum, extract_key, reference_key],
    )


def validated_from_same_files(
    con: duckdb.DuckDBPyConnection, peildatum: date, extract_key: str, reference_key: str
) -> bool:
    """Whether the warehouse holds validated rows of these very extract and reference files
    (a resumed or repeated run need not read them again)."""
    if not (holds_extract(con, peildatum) and table_exists(con, "validated_from")):
        return False
    found = con.execute(
        "SELECT EXTRACT_SLEUTEL, REFERENTIE_SLEUTEL FROM validated_from WHERE PEILDATUM = ?",
        [peildatum],
    ).fetchall()
    return found == [(extract_key, reference_key)]


def input_reports(con: duckdb.DuckDBPyConnection, peildatum: date) -> dict[str, FileReport]:
    """The recorded reports of the extract's two files (when its validated rows are reused)."""
    reports = {}
    for stem in ("inschrijvingen", "tlv"):
        bestand, pad, sha, read, accepted, quarantined = one_row(
            con,
            "SELECT BESTAND, PAD, SHA256, RIJEN_GELEZEN, RIJEN_GEACCEPTEERD, "
            "RIJEN_GEQUARANTAINEERD FROM input_files WHERE PEILDATUM = ? AND BESTAND LIKE ?",
            [peildatum, f"{stem}.%"],
        )
        per_rule = dict(
            con.execute(
                "SELECT REGEL_CODE, count(DISTINCT REGEL) FROM quarantine "
                "WHERE PEILDATUM = ? AND BESTAND = ? GROUP BY 1",
                [peildatum, bestand],
            ).fetchall()
        )
        reports[stem] = FileReport(bestand, Path(pad), sha, read, accepted, quarantined, per_rule)
    return reports


def point_views_at_extract(con: duckdb.DuckDBPyConnection, peildatum: date) -> None:
    """Temporary views named as the rulebook expects, on one extract of the warehouse."""
    if not holds_extract(con, peildatum):
        raise LookupError(
            f"extract {peildatum} is not in the warehouse (only the newest {KEEP_EXTRACTS} "
            "validated extracts are kept): run its ingest again first"
        )
    for view, table in EXTRACT_RELATIONS.items():
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS "
            f"SELECT * EXCLUDE (PEILDATUM) FROM {table} WHERE PEILDATUM = DATE '{peildatum}'"
        )


def validated_peildata(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Extracts whose validation completed (their enrolments have accepted-row counts)."""
    if not table_exists(con, "input_files"):
        return []
    rows = con.execute(
        "SELECT DISTINCT PEILDATUM FROM input_files "
        "WHERE BESTAND LIKE 'inschrijvingen.%' AND RIJEN_GEACCEPTEERD IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def prune_extracts(con: duckdb.DuckDBPyConnection, keep: int = KEEP_EXTRACTS) -> int:
    """Drop the validated rows of all but the newest `keep` extracts; returns how many went.
    Their input_files and quarantine rows stay: they are the lineage of what was published."""
    held = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT PEILDATUM FROM validated_inschrijvingen ORDER BY 1 DESC"
        ).fetchall()
    ]
    dropped = held[keep:]
    if dropped:
        with atomic.transaction(con):
            for table in ("validated_inschrijvingen", "validated_tlv"):
                con.execute(f"DELETE FROM {table} WHERE PEILDATUM <= ?", [dropped[0]])
    return len(dropped)


def calendar(con: duckdb.DuckDBPyConnection, peildatum: date) -> list[StabilityDates]:
    """The teldata of the calendar loaded with this extract, overrides applied."""
    rows = con.execute(
        "SELECT TELDATUM, REGISTRATIEDEADLINE, EINDE_BEZWAARTERMIJN FROM ref_teldata "
        "WHERE PEILDATUM = ? ORDER BY TELDATUM",
        [peildatum],
    ).fetchall()
    return [StabilityDates.for_teldatum(t, d, e) for t, d, e in rows]


def stability_dates(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date
) -> StabilityDates:
    for dates in calendar(con, peildatum):
        if dates.teldatum == teldatum:
            return dates
    raise LookupError(f"teldatum {teldatum} is not in teldata.csv of extract {peildatum}")


def derive_teldata(
    con: duckdb.DuckDBPyConnection, teldata: list[StabilityDates], peildatum: date
) -> dict[date, dict[str, int]]:
    """derive_teldatum for each teldatum, side by side (much of a teldatum's work is on fewer
    rows than DuckDB spreads over its threads: together they keep the cores busy)."""
    ensure_rulebook_tables(con)  # made first: two transactions creating one would conflict

    def derive(cursor: duckdb.DuckDBPyConnection, dates: StabilityDates) -> dict[str, int]:
        point_views_at_extract(cursor, peildatum)
        return derive_teldatum(cursor, dates, peildatum)

    return dict(zip([d.teldatum for d in teldata], side_by_side(con, derive, teldata), strict=True))


def ensure_rulebook_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The rb_* tables, with PEILDATUM and the columns of their rulebook result."""
    for name, table in RULEBOOK_TABLES.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} (PEILDATUM DATE, {result_columns(name)})")


def side_by_side(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection, _Item], _Result],
    items: list[_Item],
) -> list[_Result]:
    """work(cursor, item) for every item, a few at once, each with a cursor of its own (its
    own temporary objects and transaction); the results in the order of the items. Tables
    the work creates must exist before: two transactions creating one would conflict."""

    def run(item: _Item) -> _Result:
        with con.cursor() as cursor:
            return work(cursor, item)

    with ThreadPoolExecutor(max_workers=min(len(items), _SIDE_BY_SIDE) or 1) as pool:
        return list(pool.map(run, items))


def derive_teldatum(
    con: duckdb.DuckDBPyConnection, dates: StabilityDates, peildatum: date
) -> dict[str, int]:
    """Apply the rulebook to T on the extract the views point at, and replace T's waiting
    results with them in one transaction, without leaving DuckDB. Returns rows per result."""
    teldatum = dates.teldatum
    rows = {}
    ensure_rulebook_tables(con)
    with (
        rulebook_queries(con, teldatum, dates.registratiedeadline) as queries,
        atomic.transaction(con),
    ):
        for name, (sql, params) in queries.items():
            table = RULEBOOK_TABLES[name]
            con.execute(f"DELETE FROM {table} WHERE TELDATUM = ?", [teldatum])
            con.execute(
                f"INSERT INTO {table} SELECT $peildatum::DATE AS PEILDATUM, * FROM ({sql})",
                {**params, "peildatum": peildatum},
            )
            rows[name] = one_row(
                con, f"SELECT count(*) FROM {table} WHERE TELDATUM = ?", [teldatum]
            )[0]
    return rows


def rulebook_views(con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date) -> dict:
    """Temp views on the waiting rulebook results of one teldatum from one extract, named as
    publishing reads them (no copy: staging reads straight from the warehouse tables)."""
    views = {}
    for name, table in RULEBOOK_TABLES.items():
        view = f"rulebook_{name}_view"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * EXCLUDE (PEILDATUM) FROM {table} "
            f"WHERE TELDATUM = DATE '{teldatum}' AND PEILDATUM = DATE '{peildatum}'"
        )
        views[name] = view
    return views

"""Write: stage a publication of one teldatum next to the previous one, so it can be audited.

The previous publication is the latest one of the same teldatum not withdrawn, whatever its
peildatum: a rerun on unchanged input compares with itself and is all ONGEWIJZIGD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, history
from rod_pipeline.publish.content_hash import content_hash
from rod_pipeline.publish.errors import InvalidInputError, OlderPeildatumError
from rod_pipeline.rulebook.calendar import StabilityDates

# What the rulebook hands over: the published columns minus those publishing derives.
CHARGED_COLUMNS = [c for c in datasets.DASHBOARD_1B.columns if c not in ("PEILDATUM", "MUTATIE")]
NIET_TOEGEREKEND_COLUMNS = [c for c in datasets.NIET_TOEGEREKEND.columns if c != "PEILDATUM"]
COUNTS_COLUMNS = [c for c in datasets.DASHBOARD_1A.columns if c not in ("PEILDATUM", "VERSCHIL")]

_TEMP_TABLES = ("publish_charged", "publish_counts", "publish_niet_toegerekend", "publish_diff")
_KEY_1B = ("SAMENWERKINGSVERBAND", "INSCHRIJVING_ID")
_COMPARED_1B = sorted(c for c in CHARGED_COLUMNS if c not in _KEY_1B)


@dataclass(frozen=True)
class StagedPublication:
    """A publication in the staging tables, not yet committed; the tables as Arrow too."""

    teldatum: date
    peildatum: date
    run_id: str
    inhoud_hash: str
    vorige_publicatie_id: int | None
    dashboard_1b: pyarrow.Table
    dashboard_1a: pyarrow.Table
    niet_toegerekend: pyarrow.Table
    mutaties: pyarrow.Table
    stabiliteit: pyarrow.Table

    def tables(self) -> dict[datasets.Dataset, pyarrow.Table]:
        return {
            datasets.DASHBOARD_1B: self.dashboard_1b,
            datasets.DASHBOARD_1A: self.dashboard_1a,
            datasets.NIET_TOEGEREKEND: self.niet_toegerekend,
            datasets.MUTATIES: self.mutaties,
            datasets.STABILITEIT: self.stabiliteit,
        }


def refuse_older_peildatum(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date
) -> history.Publication | None:
    """The current publication of the teldatum; raises when `peildatum` is older than its."""
    previous = history.latest_publication(con, teldatum)
    if previous is not None and peildatum < previous.peildatum:
        raise OlderPeildatumError(
            f"teldatum {teldatum}: peildatum {peildatum} is older than the published peildatum "
            f"{previous.peildatum}; publish a newer extract, or roll back the newer publication "
            "first"
        )
    return previous


def _load_input(
    con: duckdb.DuckDBPyConnection, name: str, table: pyarrow.Table, columns: list[str]
) -> str:
    """Copy an input table into a temp table with the published types, in canonical order."""
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise InvalidInputError(f"input table {name} lacks columns: {', '.join(missing)}")
    types = {**datasets.DASHBOARD_1B.duckdb_types, **datasets.DASHBOARD_1A.duckdb_types}
    types |= datasets.NIET_TOEGEREKEND.duckdb_types
    view, target = f"publish_input_{name}", f"publish_{name}"
    con.register(view, table)
    try:
        casts = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" for c in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT {casts} FROM {view}")
    finally:
        con.unregister(view)
    return target


def _check_teldatum(con: duckdb.DuckDBPyConnection, tables: list[str], teldatum: date) -> None:
    for table in tables:
        wrong = history.query_value(
            con, f"SELECT count(*) FROM {table} WHERE TELDATUM IS DISTINCT FROM ?", [teldatum]
        )
        if wrong:
            raise InvalidInputError(
                f"{wrong} rows of {table} have a TELDATUM other than {teldatum}"
            )


def _diff_1b(con: duckdb.DuckDBPyConnection, previous_id: int | None) -> None:
    """publish_diff: per key of the current or previous 1b, MUTATIE and GEWIJZIGDE_KOLOMMEN."""
    changed = ", ".join(
        f"CASE WHEN c.{col} IS DISTINCT FROM p.{col} THEN '{col}' END" for col in _COMPARED_1B
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE publish_diff AS
        WITH previous AS (
            SELECT * FROM {history.history_table(datasets.DASHBOARD_1B)} WHERE PUBLICATIE_ID = ?
        ), joined AS (
            SELECT coalesce(c.SAMENWERKINGSVERBAND, p.SAMENWERKINGSVERBAND) AS SAMENWERKINGSVERBAND,
                   coalesce(c.INSCHRIJVING_ID, p.INSCHRIJVING_ID) AS INSCHRIJVING_ID,
                   c.INSCHRIJVING_ID IS NOT NULL AS IN_CURRENT,
                   p.INSCHRIJVING_ID IS NOT NULL AS IN_PREVIOUS,
                   concat_ws(',', {changed}) AS CHANGED
            FROM publish_charged c FULL OUTER JOIN previous p
              ON c.SAMENWERKINGSVERBAND = p.SAMENWERKINGSVERBAND
             AND c.INSCHRIJVING_ID = p.INSCHRIJVING_ID
        )
        SELECT SAMENWERKINGSVERBAND, INSCHRIJVING_ID,
               CASE WHEN NOT IN_PREVIOUS THEN 'NIEUW'
                    WHEN NOT IN_CURRENT THEN 'VERVALLEN'
                    WHEN CHANGED <> '' THEN 'GEWIJZIGD'
                    ELSE 'ONGEWIJZIGD' END AS MUTATIE,
               CASE WHEN IN_CURRENT AND IN_PREVIOUS AND CHANGED <> '' THEN CHANGED END
                   AS GEWIJZIGDE_KOLOMMEN
        FROM joined""",
        [previous_id],
    )


def _insert_1b(con: duckdb.DuckDBPyConnection, peildatum: date) -> None:
    selected = ", ".join(
        "?::DATE AS PEILDATUM"
        if c == "PEILDATUM"
        else ("d.MUTATIE" if c == "MUTATIE" else f"c.{c}")
        for c in datasets.DASHBOARD_1B.columns
    )
    con.execute(
        f"""INSERT INTO {history.staging_table(datasets.DASHBOARD_1B)}
            SELECT {selected} FROM publish_charged c JOIN publish_diff d
              ON c.SAMENWERKINGSVERBAND = d.SAMENWERKINGSVERBAND
             AND c.INSCHRIJVING_ID = d.INSCHRIJVING_ID""",
        [peildatum],
    )


def _insert_mutaties(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date, previous_peildatum: date | None
) -> None:
    con.execute(
        f"""INSERT INTO {history.staging_table(datasets.MUTATIES)}
            SELECT ?::DATE, ?::DATE, ?::DATE, SAMENWERKINGSVERBAND, INSCHRIJVING_ID, MUTATIE,
                   GEWIJZIGDE_KOLOMMEN
            FROM publish_diff WHERE MUTATIE <> 'ONGEWIJZIGD'""",
        [teldatum, peildatum, previous_peildatum],
    )


def _insert_1a(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date, previous_id: int | None
) -> None:
    """VERSCHIL against the previous publication (a combination absent there counted 0); a
    TEN_LASTE combination that vanished gets AANTAL 0 and a negative VERSCHIL."""
    con.execute(
        f"""INSERT INTO {history.staging_table(datasets.DASHBOARD_1A)}
        WITH previous AS (
            SELECT * FROM {history.history_table(datasets.DASHBOARD_1A)} WHERE PUBLICATIE_ID = $id
        )
        SELECT c.TELDATUM, $peildatum::DATE, c.SAMENWERKINGSVERBAND, c.SAMENWERKINGSVERBAND_NAAM,
               c.TELLING, c.BEKOSTIGINGSCATEGORIE, c.WIJZE_VAN_BEPALING_SWV, c.AANTAL,
               CASE WHEN $id IS NOT NULL THEN c.AANTAL - coalesce(p.AANTAL, 0) END
        FROM publish_counts c LEFT JOIN previous p
          ON c.SAMENWERKINGSVERBAND = p.SAMENWERKINGSVERBAND AND c.TELLING = p.TELLING
         AND c.BEKOSTIGINGSCATEGORIE = p.BEKOSTIGINGSCATEGORIE
         AND c.WIJZE_VAN_BEPALING_SWV IS NOT DISTINCT FROM p.WIJZE_VAN_BEPALING_SWV
        UNION ALL
        SELECT $teldatum::DATE, $peildatum::DATE, p.SAMENWERKINGSVERBAND,
               p.SAMENWERKINGSVERBAND_NAAM, p.TELLING, p.BEKOSTIGINGSCATEGORIE,
               p.WIJZE_VAN_BEPALING_SWV, 0, -p.AANTAL
        FROM previous p
        WHERE p.TELLING = 'TEN_LASTE' AND p.AANTAL > 0 AND NOT EXISTS (
            SELECT 1 FROM publish_counts c
            WHERE c.SAMENWERKINGSVERBAND = p.SAMENWERKINGSVERBAND AND c.TELLING = p.TELLING
              AND c.BEKOSTIGINGSCATEGORIE = p.BEKOSTIGINGSCATEGORIE
              AND c.WIJZE_VAN_BEPALING_SWV IS NOT DISTINCT FROM p.WIJZE_VAN_BEPALING_SWV)""",
        {"id": previous_id, "peildatum": peildatum, "teldatum": teldatum},
    )


def _insert_niet_toegerekend(con: duckdb.DuckDBPyConnection, peildatum: date) -> None:
    selected = ", ".join(
        "?::DATE" if c == "PEILDATUM" else c for c in datasets.NIET_TOEGEREKEND.columns
    )
    con.execute(
        f"INSERT INTO {history.staging_table(datasets.NIET_TOEGEREKEND)} "
        f"SELECT {selected} FROM publish_niet_toegerekend",
        [peildatum],
    )


def _stabiliteit_row(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    dates: StabilityDates,
    inhoud_hash: str,
    previous: history.Publication | None,
) -> dict[str, object]:
    mutations = dict(
        con.execute("SELECT MUTATIE, count(*) FROM publish_diff GROUP BY MUTATIE").fetchall()
    )
    unchanged = previous is not None and previous.inhoud_hash == inhoud_hash
    unchanged_since = peildatum
    if previous is not None and unchanged:
        unchanged_since = history.query_value(
            con,
            f"SELECT ONGEWIJZIGD_SINDS FROM {history.history_table(datasets.STABILITEIT)} "
            "WHERE PUBLICATIE_ID = ?",
            [previous.publicatie_id],
        )
    return {
        "TELDATUM": dates.teldatum,
        "PEILDATUM": peildatum,
        "STATUS": dates.status(peildatum),
        "REGISTRATIEDEADLINE": dates.registratiedeadline,
        "EINDE_BEZWAARTERMIJN": dates.einde_bezwaartermijn,
        "AANTAL_TEN_LASTE": mutations.get("NIEUW", 0)
        + mutations.get("GEWIJZIGD", 0)
        + mutations.get("ONGEWIJZIGD", 0),
        "AANTAL_NIEUW": mutations.get("NIEUW", 0),
        "AANTAL_GEWIJZIGD": mutations.get("GEWIJZIGD", 0),
        "AANTAL_VERVALLEN": mutations.get("VERVALLEN", 0),
        "ONGEWIJZIGD_SINDS": unchanged_since,
        # A late mutation: a change against an earlier publication, on or after the deadline.
        "LATE_MUTATIE": previous is not None and not unchanged and dates.is_late(peildatum),
        "INHOUD_HASH": inhoud_hash,
    }


def _insert_stabiliteit(con: duckdb.DuckDBPyConnection, row: dict[str, object]) -> None:
    columns = datasets.STABILITEIT.columns
    con.execute(
        f"INSERT INTO {history.staging_table(datasets.STABILITEIT)} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def _replace_staged(
    con: duckdb.DuckDBPyConnection,
    teldatum: date,
    peildatum: date,
    run_id: str,
    inhoud_hash: str,
    previous: history.Publication | None,
    stabiliteit: dict[str, object],
) -> None:
    """Replace what was staged for the teldatum, in one transaction."""
    previous_id = previous.publicatie_id if previous else None
    with atomic.transaction(con):
        for dataset in datasets.ALL:
            con.execute(
                f"DELETE FROM {history.staging_table(dataset)} WHERE TELDATUM = ?", [teldatum]
            )
        con.execute(f"DELETE FROM {history.STAGED} WHERE TELDATUM = ?", [teldatum])
        _insert_1b(con, peildatum)
        _insert_mutaties(con, teldatum, peildatum, previous.peildatum if previous else None)
        _insert_1a(con, teldatum, peildatum, previous_id)
        _insert_niet_toegerekend(con, peildatum)
        _insert_stabiliteit(con, stabiliteit)
        con.execute(
            f"INSERT INTO {history.STAGED} VALUES (?, ?, ?, ?, ?)",
            [teldatum, peildatum, run_id, inhoud_hash, previous_id],
        )


def read_staged(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, teldatum: date
) -> pyarrow.Table:
    """The staged rows of one dataset and teldatum, in published order."""
    return history.dataset_rows(con, dataset, history.staging_table(dataset), "TELDATUM", teldatum)


def stage_publication(
    con: duckdb.DuckDBPyConnection,
    charged: pyarrow.Table,
    niet_toegerekend: pyarrow.Table,
    counts: pyarrow.Table,
    peildatum: date,
    dates: StabilityDates,
    run_id: str,
) -> StagedPublication:
    """Derive the publication of teldatum `dates.teldatum` at `peildatum` from the rulebook's
    tables and put it in the staging tables (replacing what was staged for that teldatum).

    Raises OlderPeildatumError when the teldatum is published at a later peildatum, and
    InvalidInputError when an input lacks a column or holds another teldatum.
    """
    teldatum = dates.teldatum
    history.ensure_tables(con)
    previous = refuse_older_peildatum(con, teldatum, peildatum)
    previous_id = previous.publicatie_id if previous else None
    try:
        inputs = {
            datasets.DASHBOARD_1B.name: (
                _load_input(con, "charged", charged, CHARGED_COLUMNS),
                CHARGED_COLUMNS,
            ),
            datasets.DASHBOARD_1A.name: (
                _load_input(con, "counts", counts, COUNTS_COLUMNS),
                COUNTS_COLUMNS,
            ),
            datasets.NIET_TOEGEREKEND.name: (
                _load_input(con, "niet_toegerekend", niet_toegerekend, NIET_TOEGEREKEND_COLUMNS),
                NIET_TOEGEREKEND_COLUMNS,
            ),
        }
        _check_teldatum(con, [table for table, _ in inputs.values()], teldatum)
        inhoud_hash = content_hash(con, inputs)
        _diff_1b(con, previous_id)
        stabiliteit = _stabiliteit_row(con, peildatum, dates, inhoud_hash, previous)
        _replace_staged(con, teldatum, peildatum, run_id, inhoud_hash, previous, stabiliteit)
    finally:
        for temp in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {temp}")

    return StagedPublication(
        teldatum=teldatum,
        peildatum=peildatum,
        run_id=run_id,
        inhoud_hash=inhoud_hash,
        vorige_publicatie_id=previous_id,
        dashboard_1b=read_staged(con, datasets.DASHBOARD_1B, teldatum),
        dashboard_1a=read_staged(con, datasets.DASHBOARD_1A, teldatum),
        niet_toegerekend=read_staged(con, datasets.NIET_TOEGEREKEND, teldatum),
        mutaties=read_staged(con, datasets.MUTATIES, teldatum),
        stabiliteit=read_staged(con, datasets.STABILITEIT, teldatum),
    )

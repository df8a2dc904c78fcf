"""Write: stage what one extract makes of one teldatum, next to what was published, for audit.

Two modes (DOMAIN.md S4-S8):
- PUBLISH: a new publication of T at P, compared (S5) with the current publication of T before
  P, never with itself. When the current publication at P has the same content and the same
  predecessor, nothing is staged: the same files publish nothing new (S4).
- AFWIJKINGEN: T is final (S8). Its publication stays; the extract is compared with the final
  publication and the differences are staged as afwijkingen_na_definitief.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import duckdb

from rod_pipeline import atomic
from rod_pipeline.publish import datasets, history
from rod_pipeline.publish.content_hash import content_hash
from rod_pipeline.publish.errors import InvalidInputError
from rod_pipeline.rulebook.calendar import DEFINITIEF, StabilityDates

_KEY_1B = ("SAMENWERKINGSVERBAND", "INSCHRIJVING_ID")
# Compared in the order of the dashboard 1b columns (CONTRACT: GEWIJZIGDE_KOLOMMEN).
COMPARED_1B = [
    c
    for c in datasets.DASHBOARD_1B.columns
    if c not in (*_KEY_1B, "TELDATUM", "PEILDATUM", "MUTATIE")
]
# S6: a change in these columns changes who pays for what.
FUNDING_COLUMNS = ("BEKOSTIGINGSCATEGORIE", "WIJZE_VAN_BEPALING_SWV")
_TEMP_TABLES = ("publish_charged", "publish_counts", "publish_niet_toegerekend", "publish_diff")


class Mode(Enum):
    PUBLISH = "PUBLICEREN"
    AFWIJKINGEN = "AFWIJKINGEN"


@dataclass(frozen=True)
class RulebookTables:
    """Relations in the connection holding the rulebook's output for one teldatum."""

    charged: str
    niet_toegerekend: str
    counts: str


@dataclass(frozen=True)
class Staged:
    """What was staged for one teldatum; `stabiliteit` only for a publication."""

    teldatum: date
    peildatum: date
    mode: Mode
    inhoud_hash: str
    vorige_publicatie_id: int | None
    mutations: dict[str, int]  # NIEUW / GEWIJZIGD / VERVALLEN / BEKOSTIGINGSRELEVANT
    stabiliteit: dict[str, Any] | None


def _input_columns(dataset: datasets.Dataset, derived: tuple[str, ...]) -> list[str]:
    return [c for c in dataset.columns if c not in derived]


CHARGED_COLUMNS = _input_columns(datasets.DASHBOARD_1B, ("PEILDATUM", "MUTATIE"))
NIET_TOEGEREKEND_COLUMNS = _input_columns(datasets.NIET_TOEGEREKEND, ("PEILDATUM",))
COUNTS_COLUMNS = _input_columns(datasets.DASHBOARD_1A, ("PEILDATUM", "VERSCHIL"))


def _load(
    con: duckdb.DuckDBPyConnection, source: str, target: str, dataset: datasets.Dataset, columns
) -> None:
    """Copy one teldatum's rulebook rows into a temp table with the published types."""
    have = {row[0] for row in con.execute(f"DESCRIBE {source}").fetchall()}
    missing = [c for c in columns if c not in have]
    if missing:
        raise InvalidInputError(f"{source} lacks columns: {', '.join(missing)}")
    casts = ", ".join(f"CAST({c} AS {dataset.duckdb_types[c]}) AS {c}" for c in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {target} AS SELECT {casts} FROM {source}")


def _check_teldatum(con: duckdb.DuckDBPyConnection, teldatum: date) -> None:
    for table in ("publish_charged", "publish_counts", "publish_niet_toegerekend"):
        wrong = history.query_value(
            con, f"SELECT count(*) FROM {table} WHERE TELDATUM IS DISTINCT FROM ?", [teldatum]
        )
        if wrong:
            raise InvalidInputError(
                f"{wrong} rows of {table} have a TELDATUM other than {teldatum}"
            )


def _diff(con: duckdb.DuckDBPyConnection, baseline_id: int | None) -> None:
    """publish_diff: per key of the current or the baseline 1b, the mutation (S5, S6)."""
    changed = ", ".join(
        f"CASE WHEN c.{col} IS DISTINCT FROM p.{col} THEN '{col}' END" for col in COMPARED_1B
    )
    previous_values = ", ".join(
        f"CASE WHEN c.{col} IS DISTINCT FROM p.{col} "
        f"THEN '{col}=' || coalesce(CAST(p.{col} AS VARCHAR), '') END"
        for col in COMPARED_1B
    )
    funding = " OR ".join(f"list_contains(CHANGED_LIST, '{col}')" for col in FUNDING_COLUMNS)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE publish_diff AS
        WITH previous AS (
            SELECT * FROM {history.history_table(datasets.DASHBOARD_1B)} WHERE PUBLICATIE_ID = ?
        ), joined AS (
            SELECT coalesce(c.SAMENWERKINGSVERBAND, p.SAMENWERKINGSVERBAND) AS SAMENWERKINGSVERBAND,
                   coalesce(c.INSCHRIJVING_ID, p.INSCHRIJVING_ID) AS INSCHRIJVING_ID,
                   coalesce(c.ONDERWIJSNUMMER, p.ONDERWIJSNUMMER) AS ONDERWIJSNUMMER,
                   c.INSCHRIJVING_ID IS NOT NULL AS IN_CURRENT,
                   p.INSCHRIJVING_ID IS NOT NULL AS IN_PREVIOUS,
                   [x FOR x IN [{changed}] IF x IS NOT NULL] AS CHANGED_LIST,
                   concat_ws('; ', {previous_values}) AS PREVIOUS_VALUES
            FROM publish_charged c FULL OUTER JOIN previous p
              ON c.SAMENWERKINGSVERBAND = p.SAMENWERKINGSVERBAND
             AND c.INSCHRIJVING_ID = p.INSCHRIJVING_ID
        ), classified AS (
            SELECT *,
                   CASE WHEN NOT IN_PREVIOUS THEN 'NIEUW'
                        WHEN NOT IN_CURRENT THEN 'VERVALLEN'
                        WHEN len(CHANGED_LIST) > 0 THEN 'GEWIJZIGD'
                        ELSE 'ONGEWIJZIGD' END AS MUTATIE
            FROM joined
        )
        SELECT SAMENWERKINGSVERBAND, INSCHRIJVING_ID, ONDERWIJSNUMMER, MUTATIE,
               MUTATIE IN ('NIEUW', 'VERVALLEN') OR (MUTATIE = 'GEWIJZIGD' AND ({funding}))
                   AS BEKOSTIGINGSRELEVANT,
               -- S5: a pupil whose charge moved is VERVALLEN at one partnership and NIEUW at
               -- the other; each names the other.
               CASE MUTATIE
                   WHEN 'NIEUW' THEN min(SAMENWERKINGSVERBAND) FILTER (MUTATIE = 'VERVALLEN')
                       OVER (PARTITION BY ONDERWIJSNUMMER)
                   WHEN 'VERVALLEN' THEN min(SAMENWERKINGSVERBAND) FILTER (MUTATIE = 'NIEUW')
                       OVER (PARTITION BY ONDERWIJSNUMMER)
               END AS ANDER_SAMENWERKINGSVERBAND,
               CASE WHEN MUTATIE = 'GEWIJZIGD' THEN array_to_string(CHANGED_LIST, ',') END
                   AS GEWIJZIGDE_KOLOMMEN,
               CASE WHEN MUTATIE = 'GEWIJZIGD' THEN PREVIOUS_VALUES END AS VORIGE_WAARDEN
        FROM classified""",
        [baseline_id],
    )


def _mutation_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    counts = dict(
        con.execute("SELECT MUTATIE, count(*) FROM publish_diff GROUP BY MUTATIE").fetchall()
    )
    counts["BEKOSTIGINGSRELEVANT"] = int(
        history.query_value(con, "SELECT count(*) FROM publish_diff WHERE BEKOSTIGINGSRELEVANT")
    )
    return {k: int(v) for k, v in counts.items()}


def _insert_mutations(
    con: duckdb.DuckDBPyConnection,
    dataset: datasets.Dataset,
    teldatum: date,
    peildatum: date,
    baseline_peildatum: date | None,
) -> None:
    con.execute(
        f"""INSERT INTO {history.staging_table(dataset)} ({history.column_list(dataset)})
            SELECT ?::DATE, ?::DATE, ?::DATE, SAMENWERKINGSVERBAND, INSCHRIJVING_ID,
                   ONDERWIJSNUMMER, MUTATIE, BEKOSTIGINGSRELEVANT, ANDER_SAMENWERKINGSVERBAND,
                   GEWIJZIGDE_KOLOMMEN, VORIGE_WAARDEN
            FROM publish_diff WHERE MUTATIE <> 'ONGEWIJZIGD'""",
        [teldatum, peildatum, baseline_peildatum],
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


def _insert_1a(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date, baseline_id: int | None
) -> None:
    """VERSCHIL against the baseline (a combination absent there counted 0); a TEN_LASTE
    combination that vanished gets AANTAL 0 and a negative VERSCHIL."""
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
        {"id": baseline_id, "peildatum": peildatum, "teldatum": teldatum},
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
    peildatum: date,
    dates: StabilityDates,
    inhoud_hash: str,
    mutations: dict[str, int],
    baseline: dict[str, Any] | None,
    heropend_reden: str | None,
) -> dict[str, Any]:
    """S7: the first publication counts every row as new, and as a funding-relevant change."""
    relevant = mutations.get("BEKOSTIGINGSRELEVANT", 0)
    changed = sum(mutations.get(k, 0) for k in ("NIEUW", "GEWIJZIGD", "VERVALLEN"))
    return {
        "TELDATUM": dates.teldatum,
        "PEILDATUM": peildatum,
        "STATUS": dates.status(peildatum),
        "REGISTRATIEDEADLINE": dates.registratiedeadline,
        "EINDE_BEZWAARTERMIJN": dates.einde_bezwaartermijn,
        "AANTAL_TEN_LASTE": sum(mutations.get(k, 0) for k in ("NIEUW", "GEWIJZIGD", "ONGEWIJZIGD")),
        "AANTAL_NIEUW": mutations.get("NIEUW", 0),
        "AANTAL_GEWIJZIGD": mutations.get("GEWIJZIGD", 0),
        "AANTAL_VERVALLEN": mutations.get("VERVALLEN", 0),
        "AANTAL_BEKOSTIGINGSRELEVANT": relevant,
        "ONGEWIJZIGD_SINDS": peildatum
        if baseline is None or changed
        else baseline["ONGEWIJZIGD_SINDS"],
        "BEKOSTIGING_ONGEWIJZIGD_SINDS": peildatum
        if baseline is None or relevant
        else baseline["BEKOSTIGING_ONGEWIJZIGD_SINDS"],
        "LATE_MUTATIE": dates.is_late(peildatum) and relevant > 0,
        "HEROPEND_REDEN": heropend_reden,
        "INHOUD_HASH": inhoud_hash,
    }


def _insert_stabiliteit(con: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> None:
    columns = datasets.STABILITEIT.columns
    con.execute(
        f"INSERT INTO {history.staging_table(datasets.STABILITEIT)} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})",
        [row[c] for c in columns],
    )


def clear_staged(con: duckdb.DuckDBPyConnection, teldatum: date | None = None) -> None:
    """Empty the staging tables (of one teldatum)."""
    where, params = ("TELDATUM = ?", [teldatum]) if teldatum else ("true", [])
    for dataset in datasets.ALL:
        if dataset.stored:
            con.execute(f"DELETE FROM {history.staging_table(dataset)} WHERE {where}", params)
    con.execute(f"DELETE FROM {history.STAGED} WHERE {where}", params)


def baseline_for(
    con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date
) -> history.Publication | None:
    """S4/S5: the current publication of T before P; a publication at P itself is replaced."""
    before = [p for p in history.current_publications(con, teldatum) if p.peildatum < peildatum]
    return before[-1] if before else None


def stage_teldatum(
    con: duckdb.DuckDBPyConnection,
    tables: RulebookTables,
    peildatum: date,
    dates: StabilityDates,
    run_id: str,
    mode: Mode,
) -> Staged | None:
    """Stage what extract `peildatum` makes of teldatum `dates.teldatum`; None when it would
    publish nothing new (S4)."""
    teldatum = dates.teldatum
    history.ensure_tables(con)
    try:
        _load(con, tables.charged, "publish_charged", datasets.DASHBOARD_1B, CHARGED_COLUMNS)
        _load(con, tables.counts, "publish_counts", datasets.DASHBOARD_1A, COUNTS_COLUMNS)
        _load(
            con,
            tables.niet_toegerekend,
            "publish_niet_toegerekend",
            datasets.NIET_TOEGEREKEND,
            NIET_TOEGEREKEND_COLUMNS,
        )
        _check_teldatum(con, teldatum)
        inhoud_hash = content_hash(
            con,
            {
                "dashboard_1b": ("publish_charged", CHARGED_COLUMNS),
                "dashboard_1a": ("publish_counts", COUNTS_COLUMNS),
                "niet_toegerekend": ("publish_niet_toegerekend", NIET_TOEGEREKEND_COLUMNS),
            },
        )
        if mode is Mode.AFWIJKINGEN:
            return _stage_afwijkingen(con, dates, peildatum, run_id, inhoud_hash)
        return _stage_publication(con, dates, peildatum, run_id, inhoud_hash)
    finally:
        for temp in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {temp}")


def _stage_publication(
    con: duckdb.DuckDBPyConnection,
    dates: StabilityDates,
    peildatum: date,
    run_id: str,
    inhoud_hash: str,
) -> Staged | None:
    teldatum = dates.teldatum
    baseline = baseline_for(con, teldatum, peildatum)
    baseline_id = baseline.publicatie_id if baseline else None
    reopened = history.pending_reopening(con, teldatum)
    existing = history.latest_publication(con, teldatum)
    if (
        existing is not None
        and existing.peildatum == peildatum
        and existing.inhoud_hash == inhoud_hash
        and existing.vorige_publicatie_id == baseline_id
        and reopened is None
    ):
        return None
    _diff(con, baseline_id)
    mutations = _mutation_counts(con)
    stabiliteit = _stabiliteit_row(
        peildatum,
        dates,
        inhoud_hash,
        mutations,
        history.stabiliteit_of(con, baseline_id) if baseline_id else None,
        reopened,
    )
    with atomic.transaction(con):
        clear_staged(con, teldatum)
        _insert_1b(con, peildatum)
        _insert_mutations(
            con, datasets.MUTATIES, teldatum, peildatum, baseline.peildatum if baseline else None
        )
        _insert_1a(con, teldatum, peildatum, baseline_id)
        _insert_niet_toegerekend(con, peildatum)
        _insert_stabiliteit(con, stabiliteit)
        con.execute(
            f"INSERT INTO {history.STAGED} VALUES (?, ?, ?, ?, ?, ?)",
            [teldatum, peildatum, run_id, inhoud_hash, baseline_id, Mode.PUBLISH.value],
        )
    return Staged(
        teldatum, peildatum, Mode.PUBLISH, inhoud_hash, baseline_id, mutations, stabiliteit
    )


def _stage_afwijkingen(
    con: duckdb.DuckDBPyConnection,
    dates: StabilityDates,
    peildatum: date,
    run_id: str,
    inhoud_hash: str,
) -> Staged | None:
    teldatum = dates.teldatum
    final = history.final_publication(con, teldatum)
    if final is None:
        raise InvalidInputError(f"teldatum {teldatum} has no final publication to compare with")
    latest = {a.teldatum: a for a in history.current_afwijkingen(con)}.get(teldatum)
    if (
        latest is not None
        and latest.peildatum == peildatum
        and latest.inhoud_hash == inhoud_hash
        and latest.finale_publicatie_id == final.publicatie_id
    ):
        return None
    _diff(con, final.publicatie_id)
    mutations = _mutation_counts(con)
    with atomic.transaction(con):
        clear_staged(con, teldatum)
        _insert_mutations(
            con, datasets.AFWIJKINGEN_NA_DEFINITIEF, teldatum, peildatum, final.peildatum
        )
        con.execute(
            f"INSERT INTO {history.STAGED} VALUES (?, ?, ?, ?, ?, ?)",
            [teldatum, peildatum, run_id, inhoud_hash, final.publicatie_id, Mode.AFWIJKINGEN.value],
        )
    return Staged(
        teldatum, peildatum, Mode.AFWIJKINGEN, inhoud_hash, final.publicatie_id, mutations, None
    )


def becomes_final(con: duckdb.DuckDBPyConnection, staged: Staged) -> bool:
    """S8: the first DEFINITIEF publication of T is final; after a reopening, the next one."""
    if staged.stabiliteit is None or staged.stabiliteit["STATUS"] != DEFINITIEF:
        return False
    if staged.stabiliteit["HEROPEND_REDEN"] is not None:
        return True
    final = history.final_publication(con, staged.teldatum)
    return final is None or final.peildatum >= staged.peildatum

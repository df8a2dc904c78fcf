"""Withdraw a publication (rollback) or reopen a final teldatum (S8): the operator's corrections.

Both change the warehouse history only; the caller then builds a new snapshot of published/.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb

from rod_pipeline import atomic
from rod_pipeline.publish import history
from rod_pipeline.publish.errors import NotFinalError, NothingToRollBackError


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def rollback(
    con: duckdb.DuckDBPyConnection, teldatum: date, to_peildatum: date | None = None
) -> history.Publication | None:
    """Withdraw the current publication of `teldatum` (or every one after `to_peildatum`);
    returns the publication that is current now (None when none is left).

    Withdrawn publications stay in the history with INGETROKKEN_OP set; they are no longer
    published, not in `stabiliteit`, and no longer the baseline of the next one. Afwijkingen
    measured against a withdrawn final publication are withdrawn with it. A plain `run` does
    not publish the withdrawn extract again; `run --peildatum` does.
    """
    history.ensure_tables(con)
    current = history.current_publications(con, teldatum)
    if to_peildatum is None:
        withdrawn = current[-1:]
    else:
        withdrawn = [p for p in current if p.peildatum > to_peildatum]
    if not withdrawn:
        after = f" after peildatum {to_peildatum}" if to_peildatum else ""
        raise NothingToRollBackError(f"teldatum {teldatum} has no publication{after} to withdraw")
    ids = [p.publicatie_id for p in withdrawn]
    marks = ", ".join("?" for _ in ids)
    now = _now()
    with atomic.transaction(con):
        con.execute(
            f"UPDATE {history.PUBLICATIONS} SET INGETROKKEN_OP = ? "
            f"WHERE PUBLICATIE_ID IN ({marks})",
            [now, *ids],
        )
        con.execute(
            f"UPDATE {history.AFWIJKINGEN} SET VERVANGEN_OP = ? "
            f"WHERE VERVANGEN_OP IS NULL AND FINALE_PUBLICATIE_ID IN ({marks})",
            [now, *ids],
        )
    return history.latest_publication(con, teldatum)


def reopen(con: duckdb.DuckDBPyConnection, teldatum: date, reason: str) -> history.Publication:
    """Let the next run publish a final teldatum again (S8); its stabiliteit row will carry the
    reason. Returns the final publication that will be replaced."""
    history.ensure_tables(con)
    final = history.final_publication(con, teldatum)
    if final is None:
        raise NotFinalError(
            f"teldatum {teldatum} is not final: its next publication happens without reopening"
        )
    con.execute(
        f"INSERT INTO {history.REOPENINGS} VALUES (?, ?, ?, NULL)", [teldatum, reason, _now()]
    )
    return final

"""Withdraw publications and publish again what came before them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from rod_pipeline.publish import history
from rod_pipeline.publish.errors import NothingToRollBackError
from rod_pipeline.publish.export import export_published


def rollback(
    con: duckdb.DuckDBPyConnection,
    published_dir: Path,
    teldatum: date,
    to_peildatum: date | None = None,
) -> history.Publication | None:
    """Withdraw publications of `teldatum` and re-export it; returns the publication that is
    published now (None when none is left, and the teldatum's files are removed).

    Without `to_peildatum`, the current publication is withdrawn and the one before it (the
    latest not withdrawn) is published again. With `to_peildatum`, every publication with a
    later peildatum is withdrawn, so the latest one at or before `to_peildatum` is published
    again. Withdrawn publications stay in the history with INGETROKKEN_OP set; they are no
    longer published, not in `stabiliteit`, and no longer the "previous publication" the next
    one is compared with, so a newer extract is compared with what is published. The files of
    the restored publication are the files it had before, byte for byte.

    Raises NothingToRollBackError when there is nothing to withdraw.
    """
    history.ensure_tables(con)
    current = [p for p in history.publications_of(con, teldatum) if p.ingetrokken_op is None]
    if to_peildatum is None:
        withdrawn = current[-1:]
    else:
        withdrawn = [p for p in current if p.peildatum > to_peildatum]
    if not withdrawn:
        after = f" after peildatum {to_peildatum}" if to_peildatum else ""
        raise NothingToRollBackError(f"teldatum {teldatum} has no publication{after} to withdraw")
    ids = [p.publicatie_id for p in withdrawn]
    con.execute(
        f"UPDATE {history.PUBLICATIONS} SET INGETROKKEN_OP = ? "
        f"WHERE PUBLICATIE_ID IN ({', '.join('?' for _ in ids)})",
        [datetime.now(UTC).replace(tzinfo=None), *ids],
    )
    export_published(con, published_dir, [teldatum])
    return history.latest_publication(con, teldatum)

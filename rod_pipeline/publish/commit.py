"""Audit and commit: validate what one extract staged, then append it to the history in one
transaction, with the record that the extract was processed. Nothing under published/ is
touched here (see snapshot.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pandas as pd
import pandera.errors
import pyarrow

import rod_pipeline
from rod_pipeline import atomic
from rod_pipeline.publish import datasets, history
from rod_pipeline.publish.errors import InvalidInputError, StaleStagingError
from rod_pipeline.publish.stage import Mode, Staged, becomes_final, clear_staged
from rod_pipeline.warehouse import side_by_side


@dataclass(frozen=True)
class ExtractKeys:
    """What an extract was processed from (the planner's fingerprint of it)."""

    peildatum: date
    extract_sleutel: str
    referentie_sleutel: str
    bestanden: str  # JSON: file name -> [size, mtime_ns, sha256]


def validate_table(dataset: datasets.Dataset, table: pyarrow.Table) -> None:
    """Validate against the dataset's Pandera model; the error counts failures per column and
    check (failure values are left out: they may be pupil numbers)."""
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    try:
        dataset.model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        counts = cases.groupby(["column", "check"], dropna=False).size()
        summary = "; ".join(f"{column} {check}: {n}" for (column, check), n in counts.items())
        raise InvalidInputError(f"{dataset.name} fails its schema: {summary}") from None


def staged_rows(
    con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, teldatum: date
) -> pyarrow.Table:
    return history.dataset_rows(
        con, dataset, history.staging_table(dataset), "TELDATUM = ?", [teldatum]
    )


def _validate(con: duckdb.DuckDBPyConnection, staged: list[Staged]) -> None:
    """Every staged table against its model, a few side by side: one reads its rows in DuckDB
    while another is validated in Python. The first failure (in staged order) is raised."""
    work = [
        (item.teldatum, dataset)
        for item in staged
        for dataset in (
            (datasets.AFWIJKINGEN_NA_DEFINITIEF,)
            if item.mode is Mode.AFWIJKINGEN
            else datasets.PUBLICATION
        )
    ]

    def validate(cursor: duckdb.DuckDBPyConnection, job: tuple[date, datasets.Dataset]) -> None:
        teldatum, dataset = job
        validate_table(dataset, staged_rows(cursor, dataset, teldatum))

    side_by_side(con, validate, work)


def _check_still_staged(con: duckdb.DuckDBPyConnection, staged: Staged, run_id: str) -> None:
    found = con.execute(
        f"SELECT PEILDATUM, RUN_ID, INHOUD_HASH FROM {history.STAGED} WHERE TELDATUM = ?",
        [staged.teldatum],
    ).fetchall()
    if found != [(staged.peildatum, run_id, staged.inhoud_hash)]:
        raise StaleStagingError(
            f"teldatum {staged.teldatum}: the staging tables hold another run's work; run again"
        )


def _copy(con: duckdb.DuckDBPyConnection, dataset: datasets.Dataset, key: int, teldatum) -> None:
    con.execute(
        f"INSERT INTO {history.history_table(dataset)} "
        f"SELECT ?, {history.column_list(dataset)} FROM {history.staging_table(dataset)} "
        "WHERE TELDATUM = ?",
        [key, teldatum],
    )


def _commit_publication(
    con: duckdb.DuckDBPyConnection, staged: Staged, run_id: str, keys: ExtractKeys, now
) -> history.Publication:
    final = becomes_final(con, staged)
    teldatum, peildatum = staged.teldatum, staged.peildatum
    # S4: the extract's earlier publication of T is replaced; S8: a final publication voids
    # the publications of T after it.
    replaced = "PEILDATUM > ?" if final else "PEILDATUM = ?"
    con.execute(
        f"UPDATE {history.PUBLICATIONS} SET VERVANGEN_OP = ? "
        f"WHERE TELDATUM = ? AND {history.CURRENT} AND (PEILDATUM = ? OR {replaced})",
        [now, teldatum, peildatum, peildatum],
    )
    assert staged.stabiliteit is not None
    publication = history.Publication(
        publicatie_id=history.next_id(con, history.PUBLICATIONS, "PUBLICATIE_ID"),
        teldatum=teldatum,
        peildatum=peildatum,
        run_id=run_id,
        gepubliceerd_op=now,
        inhoud_hash=staged.inhoud_hash,
        code_versie=rod_pipeline.__version__,
        rulebook_versie=rod_pipeline.RULEBOOK_VERSION,
        extract_sleutel=keys.extract_sleutel,
        vorige_publicatie_id=staged.vorige_publicatie_id,
        finaal=final,
        heropend_reden=staged.stabiliteit["HEROPEND_REDEN"],
        ingetrokken_op=None,
        vervangen_op=None,
    )
    con.execute(
        f"INSERT INTO {history.PUBLICATIONS} VALUES ({', '.join('?' for _ in range(14))})",
        list(vars(publication).values()),
    )
    for dataset in datasets.PUBLICATION:
        _copy(con, dataset, publication.publicatie_id, teldatum)
    con.execute(
        f"UPDATE {history.REOPENINGS} SET PUBLICATIE_ID = ? "
        "WHERE TELDATUM = ? AND PUBLICATIE_ID IS NULL",
        [publication.publicatie_id, teldatum],
    )
    if final:
        # Afwijkingen were measured against the final publication this one replaces (S8).
        con.execute(
            f"UPDATE {history.AFWIJKINGEN} SET VERVANGEN_OP = ? "
            "WHERE TELDATUM = ? AND VERVANGEN_OP IS NULL",
            [now, teldatum],
        )
    return publication


def _commit_afwijkingen(
    con: duckdb.DuckDBPyConnection, staged: Staged, run_id: str, now: datetime
) -> None:
    con.execute(
        f"UPDATE {history.AFWIJKINGEN} SET VERVANGEN_OP = ? "
        "WHERE TELDATUM = ? AND VERVANGEN_OP IS NULL",
        [now, staged.teldatum],
    )
    afwijking_id = history.next_id(con, history.AFWIJKINGEN, "AFWIJKING_ID")
    assert staged.vorige_publicatie_id is not None
    con.execute(
        f"INSERT INTO {history.AFWIJKINGEN} VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        [
            afwijking_id,
            staged.teldatum,
            staged.peildatum,
            staged.vorige_publicatie_id,
            staged.inhoud_hash,
            run_id,
            now,
        ],
    )
    _copy(con, datasets.AFWIJKINGEN_NA_DEFINITIEF, afwijking_id, staged.teldatum)


def commit_extract(
    con: duckdb.DuckDBPyConnection, staged: list[Staged], run_id: str, keys: ExtractKeys
) -> list[history.Publication]:
    """Commit everything one extract staged, and the record that it was processed, in one
    transaction. Returns the new publications.

    Raises InvalidInputError when a staged table fails its schema and StaleStagingError when
    the staging tables hold another run's work (nothing is committed then).
    """
    _validate(con, staged)
    now = datetime.now(UTC).replace(tzinfo=None)
    published = []
    with atomic.transaction(con):
        for item in staged:
            _check_still_staged(con, item, run_id)
            if item.mode is Mode.PUBLISH:
                published.append(_commit_publication(con, item, run_id, keys, now))
            else:
                _commit_afwijkingen(con, item, run_id, now)
        con.execute(
            f"INSERT INTO {history.EXTRACTS} VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                keys.peildatum,
                keys.extract_sleutel,
                keys.referentie_sleutel,
                rod_pipeline.RULEBOOK_VERSION,
                keys.bestanden,
                run_id,
                now,
            ],
        )
        for item in staged:
            clear_staged(con, item.teldatum)
    return published

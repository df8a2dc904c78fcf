"""Audit and publish: validate a staged publication and append it to the history."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd
import pandera.errors
import pyarrow

import rod_pipeline
from rod_pipeline import atomic
from rod_pipeline.publish import datasets, history
from rod_pipeline.publish.errors import InvalidInputError, StaleStagingError
from rod_pipeline.publish.stage import StagedPublication, refuse_older_peildatum


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


def validate_staged(staged: StagedPublication) -> None:
    """Validate every staged table against its Pandera model."""
    for dataset, table in staged.tables().items():
        validate_table(dataset, table)


def _check_still_staged(con: duckdb.DuckDBPyConnection, staged: StagedPublication) -> None:
    previous = refuse_older_peildatum(con, staged.teldatum, staged.peildatum)
    if (previous.publicatie_id if previous else None) != staged.vorige_publicatie_id:
        raise StaleStagingError(
            f"teldatum {staged.teldatum}: another publication was committed after this one was "
            "staged; stage it again"
        )
    found = con.execute(
        f"SELECT PEILDATUM, RUN_ID, INHOUD_HASH FROM {history.STAGED} WHERE TELDATUM = ?",
        [staged.teldatum],
    ).fetchall()
    if found != [(staged.peildatum, staged.run_id, staged.inhoud_hash)]:
        raise StaleStagingError(
            f"teldatum {staged.teldatum}: the staging tables hold another staged publication "
            f"than run {staged.run_id}; stage it again"
        )


def commit_publication(
    con: duckdb.DuckDBPyConnection, staged: StagedPublication
) -> history.Publication:
    """Append the staged publication to the history in one transaction; it becomes the
    teldatum's current publication. Nothing under published/ is touched (see export_published).

    Raises InvalidInputError when a staged table fails its schema, OlderPeildatumError when the
    teldatum is published at a later peildatum, StaleStagingError when the staging tables or the
    history changed since staging.
    """
    validate_staged(staged)
    with atomic.transaction(con):
        _check_still_staged(con, staged)
        publication = history.Publication(
            publicatie_id=history.query_value(
                con, f"SELECT coalesce(max(PUBLICATIE_ID), 0) + 1 FROM {history.PUBLICATIONS}"
            ),
            teldatum=staged.teldatum,
            peildatum=staged.peildatum,
            run_id=staged.run_id,
            gepubliceerd_op=datetime.now(UTC).replace(tzinfo=None),
            inhoud_hash=staged.inhoud_hash,
            code_versie=rod_pipeline.__version__,
            rulebook_versie=rod_pipeline.RULEBOOK_VERSION,
            ingetrokken_op=None,
        )
        con.execute(
            f"INSERT INTO {history.PUBLICATIONS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(vars(publication).values()),
        )
        for dataset in datasets.ALL:
            con.execute(
                f"INSERT INTO {history.history_table(dataset)} "
                f"SELECT ?, {history.column_list(dataset)} FROM {history.staging_table(dataset)} "
                "WHERE TELDATUM = ?",
                [publication.publicatie_id, staged.teldatum],
            )
    return publication

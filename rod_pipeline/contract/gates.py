"""Whole-extract gates: an extract that does not look like the register it claims to be stops.

Each validated file is compared with the same file of the previous extract (the latest one with
a smaller peildatum whose validation completed, per input_files). An operator who has checked
the extract accepts it with a reason; the gates it failed are then kept with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from rod_pipeline.contract import models
from rod_pipeline.contract.errors import ContractError
from rod_pipeline.contract.reports import FileReport

GATES: dict[str, str] = {
    "GEEN_RIJEN": "the file has no data rows",
    "KOLOM_VERDWENEN": "an optional column that the previous extract had is missing",
    "MINDER_RIJEN": "more than 10% fewer accepted rows than the previous extract",
    "VEEL_QUARANTAINE": "more than 5% of the file's rows quarantined",
}
_MAX_DROP = 0.10
_MAX_QUARANTINED = 0.05


@dataclass(frozen=True)
class GateFailure:
    bestand: str
    poort: str  # a key of GATES
    detail: str  # the figures, in the operator's words (never a value from the file)


class ExtractGateError(ContractError):
    """The extract does not look right; nothing of it was kept."""

    def __init__(self, peildatum: date, failures: list[GateFailure], quarantine: Path) -> None:
        details = "; ".join(f"{failure.bestand}: {failure.detail}" for failure in failures)
        if any(failure.poort == "VEEL_QUARANTAINE" for failure in failures):
            details += f" (the rows are in {quarantine})"
        super().__init__(failures[0].bestand, details, message=details)
        self.hint = (
            "check the extract; if it is right, accept it: rod-pipeline run "
            f'--peildatum {peildatum.isoformat()} --accept "reason"'
        )
        self.failures = failures


@dataclass(frozen=True)
class _Previous:
    peildatum: date
    accepted: int
    columns: list[str] | None  # None: recorded before columns were


def failed_gates(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    files: dict[str, FileReport],
    file_models: dict[str, type[models.ContractModel]],
) -> list[GateFailure]:
    """The gates the validated `files` of `peildatum` fail, file by file."""
    failures = []
    for name, report in files.items():
        previous = _previous(con, peildatum, name)
        columns = _columns(con, peildatum, report.bestand)
        optional = [
            column
            for column in models.file_columns(file_models[name])
            if column not in models.required_columns(file_models[name])
        ]
        failures += [
            GateFailure(report.bestand, poort, detail)
            for poort, detail in _judge(report, previous, columns, optional)
        ]
    return failures


def _judge(
    report: FileReport, previous: _Previous | None, columns: list[str], optional: list[str]
) -> list[tuple[str, str]]:
    read, accepted = report.rijen_gelezen, report.rijen_geaccepteerd or 0
    quarantined = report.rijen_gequarantaineerd or 0
    if read == 0:
        if previous is None:
            return [("GEEN_RIJEN", "no data rows")]
        return [
            (
                "GEEN_RIJEN",
                f"no data rows (the previous extract {previous.peildatum} had "
                f"{previous.accepted} accepted rows)",
            )
        ]
    found = []
    if previous and previous.columns is not None:
        gone = [c for c in optional if c in previous.columns and c not in columns]
        if gone:
            named = f"column {gone[0]} is" if len(gone) == 1 else f"columns {', '.join(gone)} are"
            had = "it" if len(gone) == 1 else "them"
            found.append(
                (
                    "KOLOM_VERDWENEN",
                    f"{named} missing (the previous extract {previous.peildatum} had {had})",
                )
            )
    if previous and accepted < previous.accepted * (1 - _MAX_DROP):
        drop = 100 * (previous.accepted - accepted) / previous.accepted
        found.append(
            (
                "MINDER_RIJEN",
                f"{accepted} accepted rows, {drop:.1f}% fewer than the {previous.accepted} of "
                f"the previous extract {previous.peildatum} (more than 10%)",
            )
        )
    if quarantined > read * _MAX_QUARANTINED:
        found.append(
            (
                "VEEL_QUARANTAINE",
                f"{quarantined} of {read} rows quarantined ({100 * quarantined / read:.1f}%, "
                "more than 5%)",
            )
        )
    return found


def _previous(con: duckdb.DuckDBPyConnection, peildatum: date, name: str) -> _Previous | None:
    found = con.execute(
        """SELECT PEILDATUM, RIJEN_GEACCEPTEERD, KOLOMMEN FROM input_files
        WHERE PEILDATUM < $peildatum AND BESTAND IN ($csv, $parquet)
            AND RIJEN_GEACCEPTEERD IS NOT NULL
        ORDER BY PEILDATUM DESC LIMIT 1""",
        {"peildatum": peildatum, "csv": f"{name}.csv", "parquet": f"{name}.parquet"},
    ).fetchone()
    return _Previous(found[0], found[1], found[2]) if found else None


def _columns(con: duckdb.DuckDBPyConnection, peildatum: date, bestand: str) -> list[str]:
    found = con.execute(
        "SELECT KOLOMMEN FROM input_files WHERE PEILDATUM = $peildatum AND BESTAND = $bestand",
        {"peildatum": peildatum, "bestand": bestand},
    ).fetchone()
    return list(found[0] or []) if found else []


def record_acceptance(
    con: duckdb.DuckDBPyConnection, peildatum: date, failures: list[GateFailure], reason: str
) -> None:
    """Keep the gates the operator accepted for `peildatum` (and only those: a run that passes
    every gate leaves none)."""
    con.execute(
        "DELETE FROM extract_acceptances WHERE PEILDATUM = $peildatum", {"peildatum": peildatum}
    )
    for failure in failures:
        con.execute(
            "INSERT INTO extract_acceptances VALUES ($peildatum, $bestand, $poort, $detail, "
            "$reden, current_timestamp)",
            {
                "peildatum": peildatum,
                "bestand": failure.bestand,
                "poort": failure.poort,
                "detail": failure.detail,
                "reden": reason,
            },
        )


def accepted_gates(con: duckdb.DuckDBPyConnection, peildatum: date) -> list[dict[str, Any]]:
    """The gates accepted for the extract of `peildatum`, for the manifest."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'extract_acceptances'"
    ).fetchall()  # read to the end: DuckDB 2 wants a result finished before the next query
    if not exists[0][0]:
        return []
    rows = con.execute(
        "SELECT BESTAND, POORT, DETAIL, REDEN, GEACCEPTEERD_OP FROM extract_acceptances "
        "WHERE PEILDATUM = $peildatum ORDER BY BESTAND, POORT",
        {"peildatum": peildatum},
    ).fetchall()
    return [
        {
            "file": bestand,
            "gate": poort,
            "detail": detail,
            "reason": reden,
            "accepted_at": accepted_at.isoformat(),
        }
        for bestand, poort, detail, reden, accepted_at in rows
    ]

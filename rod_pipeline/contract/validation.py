"""Validating a read extract: accepted rows to validated_*, the rest to quarantine.

A row breaking several rules is listed once per rule in the quarantine but counted once, so rows
read == accepted + quarantined. Then the whole extract passes its gates (gates.py), or nothing of
it is kept.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow

from rod_pipeline import atomic
from rod_pipeline.contract.extract import EXTRACT_FILES
from rod_pipeline.contract.gates import ExtractGateError, failed_gates, record_acceptance
from rod_pipeline.contract.models import file_columns
from rod_pipeline.contract.quarantine import PendingFile, write_quarantine_file
from rod_pipeline.contract.reports import FileReport, ValidationReport
from rod_pipeline.contract.rule_failures import (
    check_file,
    checked_table,
    failed_rows,
    failures_table,
)
from rod_pipeline.contract.rules import RULES
from rod_pipeline.contract.sql import literal, normalised_postcode
from rod_pipeline.contract.tables import ensure_tables, replace_rows, row_order

# Typed columns of validated_<name>: dates come parsed, postcodes normalised.
_VALIDATED_COLUMNS: dict[str, str] = {
    "inschrijvingen": f"""INSCHRIJVING_ID, ONDERWIJSNUMMER, VESTIGING, ONDERWIJSSOORT,
        BEKOSTIGINGSCATEGORIE, {normalised_postcode("POSTCODE_LEERLING")} AS POSTCODE_LEERLING,
        parsed_DATUM_INSCHRIJVING AS DATUM_INSCHRIJVING,
        parsed_DATUM_UITSCHRIJVING AS DATUM_UITSCHRIJVING, RESIDENTIEEL,
        parsed_REGISTRATIEDATUM AS REGISTRATIEDATUM""",
    "tlv": """TLV_NUMMER, ONDERWIJSNUMMER, SWV_CODE, SOORT_TLV, BEKOSTIGINGSCATEGORIE,
        parsed_BEGINDATUM AS BEGINDATUM, parsed_EINDDATUM AS EINDDATUM""",
}


def validate_extract(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    quarantine_dir: Path,
    *,
    accept: str | None = None,
) -> ValidationReport:
    """Apply every row rule to the extract read for `peildatum` (read_extract first).

    Replaces the peildatum's rows in validated_inschrijvingen, validated_tlv and quarantine,
    completes input_files, and writes quarantine_dir/peildatum=YYYY-MM-DD/quarantine.parquet.
    The reference data of the peildatum must be loaded (load_reference).

    An extract that fails a gate raises ExtractGateError and keeps nothing in the warehouse; its
    quarantine file is written all the same (the operator judges the extract by it). With
    `accept` (the operator's reason) the failed gates are recorded instead (accepted_gates).
    """
    if accept is not None and not accept.strip():
        raise ValueError("accepting an extract needs a reason")
    ensure_tables(con)
    _require_reference(con, peildatum)
    pending: PendingFile | None = None
    try:
        with row_order(con, preserve=False), atomic.transaction(con):
            con.execute(
                "DELETE FROM quarantine WHERE PEILDATUM = $peildatum", {"peildatum": peildatum}
            )
            files = {name: _validate_file(con, name, peildatum) for name in EXTRACT_FILES}
            pending = write_quarantine_file(con, peildatum, quarantine_dir)
            failures = failed_gates(con, peildatum, files, EXTRACT_FILES)
            if failures and accept is None:
                raise ExtractGateError(peildatum, failures, pending.final)
            record_acceptance(con, peildatum, failures, accept or "")
    except ExtractGateError:
        assert pending is not None
        pending.publish()
        raise
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    pending.publish()
    return ValidationReport(peildatum, files, pending.final)


def _require_reference(con: duckdb.DuckDBPyConnection, peildatum: date) -> None:
    for table in ("ref_samenwerkingsverbanden", "ref_vestigingen"):
        found = con.execute(
            f"SELECT count(*) FROM {table} WHERE PEILDATUM = $peildatum", {"peildatum": peildatum}
        ).fetchone()
        if not found or not found[0]:
            raise ValueError(f"no reference data loaded for peildatum {peildatum} (load_reference)")


def _validate_file(con: duckdb.DuckDBPyConnection, name: str, peildatum: date) -> FileReport:
    bestand, pad, sha256, rows_read = _input_file(con, name, peildatum)
    check_file(con, name, EXTRACT_FILES[name], peildatum)
    checked, failures = checked_table(name), failures_table(name)
    replace_rows(
        con,
        f"validated_{name}",
        peildatum,
        f"SELECT $peildatum AS PEILDATUM, BRON_REGEL, {_VALIDATED_COLUMNS[name]} FROM {checked} "
        f"ANTI JOIN {failures} USING (BRON_REGEL)",
    )
    con.register(
        "_rules", pyarrow.table({"REGEL_CODE": list(RULES), "OMSCHRIJVING": list(RULES.values())})
    )
    try:
        con.execute(
            f"""INSERT INTO quarantine BY NAME
            SELECT DISTINCT $peildatum AS PEILDATUM, {literal(bestand)} AS BESTAND,
                f.BRON_REGEL AS REGEL, f.KOLOM, f.REGEL_CODE, r.OMSCHRIJVING,
                {_value_of_kolom(name)} AS WAARDE
            FROM {failures} f JOIN ({failed_rows(con, name)}) c USING (BRON_REGEL)
                JOIN _rules r USING (REGEL_CODE)""",
            {"peildatum": peildatum},
        )
    finally:
        con.unregister("_rules")
    rows = _one(con, f"SELECT count(*) FROM {checked}")
    if rows != rows_read:  # raw_<name> was overwritten by reading another extract since
        raise ValueError(
            f"{bestand} of peildatum {peildatum} is no longer read: read_extract again"
        )
    quarantined = _one(con, f"SELECT count(DISTINCT BRON_REGEL) FROM {failures}")
    per_rule = dict(
        con.execute(
            f"SELECT REGEL_CODE, count(DISTINCT BRON_REGEL) FROM {failures} "
            "GROUP BY REGEL_CODE ORDER BY REGEL_CODE"
        ).fetchall()
    )
    con.execute(
        """UPDATE input_files
        SET RIJEN_GEACCEPTEERD = $accepted, RIJEN_GEQUARANTAINEERD = $quarantined
        WHERE PEILDATUM = $peildatum AND BESTAND = $bestand""",
        {
            "accepted": rows - quarantined,
            "quarantined": quarantined,
            "peildatum": peildatum,
            "bestand": bestand,
        },
    )
    return FileReport(bestand, Path(pad), sha256, rows, rows - quarantined, quarantined, per_rule)


def _input_file(
    con: duckdb.DuckDBPyConnection, name: str, peildatum: date
) -> tuple[str, str, str, int]:
    found = con.execute(
        "SELECT BESTAND, PAD, SHA256, RIJEN_GELEZEN FROM input_files WHERE PEILDATUM = $peildatum "
        "AND BESTAND IN ($csv, $parquet)",
        {"peildatum": peildatum, "csv": f"{name}.csv", "parquet": f"{name}.parquet"},
    ).fetchone()
    if found is None:
        raise ValueError(f"{name} of peildatum {peildatum} has not been read (read_extract)")
    return found[0], found[1], found[2], found[3]


def _value_of_kolom(name: str) -> str:
    """The trimmed value of the column the rule is about."""
    whens = " ".join(
        f"WHEN {literal(column)} THEN c.{column}" for column in file_columns(EXTRACT_FILES[name])
    )
    return f"CASE f.KOLOM {whens} END"


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    result = con.execute(sql).fetchone()
    assert result is not None
    return int(result[0])

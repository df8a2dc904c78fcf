"""Loading the operator's reference data; any broken row fails its file as a whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import atomic
from rod_pipeline.contract import models
from rod_pipeline.contract.errors import ContractError
from rod_pipeline.contract.extract import record_input_file
from rod_pipeline.contract.reports import FileReport
from rod_pipeline.contract.rule_failures import check_file, checked_table, failures_table
from rod_pipeline.contract.sources import inspect, locate, open_raw
from rod_pipeline.contract.sql import normalised_postcode
from rod_pipeline.contract.tables import ensure_tables, replace_rows

# In load order: the partnerships first, the others are checked against them.
REFERENCE_FILES: dict[str, type[models.ContractModel]] = {
    "samenwerkingsverbanden": models.Samenwerkingsverbanden,
    "regio_indeling": models.RegioIndeling,
    "vestigingen": models.Vestigingen,
    "teldata": models.Teldata,
}

# Typed columns of ref_<name>.
_REFERENCE_COLUMNS: dict[str, str] = {
    "samenwerkingsverbanden": "SWV_CODE, NAAM",
    "regio_indeling": "PC4, GEMEENTE, PO_SWV, VO_SWV",
    "vestigingen": f"""VESTIGING, NAAM, ONDERWIJSSOORT, CAST(CLUSTER AS INTEGER) AS CLUSTER,
        {normalised_postcode("POSTCODE")} AS POSTCODE, SWV_CODE""",
    "teldata": """parsed_TELDATUM AS TELDATUM, parsed_REGISTRATIEDEADLINE AS REGISTRATIEDEADLINE,
        parsed_EINDE_BEZWAARTERMIJN AS EINDE_BEZWAARTERMIJN""",
}

_SHOWN_FAILURES = 5


def load_reference(
    con: duckdb.DuckDBPyConnection, reference_dir: Path, peildatum: date
) -> dict[str, FileReport]:
    """Load the four reference files as ref_* rows of `peildatum`, all or nothing.

    ref_teldata keeps an empty REGISTRATIEDEADLINE / EINDE_BEZWAARTERMIJN as null: the stability
    calendar's default applies (StabilityDates.for_teldatum).
    """
    sources = {
        name: inspect(locate(reference_dir, name), model) for name, model in REFERENCE_FILES.items()
    }
    ensure_tables(con)
    reports = {}
    with atomic.transaction(con):
        for name, source in sources.items():
            model = REFERENCE_FILES[name]
            read = open_raw(con, source, name, model, peildatum)
            if check_file(con, name, model, peildatum):
                raise _broken_file(con, name, source.bestand)
            replace_rows(
                con,
                f"ref_{name}",
                peildatum,
                f"SELECT $peildatum AS PEILDATUM, {_REFERENCE_COLUMNS[name]} "
                f"FROM {checked_table(name)}",
            )
            reports[name] = replace(
                read, rijen_geaccepteerd=read.rijen_gelezen, rijen_gequarantaineerd=0
            )
            record_input_file(con, peildatum, reports[name], source.columns)
    return reports


def _broken_file(con: duckdb.DuckDBPyConnection, name: str, bestand: str) -> ContractError:
    """Names the first broken rows by line, column and rule; never their values."""
    failures = con.execute(
        f"SELECT BRON_REGEL, KOLOM, REGEL_CODE FROM {failures_table(name)} "
        "ORDER BY BRON_REGEL, KOLOM, REGEL_CODE"
    ).fetchall()
    rows = len({line for line, _, _ in failures})
    shown = "; ".join(
        f"line {line} {kolom} ({regel})" for line, kolom, regel in failures[:_SHOWN_FAILURES]
    )
    more = (
        f"; and {len(failures) - _SHOWN_FAILURES} more" if len(failures) > _SHOWN_FAILURES else ""
    )
    return ContractError(
        bestand, f"{rows} row(s) break the reference rules: {shown}{more}; correct the file"
    )

"""Not a test: time ingest + validate of a synthetic 5M-row extract against DuckDB's own load.

    .venv/bin/python -m rod_pipeline_tests.contract.measure_5m [FOLDER] [ROWS]

Builds a data folder in FOLDER (default: a temporary one) with DuckDB SQL (about 0.5% broken
rows), then runs each step in a fresh process and prints seconds and peak RSS.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from rod_pipeline_tests.contract.installation import SEED

PEILDATUM = dt.date(2025, 3, 15)
_CSV = "(FORMAT csv, DELIMITER ';', HEADER)"

_LOCATIONS = """
SELECT printf('%02d', l % 100) || chr((65 + (l // 100) % 26)::INTEGER)
        || chr((65 + l // 2600)::INTEGER) || printf('%02d', l // 100 % 7) AS VESTIGING,
    'School ' || l AS NAAM,
    CASE WHEN l % 50 = 0 THEN 'SBO' WHEN l % 50 = 1 THEN 'SO' WHEN l % 50 = 2 THEN 'VSO'
         WHEN l % 3 = 0 THEN 'VO' ELSE 'BAO' END AS ONDERWIJSSOORT,
    CASE WHEN l % 50 IN (1, 2) THEN '3' END AS CLUSTER,
    '7901 AB' AS POSTCODE,
    CASE WHEN l % 50 = 2 OR (l % 50 > 2 AND l % 3 = 0) THEN 'VO2202' ELSE 'PO2202' END AS SWV_CODE
FROM range(7000) t(l)
"""

_ENROLMENTS = """
WITH numbered AS (
    SELECT i, 10000000 + hash(i) % 89999999 AS base FROM range({rows}) t(i)
), checked AS (
    SELECT *, (9 * (base // 10000000 % 10) + 8 * (base // 1000000 % 10)
        + 7 * (base // 100000 % 10) + 6 * (base // 10000 % 10) + 5 * (base // 1000 % 10)
        + 4 * (base // 100 % 10) + 3 * (base // 10 % 10) + 2 * (base % 10)) % 11 AS check_digit
    FROM numbered
), located AS (
    SELECT c.*, l.VESTIGING, l.ONDERWIJSSOORT,
        DATE '2010-01-01' + CAST(c.i % 5000 AS INTEGER) AS start
    FROM checked c JOIN locations l ON l.position = c.i % 7000
)
SELECT
    CASE WHEN i % 100000 = 5 THEN 'I' || (i - 1) ELSE 'I' || i END AS INSCHRIJVING_ID,
    CASE WHEN i % 200 = 7 THEN '123456789' WHEN check_digit = 10 THEN '100000004'
         ELSE base::VARCHAR || check_digit::VARCHAR END AS ONDERWIJSNUMMER,
    VESTIGING, ONDERWIJSSOORT,
    CASE WHEN ONDERWIJSSOORT IN ('SO', 'VSO') THEN 'MIDDEN' END AS BEKOSTIGINGSCATEGORIE,
    CASE WHEN i % 10 <> 0 THEN (1000 + i % 9000)::VARCHAR || CASE WHEN i % 2 = 0 THEN ' AB'
        ELSE 'CD' END END AS POSTCODE_LEERLING,
    CASE WHEN i % 500 = 11 THEN '31-2-2024' WHEN i % 2 = 0 THEN strftime(start, '%-d-%-m-%Y')
         ELSE start::VARCHAR END AS DATUM_INSCHRIJVING,
    CASE WHEN i % 5 < 2 THEN strftime(start + 400, '%-d-%-m-%Y') END AS DATUM_UITSCHRIJVING,
    CASE WHEN i % 1000 = 3 THEN 'IJH' END AS RESIDENTIEEL,
    start::VARCHAR AS REGISTRATIEDATUM
FROM located
"""

_TLVS = """
SELECT 'PO2304-' || (2015 + i % 10) || '-' || i AS TLV_NUMMER, '123456782' AS ONDERWIJSNUMMER,
    'PO2304' AS SWV_CODE, CASE WHEN i % 2 = 0 THEN 'SBO' ELSE 'SO_VSO' END AS SOORT_TLV,
    CASE WHEN i % 2 = 1 THEN 'LAAG' END AS BEKOSTIGINGSCATEGORIE,
    (DATE '2015-08-01' + CAST(i % 3000 AS INTEGER))::VARCHAR AS BEGINDATUM,
    CASE WHEN i % 4 <> 0 THEN '31-7-2026' END AS EINDDATUM
FROM range({rows} // 25) t(i)
"""


def generate(root: Path, rows: int) -> None:
    shutil.copytree(SEED / "reference", root / "reference")
    extract = root / "inbox" / PEILDATUM.isoformat()
    extract.mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE locations AS "
        f"SELECT row_number() OVER () - 1 AS position, * FROM ({_LOCATIONS})"
    )
    vestigingen = root / "reference" / "vestigingen.csv"
    vestigingen.unlink()
    con.execute(f"COPY (SELECT * EXCLUDE (position) FROM locations) TO '{vestigingen}' {_CSV}")
    enrolments = _ENROLMENTS.format(rows=rows)
    con.execute(f"COPY ({enrolments}) TO '{extract}/inschrijvingen.csv' {_CSV}")
    con.execute(f"COPY ({_TLVS.format(rows=rows)}) TO '{extract}/tlv.csv' {_CSV}")


def floor(root: Path) -> None:
    """What DuckDB alone needs to load the CSVs into a table of the warehouse file."""
    con = duckdb.connect(str(root / "floor.duckdb"))
    started = time.perf_counter()
    for name in ("inschrijvingen", "tlv"):
        path = root / "inbox" / PEILDATUM.isoformat() / f"{name}.csv"
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', delim=';', header=true, "
            "all_varchar=true)"
        )
    _report("floor (DuckDB CTAS of both CSVs)", time.perf_counter() - started)


def ours(root: Path) -> None:
    from rod_pipeline.contract import load_reference, read_extract, validate_extract

    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    load_reference(con, root / "reference", PEILDATUM)
    loaded = time.perf_counter()
    read = read_extract(con, root / "inbox" / PEILDATUM.isoformat(), PEILDATUM)
    ingested = time.perf_counter()
    report = validate_extract(con, PEILDATUM, root / "quarantine")
    validated = time.perf_counter()
    print(
        f"  reference {loaded - started:.2f} s, read {ingested - loaded:.2f} s, "
        f"validate {validated - ingested:.2f} s"
    )
    for name, file in report.files.items():
        print(
            f"  {name}: read {read[name].rijen_gelezen}, accepted {file.rijen_geaccepteerd}, "
            f"quarantined {file.rijen_gequarantaineerd} {file.rijen_per_regel}"
        )
    _report("ours (read_extract + validate_extract)", validated - loaded)


def _report(label: str, seconds: float) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {seconds:.2f} s, peak RSS {peak_mb:.0f} MB", flush=True)


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in ("floor", "ours"):
        {"floor": floor, "ours": ours}[sys.argv[1]](Path(sys.argv[2]))
        return
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000_000
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "data"
    started = time.perf_counter()
    generate(root, rows)
    print(f"generated {rows} rows in {time.perf_counter() - started:.1f} s under {root}")
    for step in ("floor", "ours"):
        subprocess.run([sys.executable, "-m", __spec__.name, step, str(root)], check=True)


if __name__ == "__main__":
    main()

"""The teldata calendar read straight from reference/teldata.csv, for sensors and schedules.

Sensors must not wait for the warehouse lock, so they read the operator's file themselves; the
full validation of the file happens at ingest.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from rod_pipeline.rulebook.calendar import StabilityDates

_DATE = (
    "coalesce(try_strptime(nullif(trim({c}), ''), '%Y-%m-%d'), "
    "try_strptime(nullif(trim({c}), ''), '%d-%m-%Y'))::DATE"
)


def read_teldata(reference_dir: Path) -> list[StabilityDates]:
    csv, parquet = reference_dir / "teldata.csv", reference_dir / "teldata.parquet"
    if csv.exists():
        source = f"read_csv('{csv}', delim=';', header=true, all_varchar=true)"
    elif parquet.exists():
        source = f"read_parquet('{parquet}')"
    else:
        return []
    columns = ", ".join(
        _DATE.format(c=f'CAST("{c}" AS VARCHAR)')
        for c in ("TELDATUM", "REGISTRATIEDEADLINE", "EINDE_BEZWAARTERMIJN")
    )
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT {columns} FROM {source} ORDER BY 1").fetchall()
    return [StabilityDates.for_teldatum(t, d, e) for t, d, e in rows if t is not None]

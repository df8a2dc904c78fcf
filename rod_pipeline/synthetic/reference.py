"""The operator's reference files (always CSV, always valid)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from rod_pipeline.synthetic.files import write_table
from rod_pipeline.synthetic.geography import Geography
from rod_pipeline.synthetic.locations import Locations
from rod_pipeline.synthetic.timeline import TELDATA


def teldata_table() -> pa.Table:
    def text(values: list) -> pa.Array:
        return pa.array([v.isoformat() if v else None for v in values], pa.string())

    teldatum, deadline, end = zip(*TELDATA, strict=True)
    return pa.table(
        {
            "TELDATUM": text(list(teldatum)),
            "REGISTRATIEDEADLINE": text(list(deadline)),
            "EINDE_BEZWAARTERMIJN": text(list(end)),
        }
    )


def write_reference(folder: Path, geography: Geography, locations: Locations) -> dict[str, int]:
    """Writes the four reference files; returns the rows of each."""
    tables = {
        "samenwerkingsverbanden": geography.samenwerkingsverbanden_table(),
        "regio_indeling": geography.regio_indeling_table(),
        "vestigingen": locations.table(geography),
        "teldata": teldata_table(),
    }
    return {write_table(table, folder, name).name: table.num_rows for name, table in tables.items()}

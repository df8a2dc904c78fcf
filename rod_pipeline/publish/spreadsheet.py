"""One partnership's published rows as CSV files that open in a spreadsheet as they are
(CONTRACT.md, "For people without a BI tool").

Semicolon-separated (the list separator of Dutch spreadsheets), UTF-8 with a byte-order mark (so
Excel does not guess another encoding), dates as YYYY-MM-DD, numbers as numbers, and text quoted.
A text cell that a spreadsheet would run as a formula (OWASP "CSV injection") gets a leading `'`.
No .xlsx: none of our dependencies writes it (pandas needs openpyxl), and CSV is the contract.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pyarrow
import pyarrow.dataset as pads

from rod_pipeline import atomic
from rod_pipeline.publish import datasets

# Latest publication of every teldatum: its rows, the counts, the changes and the counts' history.
EXPORTED = (
    datasets.DASHBOARD_1B,
    datasets.DASHBOARD_1A,
    datasets.MUTATIES,
    datasets.DASHBOARD_1A_HISTORIE,
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PARTNERSHIP_FOLDER = "samenwerkingsverband="


def known_partnerships(published_dir: Path) -> list[str]:
    """Every partnership has a folder in dashboard 1b for every published teldatum."""
    folders = (published_dir / datasets.DASHBOARD_1B.name).glob(
        f"teldatum=*/{_PARTNERSHIP_FOLDER}*"
    )
    codes = {folder.name.removeprefix(_PARTNERSHIP_FOLDER) for folder in folders}
    return sorted(codes - {datasets.NULL_FOLDER})


def cell(value: object) -> object:
    """A value as a spreadsheet should see it: numbers as numbers, the rest as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nee"
    if isinstance(value, int):
        return value
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(published_dir: Path, dataset: datasets.Dataset, code: str) -> pyarrow.Table:
    # The partition columns are in the files: no hive partitioning, so each column comes once.
    source = pads.dataset(
        published_dir / dataset.name, format="parquet", schema=dataset.arrow_schema
    )
    table = source.to_table(filter=pads.field("SAMENWERKINGSVERBAND") == code)
    order = ("TELDATUM", *(c for c in dataset.sort_by if c != "TELDATUM"))
    return table.sort_by([(column, "ascending") for column in order])


def _csv(table: pyarrow.Table) -> bytes:
    text = io.StringIO()
    # Quoting text (not numbers) tells spreadsheets that ask (LibreOffice) to keep it as text.
    writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([cell(value) for value in row.values()])
    return text.getvalue().encode("utf-8-sig")


def export_partnership(published_dir: Path, code: str, out_dir: Path) -> list[Path]:
    """Write the partnership's rows of each exported dataset to out_dir/<CODE>_<dataset>.csv;
    returns the files. ValueError when the published data does not know the partnership."""
    published_dir = published_dir.resolve()  # one snapshot for every file, even if it switches
    known = known_partnerships(published_dir)
    if code not in known:
        raise ValueError(
            f"samenwerkingsverband {code!r} is not in the published data of {published_dir}, "
            f"which knows {len(known)} partnerships"
            + (f" ({known[0]} .. {known[-1]})" if known else "")
        )
    written = []
    for dataset in EXPORTED:
        path = out_dir / f"{code}_{dataset.name}.csv"
        atomic.write_bytes(path, _csv(_rows(published_dir, dataset, code)))
        written.append(path)
    return written

"""The physical line in the file of each row of a CSV file, and of each line DuckDB names.

DuckDB counts records, not lines: after a quoted field that spans lines the row's line in the
file is further down, and a blank line is skipped as a row but counted as a line. Such files are
rare, so they are found by counting line breaks while the file is hashed anyway
(`filefacts.scan`); only then is the file read once more here, to find where the numbering
shifts.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path


def record_lines(path: Path) -> Iterator[tuple[int, bool]]:
    """(first line, blank) of every record in the file, the header first, as DuckDB reads it:
    fields separated by `;`, quoted with `"`, a quote in a quoted field doubled."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream, delimiter=";", quotechar='"', doublequote=True)
        ended = 0
        for record in reader:
            yield ended + 1, not record
            ended = reader.line_num


def line_of_record(path: Path, record: int) -> int:
    """The line on which DuckDB's `record` (its "line", counting the header as 1) starts."""
    found = next(islice(record_lines(path), record - 1, None), None)
    return found[0] if found else record


def shifts(path: Path, rows: int) -> list[tuple[int, int]]:
    """Where the rows' lines stop being ordinal + 2: (ordinal, shift) from that row on, for a
    file of `rows` data rows (0 = the first row, on line 2 unless shifted)."""
    found: list[tuple[int, int]] = []
    ordinal, shift = 0, 0
    for line, blank in islice(record_lines(path), 1, None):
        if blank:
            continue
        if line - ordinal - 2 != shift:
            shift = line - ordinal - 2
            found.append((ordinal, shift))
        ordinal += 1
    if ordinal != rows:  # our reading of the dialect differs from DuckDB's: a bug of ours
        raise RuntimeError(f"{path.name}: {ordinal} rows found by line, DuckDB read {rows}")
    return found


def numbered(rows: str, ordinal: str, shifts_table: str | None) -> str:
    """SELECT BRON_REGEL, * FROM `rows`, where `ordinal` numbers the rows in file order from 0.

    With a table of shifts (ORDINAL, SHIFT) the line is looked up in it (an ASOF join: the rows
    come out in any order, they carry their line).
    """
    file_rows = f"(SELECT {ordinal} AS ORDINAL, * FROM {rows}) AS file_row"
    if shifts_table is None:
        return f"SELECT ORDINAL + 2 AS BRON_REGEL, * EXCLUDE (ORDINAL) FROM {file_rows}"
    return (
        "SELECT file_row.ORDINAL + 2 + coalesce(shift.SHIFT, 0) AS BRON_REGEL, "
        f"file_row.* EXCLUDE (ORDINAL) FROM {file_rows} "
        f"ASOF LEFT JOIN {shifts_table} AS shift ON file_row.ORDINAL >= shift.ORDINAL"
    )

"""Writing tables as the contract's input files: semicolon CSV with a header, or Parquet with
the same (all text) columns."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


def write_table(table: pa.Table, folder: Path, name: str, fmt: str = "csv") -> Path:
    """`folder/name.csv` or `folder/name.parquet`; returns the path written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    table = table.cast(pa.schema([pa.field(n, pa.string()) for n in table.column_names]))
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        # No value holds a semicolon, quote or newline; "none" refuses to write one that does.
        # Arrow would quote the header anyway, so it is written here, plain.
        options = pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none")
        with path.open("wb") as out:
            out.write((";".join(table.column_names) + "\n").encode())
            pacsv.write_csv(table, out, write_options=options)
    return path

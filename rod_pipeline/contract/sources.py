"""Reading one input file (CSV or its Parquet stand-in) as a raw view of text.

Whole-file problems (missing, empty, not UTF-8, not a semicolon table, required column missing,
line endings DuckDB cannot read) raise ContractError here, before any row is checked. The raw
view is the file as delivered: every column as text, with BRON_REGEL, the row's physical line in
the file. It is a view, not a copy, so the file is read again by whoever selects from it
(validation reads it once).
"""

from __future__ import annotations

import codecs
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow
import pyarrow.parquet as pq

from rod_pipeline import filefacts
from rod_pipeline.contract import lines, models
from rod_pipeline.contract.errors import ContractError
from rod_pipeline.contract.reports import FileReport
from rod_pipeline.contract.sql import literal, quoted

_CHUNK = 16 * 1024 * 1024
_DUCKDB_LINE = re.compile(r"CSV Error on Line: (\d+)")
_DUCKDB_FIELDS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


@dataclass(frozen=True)
class SourceFile:
    """An input file found on disk whose header has been checked."""

    path: Path
    columns: list[str]  # header names as written, trimmed, in file order

    @property
    def bestand(self) -> str:
        return self.path.name


def locate(folder: Path, name: str) -> Path:
    """`name.csv` or `name.parquet` in `folder`; exactly one of them must be there."""
    csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
    if csv.is_file() and parquet.is_file():
        problem = f"{csv.name} and {parquet.name} both present"
        raise ContractError(csv.name, problem, message=f"{problem}: remove one of them")
    if parquet.is_file():
        return parquet
    if not csv.is_file():
        raise ContractError(csv.name, f"the file is missing (nor {parquet.name}) in {folder}")
    return csv


def inspect(path: Path, model: type[models.ContractModel]) -> SourceFile:
    """Check the file's header: readable, a table, with the required columns.

    The rows are checked when the file is read through (open_raw): DuckDB's CSV reader rejects
    invalid UTF-8 itself, so the whole file is decoded here only to explain such a failure.
    """
    if path.suffix == ".parquet":
        try:
            columns = [name.strip() for name in pq.read_schema(path).names]
        except Exception as error:  # pyarrow raises several types for a broken file
            raise ContractError(path.name, "not a readable Parquet file") from error
    else:
        columns = _header_columns(path.name, _header(path))
    _check_columns(path.name, columns, model)
    return SourceFile(path, columns)


def _header(path: Path) -> str:
    """The file's first line, without BOM; a file of blanks only is empty.

    DuckDB reads lines ended by CR alone, but we could not tell their line numbers, and such
    files come from a conversion gone wrong: they are refused here.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    text = ""
    with path.open("rb") as stream:
        while not text.lstrip("\ufeff").strip() and (chunk := stream.read(_CHUNK)):
            try:
                text += decoder.decode(chunk)
            except UnicodeDecodeError:
                check_utf8(path)
                raise
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if not text.lstrip("\ufeff").strip():
        raise ContractError(path.name, "the file is empty")
    if "\r" in first_line.rstrip("\r"):
        raise ContractError(
            path.name,
            "the lines end in CR only (old Mac line endings); save the file with CRLF or LF "
            "line endings",
        )
    if not first_line.strip():
        raise ContractError(path.name, "line 1 is blank: the header must be the first line")
    return first_line.rstrip("\r")


def check_utf8(path: Path) -> None:
    """Decode the whole file; raise ContractError naming the first invalid byte and its line."""
    pending = b""  # an incomplete UTF-8 sequence at the end of the previous chunk
    lines_before = 0
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            data = pending + chunk
            try:
                _, used = codecs.utf_8_decode(data, "strict", not chunk)
            except UnicodeDecodeError as error:
                line = lines_before + data.count(b"\n", 0, error.start) + 1
                problem = f"not valid UTF-8 (byte 0x{data[error.start]:02x} at line {line})"
                raise ContractError(path.name, problem) from None
            lines_before += data.count(b"\n", 0, used)
            pending = data[used:]
            if not chunk:
                return


def _header_columns(bestand: str, header: str) -> list[str]:
    columns = [name.strip().strip('"').strip() for name in header.split(";")]
    if len(columns) < 2:
        raise ContractError(bestand, "not a semicolon-separated table")
    return columns


def _check_columns(bestand: str, columns: list[str], model: type[models.ContractModel]) -> None:
    expected = models.file_columns(model)
    twice = sorted({name for name in columns if name in expected and columns.count(name) > 1})
    if twice:
        raise ContractError(bestand, f"column {', '.join(twice)} appears more than once")
    missing = [name for name in models.required_columns(model) if name not in columns]
    if len(missing) == 1:
        raise ContractError(bestand, f"required column {missing[0]} is missing")
    if missing:
        raise ContractError(bestand, f"required columns {', '.join(missing)} are missing")


def raw_view(name: str) -> str:
    """The raw view of input file `name`: PEILDATUM, BRON_REGEL and every column as text."""
    return f"raw_{name}"


def shifts_table(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The table of line shifts of raw_<name> when its rows are not each on the next line."""
    table = f"line_shifts_{name}"
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = $table AND NOT temporary",
        {"table": table},
    ).fetchone()
    return table if found and found[0] else None


def open_raw(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    name: str,
    model: type[models.ContractModel],
    peildatum: date,
) -> FileReport:
    """Make raw_<name> a view on `source` as delivered; read it through once, hashing meanwhile.

    The view keeps nothing but the file's path (absolute: a view resolves a relative path against
    the reader's working directory), so the file must stay in place until it is validated.
    Extra columns are ignored; an optional column the file lacks is read as empty.
    """
    names = [f"c{index}" for index in range(len(source.columns))]
    present: dict[str, str] = {}
    for column, field in zip(source.columns, names, strict=True):
        present.setdefault(column, field)  # a repeated unknown column: the first is as good
    columns = models.file_columns(model)
    selected = ", ".join(
        f"{present.get(column, 'NULL')}::VARCHAR AS {column}" for column in columns
    )
    reader = _reader(source, names)
    table = f"line_shifts_{name}"
    con.execute(f"DROP TABLE IF EXISTS {table}")
    _create_view(con, name, peildatum, selected, reader, None)
    is_csv = source.path.suffix != ".parquet"
    with ThreadPoolExecutor(max_workers=1) as scanner:
        scanned = scanner.submit(filefacts.scan, source.path)
        try:
            if is_csv:  # counted once per file in a process, maybe while Python was loading
                # DuckDB checks a CSV's structure to count its records; the scan checks the
                # text is UTF-8 (DuckDB decodes only the fields a query selects).
                rows = filefacts.record_count(source.path, len(names))
            else:  # of Parquet, every column is decoded
                counts = "".join(f", count({column})" for column in columns)
                found = con.execute(f"SELECT count(*){counts} FROM {raw_view(name)}").fetchall()
                rows = found[0][0]
        except duckdb.Error as error:
            if is_csv:
                check_utf8(source.path)  # DuckDB's message for invalid UTF-8 quotes the line
            raise _table_error(source, str(error)) from None
        sha256, line_count, utf8 = scanned.result()
    if is_csv and not utf8:
        check_utf8(source.path)  # names the first invalid byte and its line
        raise ContractError(source.bestand, "not valid UTF-8")  # not reached
    rows = int(rows)
    if is_csv and line_count != rows + 1:
        found = lines.shifts(source.path, rows)  # rows span lines, or blank lines: rare
        if found:
            ordinals, shifts = zip(*found, strict=True)
            con.register("_shifts", pyarrow.table({"ORDINAL": ordinals, "SHIFT": shifts}))
            try:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM _shifts ORDER BY ORDINAL")
            finally:
                con.unregister("_shifts")
            _create_view(con, name, peildatum, selected, reader, table)
    return FileReport(source.bestand, source.path, sha256, rows)


def _create_view(
    con: duckdb.DuckDBPyConnection,
    name: str,
    peildatum: date,
    selected: str,
    reader: str,
    shifts: str | None,
) -> None:
    # row_number() OVER () keeps the file's order (DuckDB guarantees it for an empty OVER); it
    # is left out of a query that does not select BRON_REGEL.
    numbered = lines.numbered(reader, "row_number() OVER () - 1", shifts)
    con.execute(
        f"CREATE OR REPLACE VIEW {raw_view(name)} AS SELECT "
        f"DATE {literal(peildatum.isoformat())} AS PEILDATUM, BRON_REGEL, {selected} "
        f"FROM ({numbered})"
    )


def _reader(source: SourceFile, names: list[str]) -> str:
    path = literal(str(source.path.resolve()))
    if source.path.suffix == ".parquet":
        renamed = ", ".join(
            f"{quoted(original)} AS {name}"
            for original, name in zip(pq.read_schema(source.path).names, names, strict=True)
        )
        return f"(SELECT {renamed} FROM read_parquet({path}))"
    return filefacts.csv_reader(source.path, len(names))


def _table_error(source: SourceFile, duckdb_message: str) -> ContractError:
    """DuckDB's message quotes the offending line: keep only its line number and field counts.

    DuckDB's line counts records; the operator needs the line in the file.
    """
    record = _DUCKDB_LINE.search(duckdb_message)
    fields = _DUCKDB_FIELDS.search(duckdb_message)
    if record is None:
        mixed = _unlike_line_ending(source.path)
        if mixed:
            return ContractError(source.bestand, mixed)
        return ContractError(
            source.bestand, "not a semicolon-separated table (it cannot be read as a table)"
        )
    line = lines.line_of_record(source.path, int(record.group(1)))
    if fields:
        expected, found = fields.groups()
        detail = f"line {line} has {found} fields where the header has {expected}"
    else:
        detail = f"line {line} cannot be read"
    return ContractError(source.bestand, f"not a semicolon-separated table ({detail})")


def _unlike_line_ending(path: Path) -> str | None:
    """The first line that ends unlike line 1 (DuckDB stops there without naming it)."""
    if path.suffix == ".parquet":
        return None
    first = None
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.endswith(b"\n"):
                return None
            ending = "CRLF" if line.endswith(b"\r\n") else "LF"
            first = first or ending
            if ending != first:
                return (
                    f"line {number} ends in {ending} where line 1 ends in {first} (mixed line "
                    "endings); save the file with one kind of line ending"
                )
    return None

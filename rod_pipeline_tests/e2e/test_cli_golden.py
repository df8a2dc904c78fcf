"""The users' example through `rod-pipeline run`: the published Parquet equals their expected
rows, with the contract's columns and types, and reads the same in pyarrow, DuckDB and the
catalog."""

from __future__ import annotations

import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.e2e.helpers import (
    SEED_CASES,
    CliResult,
    assert_read_back_agrees,
    parquet_files,
    published,
    read_semicolon_csv,
    with_pyarrow,
)

pytestmark = pytest.mark.e2e

# CONTRACT.md, "Published datasets", word for word; every column not named here is a string.
CONTRACT_COLUMNS = {
    "dashboard_1b": "TELDATUM, PEILDATUM, SAMENWERKINGSVERBAND, SAMENWERKINGSVERBAND_NAAM, "
    "WIJZE_VAN_BEPALING_SWV, ONDERWIJSNUMMER, INSCHRIJVING_ID, VESTIGING, VESTIGING_NAAM, "
    "SWV_VESTIGING, ONDERWIJSSOORT, BEKOSTIGINGSCATEGORIE, DATUM_INSCHRIJVING, "
    "DATUM_UITSCHRIJVING, TLV_NUMMER, TLV_BEGINDATUM, TLV_EINDDATUM, TLV_GEBRUIKT, "
    "TLV_NIET_GEBRUIKT_REDEN, SIGNALERINGEN, MUTATIE",
    "dashboard_1a": "TELDATUM, PEILDATUM, SAMENWERKINGSVERBAND, SAMENWERKINGSVERBAND_NAAM, "
    "TELLING, BEKOSTIGINGSCATEGORIE, WIJZE_VAN_BEPALING_SWV, AANTAL, VERSCHIL",
    "dashboard_1a_historie": "TELDATUM, PEILDATUM, SAMENWERKINGSVERBAND, "
    "SAMENWERKINGSVERBAND_NAAM, TELLING, BEKOSTIGINGSCATEGORIE, WIJZE_VAN_BEPALING_SWV, AANTAL, "
    "VERSCHIL",
    "niet_toegerekend": "TELDATUM, PEILDATUM, SAMENWERKINGSVERBAND, INSCHRIJVING_ID, "
    "ONDERWIJSNUMMER, VESTIGING, ONDERWIJSSOORT, REDEN",
    "mutaties": "TELDATUM, PEILDATUM, VORIGE_PEILDATUM, SAMENWERKINGSVERBAND, INSCHRIJVING_ID, "
    "ONDERWIJSNUMMER, MUTATIE, BEKOSTIGINGSRELEVANT, ANDER_SAMENWERKINGSVERBAND, "
    "GEWIJZIGDE_KOLOMMEN, VORIGE_WAARDEN",
    "stabiliteit": "TELDATUM, PEILDATUM, STATUS, REGISTRATIEDEADLINE, EINDE_BEZWAARTERMIJN, "
    "AANTAL_TEN_LASTE, AANTAL_NIEUW, AANTAL_GEWIJZIGD, AANTAL_VERVALLEN, "
    "AANTAL_BEKOSTIGINGSRELEVANT, ONGEWIJZIGD_SINDS, BEKOSTIGING_ONGEWIJZIGD_SINDS, "
    "LATE_MUTATIE, HEROPEND_REDEN, INHOUD_HASH",
}
DATE_COLUMNS = {
    "TELDATUM",
    "PEILDATUM",
    "VORIGE_PEILDATUM",
    "DATUM_INSCHRIJVING",
    "DATUM_UITSCHRIJVING",
    "TLV_BEGINDATUM",
    "TLV_EINDDATUM",
    "REGISTRATIEDEADLINE",
    "EINDE_BEZWAARTERMIJN",
    "ONGEWIJZIGD_SINDS",
    "BEKOSTIGING_ONGEWIJZIGD_SINDS",
}
# 32-bit, so that sum() in DuckDB gives BIGINT to BI tools (the dataset registry).
INTEGER_COLUMNS = {
    "AANTAL",
    "VERSCHIL",
    "AANTAL_TEN_LASTE",
    "AANTAL_NIEUW",
    "AANTAL_GEWIJZIGD",
    "AANTAL_VERVALLEN",
    "AANTAL_BEKOSTIGINGSRELEVANT",
}
BOOLEAN_COLUMNS = {"LATE_MUTATIE", "BEKOSTIGINGSRELEVANT"}


def contract_type(column: str) -> pa.DataType:
    if column in DATE_COLUMNS:
        return pa.date32()
    if column in INTEGER_COLUMNS:
        return pa.int32()
    if column in BOOLEAN_COLUMNS:
        return pa.bool_()
    return pa.string()


def as_text(value: object) -> str | None:
    """A published value as the expected CSVs write it (empty = null)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _sorted(rows: list[tuple[str | None, ...]]) -> list[tuple[str | None, ...]]:
    return sorted(rows, key=lambda row: [value or "" for value in row])


def published_and_expected(data_dir: Path, name: str) -> tuple[list[tuple], list[tuple]]:
    """The published rows and the users' expected rows, on the expected file's columns, as text."""
    expected_rows = read_semicolon_csv(SEED_CASES / "expected" / f"{name}.csv")
    columns = list(expected_rows[0])
    table = with_pyarrow(published(data_dir), getattr(datasets, name.upper()))
    got = [tuple(as_text(row[c]) for c in columns) for row in table.to_pylist()]
    want = [tuple(row[c] for c in columns) for row in expected_rows]
    return _sorted(got), _sorted(want)


@pytest.mark.parametrize("name", ["dashboard_1b", "dashboard_1a", "stabiliteit"])
def test_published_rows_equal_the_users_expected_rows(
    seed_published: tuple[Path, CliResult], name: str
) -> None:
    data_dir, _ = seed_published
    got, want = published_and_expected(data_dir, name)
    assert got == want


def test_every_1b_row_of_a_first_publication_is_new(
    seed_published: tuple[Path, CliResult],
) -> None:
    table = with_pyarrow(published(seed_published[0]), datasets.DASHBOARD_1B)
    assert table.num_rows == 3
    assert set(table["MUTATIE"].to_pylist()) == {"NIEUW"}


@pytest.mark.parametrize("name", list(CONTRACT_COLUMNS))
def test_every_file_has_the_contract_columns_and_types(
    seed_published: tuple[Path, CliResult], name: str
) -> None:
    files = parquet_files(published(seed_published[0]), getattr(datasets, name.upper()))
    assert files, f"{name} has no Parquet file"
    for path in files:
        schema = pq.read_schema(path)
        for column in CONTRACT_COLUMNS[name].split(", "):
            assert column in schema.names, f"{path}: no column {column}"
            assert schema.field(column).type == contract_type(column), f"{path}: {column}"


@pytest.mark.parametrize(
    "dataset",
    [d for d in datasets.ALL if d.per_teldatum and d is not datasets.AFWIJKINGEN_NA_DEFINITIEF],
    ids=lambda d: d.name,
)
def test_partition_columns_are_inside_the_files_with_the_folders_values(
    seed_published: tuple[Path, CliResult], dataset: datasets.Dataset
) -> None:
    root = published(seed_published[0]) / dataset.name
    files = parquet_files(published(seed_published[0]), dataset)
    assert files
    for path in files:
        folders = dict(part.split("=", 1) for part in path.relative_to(root).parts[:-1])
        assert list(folders) == [key for key, _ in dataset.partitioning]
        table = pq.read_table(path)
        for key, column in dataset.partitioning:
            values = {as_text(v) or datasets.NULL_FOLDER for v in table[column].to_pylist()}
            # An empty partition (niet_toegerekend here) has no value to disagree.
            assert values <= {folders[key]}, f"{path}: {column} {values} vs folder {folders[key]}"


def test_niet_toegerekend_and_mutaties_are_published(
    seed_published: tuple[Path, CliResult],
) -> None:
    root = published(seed_published[0])
    assert (root / "niet_toegerekend" / "teldatum=2025-02-01").is_dir()
    assert with_pyarrow(root, datasets.NIET_TOEGEREKEND).num_rows == 0
    mutaties = with_pyarrow(root, datasets.MUTATIES)
    assert sorted(map(str, mutaties["INSCHRIJVING_ID"].to_pylist())) == [
        "2459428",
        "PAR705271",
        "PAR705272",
    ]
    assert set(mutaties["MUTATIE"].to_pylist()) == {"NIEUW"}
    assert set(mutaties["VORIGE_PEILDATUM"].to_pylist()) == {None}


def test_pyarrow_duckdb_and_catalog_read_the_same(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    tables = assert_read_back_agrees(published(seed_published[0]), tmp_path / "bi_tool")
    assert tables["dashboard_1b"].num_rows == 3
    assert tables["stabiliteit"].num_rows == 1

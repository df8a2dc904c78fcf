"""`rod-pipeline export`: one partnership's rows as CSV that a spreadsheet opens safely."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pyarrow
import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline.publish.dictionary import example_values
from rod_pipeline.publish.spreadsheet import (
    EXPORTED,
    cell,
    export_partnership,
    known_partnerships,
)
from rod_pipeline_tests.bi.folders import (
    catalog_of,
    cli,
    copy_folder,
    dataset_files,
    query,
    replace_file,
    snapshot_of,
)

# One worker builds the session's installation (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bi")

BOM = "\ufeff".encode()
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?\d+$")
HOSTILE = '=HYPERLINK("http://example.invalid/x","klik")'


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def partnership(root: Path) -> str:
    """One with charged rows (the one DATASETS.md's examples use)."""
    return example_values(snapshot_of(root))[1]


@pytest.fixture(scope="module")
def exported(bi_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return export_partnership(
        bi_folder / "published", partnership(bi_folder), tmp_path_factory.mktemp("export")
    )


def test_one_file_per_dataset_with_the_bom_and_the_registry_columns(
    exported: list[Path],
) -> None:
    assert [path.name.split("_", 1)[1] for path in exported] == [f"{d.name}.csv" for d in EXPORTED]
    for path, dataset in zip(exported, EXPORTED, strict=True):
        assert path.read_bytes().startswith(BOM)
        assert read_csv(path)[0] == dataset.columns


def test_the_partnerships_own_rows_and_all_of_them(bi_folder: Path, exported: list[Path]) -> None:
    code = partnership(bi_folder)
    for path, dataset in zip(exported, EXPORTED, strict=True):
        header, *rows = read_csv(path)
        swv = header.index("SAMENWERKINGSVERBAND")
        assert {row[swv] for row in rows} <= {code}
        (expected,) = query(
            catalog_of(bi_folder),
            f"SELECT count(*) FROM {dataset.name} WHERE SAMENWERKINGSVERBAND = '{code}'",
        )[0]
        assert len(rows) == expected > 0, dataset.name


def test_dates_are_iso_numbers_are_numbers_and_no_cell_starts_a_formula(
    exported: list[Path],
) -> None:
    for path, dataset in zip(exported, EXPORTED, strict=True):
        header, *rows = read_csv(path)
        kinds = dataset.duckdb_types
        for row in rows:
            for column, value in zip(header, row, strict=True):
                if value and kinds[column] == "DATE":
                    assert ISO_DATE.match(value), (column, value)
                if value and kinds[column] == "INTEGER":
                    assert NUMBER.match(value), (column, value)
                assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
                assert not value.startswith("-") or NUMBER.match(value), (column, value)


def test_numbers_are_unquoted_and_text_quoted(exported: list[Path]) -> None:
    """Quoted text stays text in spreadsheets that ask (LibreOffice); numbers stay numbers."""
    dashboard_1a = next(p for p in exported if p.name.endswith("_dashboard_1a.csv"))
    first_row = dashboard_1a.read_text(encoding="utf-8-sig").splitlines()[1].split(";")
    aantal = datasets.DASHBOARD_1A.columns.index("AANTAL")
    assert NUMBER.match(first_row[aantal])
    assert first_row[datasets.DASHBOARD_1A.columns.index("SAMENWERKINGSVERBAND")].startswith('"')


def test_a_hostile_text_is_defused(installation: Path, tmp_path: Path) -> None:
    """A school name that a spreadsheet would run as a formula comes out prefixed with '."""
    root = copy_folder(installation, tmp_path / "hostile")
    code = partnership(root)
    files = [p for p in dataset_files(snapshot_of(root), datasets.DASHBOARD_1B) if code in str(p)]
    table = pq.read_table(files[-1])
    naam = table.schema.get_field_index("VESTIGING_NAAM")
    table = table.set_column(
        naam, "VESTIGING_NAAM", pyarrow.array([HOSTILE] * table.num_rows, pyarrow.string())
    )
    replace_file(files[-1], table)
    (path, *_) = export_partnership(root / "published", code, tmp_path / "out")
    header, *rows = read_csv(path)
    values = [row[header.index("VESTIGING_NAAM")] for row in rows]
    assert values.count("'" + HOSTILE) == table.num_rows > 0
    assert not any(value.startswith("=") for value in values)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (12, 12),
        (-3, -3),
        (True, "Ja"),
        (False, "Nee"),
        (date(2025, 10, 1), "2025-10-01"),
        ("PO2001", "PO2001"),
        ("0123", "0123"),
        ("-1", "'-1"),
        ("+31 6", "'+31 6"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
    ],
)
def test_cells(value: object, expected: object) -> None:
    assert cell(value) == expected


def test_an_unknown_partnership_is_refused_with_the_count_of_known_ones(
    bi_folder: Path, tmp_path: Path
) -> None:
    known = known_partnerships(bi_folder / "published")
    assert len(known) > 1
    with pytest.raises(ValueError, match=f"knows {len(known)} partnerships"):
        export_partnership(bi_folder / "published", "PO9999", tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_export_command(bi_folder: Path, tmp_path: Path) -> None:
    code = partnership(bi_folder)
    done = cli(
        "export",
        "--data-dir",
        str(bi_folder),
        "--samenwerkingsverband",
        code,
        "--out",
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{code}_{d.name}.csv" for d in EXPORTED
    )
    refused = cli(
        "export",
        "--data-dir",
        str(bi_folder),
        "--samenwerkingsverband",
        "XX",
        "--out",
        str(tmp_path),
    )
    assert refused.returncode == 2
    assert "partnerships" in refused.stderr and "Traceback" not in refused.stderr

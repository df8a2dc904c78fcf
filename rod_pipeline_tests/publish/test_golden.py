"""The users' seed case, staged, committed and exported, read back every way a user reads it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rod_pipeline
from rod_pipeline.publish import (
    commit_publication,
    export_published,
    stage_publication,
)
from rod_pipeline.publish import datasets as ds
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import (
    SEED_CASES,
    SEED_PEILDATUM,
    SEED_TELDATUM,
    seed_case_tables,
)

INPUT_FILES = [
    (
        SEED_PEILDATUM,
        "inschrijvingen.csv",
        "inbox/2025-03-15/inschrijvingen.csv",
        "a" * 64,
        3,
        3,
        0,
    ),
    (SEED_PEILDATUM, "tlv.csv", "inbox/2025-03-15/tlv.csv", "b" * 64, 2, 2, 0),
]


@pytest.fixture
def seed_published(con: duckdb.DuckDBPyConnection, published_dir: Path) -> Path:
    con.execute(
        """CREATE TABLE input_files(PEILDATUM DATE, BESTAND VARCHAR, PAD VARCHAR, SHA256 VARCHAR,
           RIJEN_GELEZEN BIGINT, RIJEN_GEACCEPTEERD BIGINT, RIJEN_GEQUARANTAINEERD BIGINT)"""
    )
    con.executemany("INSERT INTO input_files VALUES (?, ?, ?, ?, ?, ?, ?)", INPUT_FILES)
    charged, niet_toegerekend, counts = seed_case_tables()
    dates = StabilityDates.for_teldatum(SEED_TELDATUM)
    staged = stage_publication(
        con, charged, niet_toegerekend, counts, SEED_PEILDATUM, dates, "run-seed"
    )
    commit_publication(con, staged)
    export_published(con, published_dir)
    return published_dir


def _expected(name: str) -> list[dict[str, str]]:
    lines = (SEED_CASES / "expected" / name).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    return [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]


def _as_text(rows: list[dict], columns: list[str]) -> list[dict[str, str]]:
    return [{c: "" if row[c] is None else str(row[c]) for c in columns} for row in rows]


def test_every_dataset_reads_the_same_with_pyarrow_duckdb_and_the_catalog(seed_published: Path):
    dashboard_1b = read_all_ways(seed_published, ds.DASHBOARD_1B)
    expected_1b = _expected("dashboard_1b.csv")
    key = ("SAMENWERKINGSVERBAND", "INSCHRIJVING_ID")
    assert sorted(_as_text(dashboard_1b.to_pylist(), list(expected_1b[0])), key=str) == sorted(
        expected_1b, key=str
    )
    assert set(dashboard_1b["PEILDATUM"].to_pylist()) == {SEED_PEILDATUM}
    assert len({tuple(r[k] for k in key) for r in dashboard_1b.to_pylist()}) == 3

    dashboard_1a = read_all_ways(seed_published, ds.DASHBOARD_1A)
    expected_1a = _expected("dashboard_1a.csv")
    assert sorted(_as_text(dashboard_1a.to_pylist(), list(expected_1a[0])), key=str) == sorted(
        expected_1a, key=str
    )
    assert dashboard_1a["VERSCHIL"].null_count == dashboard_1a.num_rows

    assert read_all_ways(seed_published, ds.NIET_TOEGEREKEND).num_rows == 0
    mutaties = read_all_ways(seed_published, ds.MUTATIES)
    assert mutaties["MUTATIE"].to_pylist() == ["NIEUW"] * 3
    assert mutaties["VORIGE_PEILDATUM"].null_count == 3

    stabiliteit = read_all_ways(seed_published, ds.STABILITEIT).to_pylist()
    assert len(stabiliteit) == 1
    row = stabiliteit[0]
    assert _as_text([row], list(_expected("stabiliteit.csv")[0])) == _expected("stabiliteit.csv")
    assert row["STATUS"] == "VASTGESTELD"
    assert row["REGISTRATIEDEADLINE"] == date(2025, 3, 3)
    assert row["EINDE_BEZWAARTERMIJN"] == date(2025, 4, 14)
    assert (row["AANTAL_NIEUW"], row["AANTAL_GEWIJZIGD"], row["AANTAL_VERVALLEN"]) == (3, 0, 0)
    assert row["ONGEWIJZIGD_SINDS"] == SEED_PEILDATUM
    assert row["LATE_MUTATIE"] is False
    assert len(row["INHOUD_HASH"]) == 64


def test_layout_follows_the_contract(seed_published: Path):
    files = sorted(p.relative_to(seed_published).as_posix() for p in seed_published.rglob("*"))
    assert files == [
        "catalog.duckdb",
        "dashboard_1a",
        "dashboard_1a/teldatum=2025-02-01",
        "dashboard_1a/teldatum=2025-02-01/part-0.parquet",
        "dashboard_1b",
        "dashboard_1b/teldatum=2025-02-01",
        "dashboard_1b/teldatum=2025-02-01/samenwerkingsverband=PO2304",
        "dashboard_1b/teldatum=2025-02-01/samenwerkingsverband=PO2304/part-0.parquet",
        "manifest.json",
        "mutaties",
        "mutaties/teldatum=2025-02-01",
        "mutaties/teldatum=2025-02-01/samenwerkingsverband=PO2304",
        "mutaties/teldatum=2025-02-01/samenwerkingsverband=PO2304/part-0.parquet",
        "niet_toegerekend",
        "niet_toegerekend/teldatum=2025-02-01",
        "niet_toegerekend/teldatum=2025-02-01/part-0.parquet",
        "stabiliteit",
        "stabiliteit/part-0.parquet",
    ]


def test_parquet_files_are_zstd_with_statistics_dates_strings_and_metadata(seed_published: Path):
    path = seed_published / "dashboard_1b/teldatum=2025-02-01/samenwerkingsverband=PO2304"
    parquet = pq.ParquetFile(path / "part-0.parquet")
    column = parquet.metadata.row_group(0).column(0)
    assert column.compression == "ZSTD"
    assert column.statistics is not None and column.statistics.has_min_max
    schema = parquet.schema_arrow
    assert schema.field("TELDATUM").type == pa.date32()
    assert schema.field("DATUM_INSCHRIJVING").type == pa.date32()
    assert schema.field("VESTIGING").type == pa.string()
    assert schema.field("ONDERWIJSNUMMER").type == pa.string()
    table = parquet.read()
    assert table["TELDATUM"].to_pylist() == [SEED_TELDATUM] * 3
    assert table["SAMENWERKINGSVERBAND"].to_pylist() == ["PO2304"] * 3
    assert table["INSCHRIJVING_ID"].to_pylist() == sorted(table["INSCHRIJVING_ID"].to_pylist())
    metadata = {k.decode(): v.decode() for k, v in parquet.metadata.metadata.items()}
    assert metadata["rod_pipeline.publication_id"] == "1"
    assert metadata["rod_pipeline.teldatum"] == "2025-02-01"
    assert metadata["rod_pipeline.peildatum"] == "2025-03-15"
    assert metadata["rod_pipeline.run_id"] == "run-seed"
    assert metadata["rod_pipeline.code_version"] == rod_pipeline.__version__
    assert metadata["rod_pipeline.rulebook_version"] == rod_pipeline.RULEBOOK_VERSION
    assert metadata["rod_pipeline.row_count"] == "3"
    assert len(metadata["rod_pipeline.content_hash"]) == 64


def test_manifest_describes_inputs_and_outputs(seed_published: Path):
    manifest = json.loads((seed_published / "manifest.json").read_text())
    assert manifest["peildatum"] == "2025-03-15"
    assert manifest["run_id"] == "run-seed"
    assert manifest["code_version"] == rod_pipeline.__version__
    assert manifest["rulebook_version"] == rod_pipeline.RULEBOOK_VERSION
    assert manifest["published_at"].endswith("Z")
    assert manifest["input_files"] == [
        {
            "file": "inschrijvingen.csv",
            "sha256": "a" * 64,
            "rows_read": 3,
            "rows_accepted": 3,
            "rows_quarantined": 0,
        },
        {
            "file": "tlv.csv",
            "sha256": "b" * 64,
            "rows_read": 2,
            "rows_accepted": 2,
            "rows_quarantined": 0,
        },
    ]
    (teldatum,) = manifest["teldata"]
    assert teldatum["teldatum"] == "2025-02-01"
    assert teldatum["publication_id"] == 1
    assert teldatum["status"] == "VASTGESTELD"
    rows = {entry["path"]: entry["rows"] for entry in teldatum["files"]}
    assert rows["dashboard_1b/teldatum=2025-02-01/samenwerkingsverband=PO2304/part-0.parquet"] == 3
    assert rows["dashboard_1a/teldatum=2025-02-01/part-0.parquet"] == 8
    assert manifest["stabiliteit"]["rows"] == 1


def test_no_pupil_numbers_in_manifest_or_file_metadata(seed_published: Path):
    pupils = [row["ONDERWIJSNUMMER"] for row in _expected("dashboard_1b.csv")]
    texts = [(seed_published / "manifest.json").read_text()]
    for path in seed_published.rglob("*.parquet"):
        metadata = pq.read_metadata(path).metadata
        texts += [
            key.decode() + value.decode()
            for key, value in metadata.items()
            if not key.startswith(b"ARROW:")
        ]
    assert not [p for p in pupils for text in texts if p in text]


def test_catalog_documents_every_view_and_column(seed_published: Path):
    catalog = duckdb.connect(str(seed_published / "catalog.duckdb"), read_only=True)
    try:
        views = dict(
            catalog.sql(
                "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        columns = catalog.sql(
            "SELECT table_name, column_name, comment, data_type FROM duckdb_columns() "
            "WHERE NOT internal"
        ).fetchall()
    finally:
        catalog.close()
    assert set(views) == {d.name for d in ds.ALL}
    assert all(views.values())
    assert all(comment and " / " in comment for _, _, comment, _ in columns)
    types = {(view, column): kind for view, column, _, kind in columns}
    assert types["dashboard_1b", "SAMENWERKINGSVERBAND"] == "VARCHAR"
    assert types["dashboard_1b", "TELDATUM"] == "DATE"
    assert types["mutaties", "SAMENWERKINGSVERBAND"] == "VARCHAR"


def test_catalog_works_from_another_working_directory(
    seed_published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    catalog = duckdb.connect(str(seed_published / "catalog.duckdb"), read_only=True)
    try:
        assert catalog.sql("SELECT count(*) FROM dashboard_1b").fetchall() == [(3,)]
    finally:
        catalog.close()

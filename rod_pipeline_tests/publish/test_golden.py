"""The users' seed case, staged, committed and published as a snapshot, read back every way a
user reads it."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import rod_pipeline
from rod_pipeline.publish import datasets as ds
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.publishing import publish
from rod_pipeline_tests.publish.reading import published_state, read_all_ways
from rod_pipeline_tests.publish.tables import (
    SEED_PEILDATUM,
    SEED_TELDATUM,
    expected_rows,
    seed_case_output,
)

PARTNERSHIPS = ["PO2202", "PO2203", "PO2304", "VO2202", "VO2203", "VO2307"]
INPUT_FILES = [
    (SEED_PEILDATUM, "inschrijvingen.csv", "a" * 64, 3, 3, 0),
    (SEED_PEILDATUM, "tlv.csv", "b" * 64, 2, 2, 0),
]


DATES = StabilityDates.for_teldatum(SEED_TELDATUM)


def _publish_seed(con: duckdb.DuckDBPyConnection, root: Path) -> Path:
    # What the contract layer records of the extract's files; the manifest reports it.
    con.execute(
        """CREATE TABLE input_files(PEILDATUM DATE, BESTAND VARCHAR, SHA256 VARCHAR,
           RIJEN_GELEZEN BIGINT, RIJEN_GEACCEPTEERD BIGINT, RIJEN_GEQUARANTAINEERD BIGINT)"""
    )
    con.executemany("INSERT INTO input_files VALUES (?, ?, ?, ?, ?, ?)", INPUT_FILES)
    publish(con, root, SEED_PEILDATUM, {DATES: seed_case_output()}, "run-seed")
    return root / "published"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Published once for the read-only tests of this module."""
    root = tmp_path_factory.mktemp("seed") / "data"
    (root / "state").mkdir(parents=True)
    with duckdb.connect(str(root / "state" / "warehouse.duckdb")) as con:
        return _publish_seed(con, root)


def _as_text(rows: list[dict], columns: list[str]) -> list[dict[str, str | None]]:
    return [{c: None if row[c] is None else str(row[c]) for c in columns} for row in rows]


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda row: [str(v) for v in row.values()])


@pytest.mark.parametrize("name", ["dashboard_1b", "dashboard_1a", "stabiliteit"])
def test_published_rows_equal_the_users_expected_rows(published: Path, name: str):
    """On the columns the fixture has (stabiliteit has more now)."""
    expected = expected_rows(name)
    got = read_all_ways(published, ds.BY_NAME[name]).to_pylist()
    assert _sorted(_as_text(got, list(expected[0]))) == _sorted(expected)


def test_a_first_publication_is_all_new_against_nothing(published: Path):
    dashboard_1b = read_all_ways(published, ds.DASHBOARD_1B)
    assert set(dashboard_1b["PEILDATUM"].to_pylist()) == {SEED_PEILDATUM}
    assert set(dashboard_1b["MUTATIE"].to_pylist()) == {"NIEUW"}
    dashboard_1a = read_all_ways(published, ds.DASHBOARD_1A)
    assert dashboard_1a["VERSCHIL"].null_count == dashboard_1a.num_rows

    mutaties = read_all_ways(published, ds.MUTATIES).to_pylist()
    assert [(m["INSCHRIJVING_ID"], m["MUTATIE"]) for m in mutaties] == [
        ("2459428", "NIEUW"),
        ("PAR705271", "NIEUW"),
        ("PAR705272", "NIEUW"),
    ]
    assert {m["BEKOSTIGINGSRELEVANT"] for m in mutaties} == {True}
    assert {m["VORIGE_PEILDATUM"] for m in mutaties} == {None}
    for column in ("ANDER_SAMENWERKINGSVERBAND", "GEWIJZIGDE_KOLOMMEN", "VORIGE_WAARDEN"):
        assert {m[column] for m in mutaties} == {None}, column

    (row,) = read_all_ways(published, ds.STABILITEIT).to_pylist()
    assert (row["AANTAL_NIEUW"], row["AANTAL_GEWIJZIGD"], row["AANTAL_VERVALLEN"]) == (3, 0, 0)
    assert row["AANTAL_BEKOSTIGINGSRELEVANT"] == 3
    assert row["ONGEWIJZIGD_SINDS"] == row["BEKOSTIGING_ONGEWIJZIGD_SINDS"] == SEED_PEILDATUM
    # CONTRACT: LATE_MUTATIE of a first publication counts every row as new (P is after the
    # deadline 2025-03-03).
    assert row["LATE_MUTATIE"] is True
    assert row["HEROPEND_REDEN"] is None
    assert len(row["INHOUD_HASH"]) == 64


def test_history_and_empty_datasets(published: Path):
    historie = read_all_ways(published, ds.DASHBOARD_1A_HISTORIE)
    assert historie.equals(read_all_ways(published, ds.DASHBOARD_1A))
    assert read_all_ways(published, ds.NIET_TOEGEREKEND).num_rows == 0
    assert read_all_ways(published, ds.AFWIJKINGEN_NA_DEFINITIEF).num_rows == 0


def test_published_is_a_relative_link_to_a_complete_snapshot(published: Path):
    root = published.parent
    assert published.is_symlink()
    assert os.readlink(published) == "state/snapshots/000001"
    snapshot = published.resolve()
    assert snapshot == (root / "state" / "snapshots" / "000001").resolve()
    assert (root / "state" / "snapshots" / "000001.index.json").is_file()
    assert not list(snapshot.parent.glob(".building-*"))
    top = sorted(p.name for p in snapshot.iterdir())
    assert top == sorted(
        ["DATASETS.md", "catalog.duckdb", "manifest.json"]
        + [d.name for d in ds.ALL if d is not ds.AFWIJKINGEN_NA_DEFINITIEF]
    )


@pytest.mark.parametrize("dataset", [ds.DASHBOARD_1B, ds.MUTATIES, ds.NIET_TOEGEREKEND])
def test_every_partnership_has_its_folder_with_a_file_zero_rows_included(
    published: Path, dataset: ds.Dataset
):
    folder = published / dataset.name / f"teldatum={SEED_TELDATUM}"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"samenwerkingsverband={code}" for code in PARTNERSHIPS
    ]
    rows = {
        p.parent.name.split("=")[1]: pq.read_metadata(p).num_rows
        for p in folder.glob("*/part-0.parquet")
    }
    charged = 3 if dataset is not ds.NIET_TOEGEREKEND else 0
    assert rows == {code: charged if code == "PO2304" else 0 for code in PARTNERSHIPS}
    empty = pq.read_table(folder / "samenwerkingsverband=VO2307" / "part-0.parquet")
    assert empty.schema.names == dataset.columns


def test_parquet_files_are_zstd_with_statistics_types_and_metadata(published: Path):
    path = published / "dashboard_1b/teldatum=2025-02-01/samenwerkingsverband=PO2304/part-0.parquet"
    parquet = pq.ParquetFile(path)
    column = parquet.metadata.row_group(0).column(0)
    assert column.compression == "ZSTD"
    assert column.statistics is not None and column.statistics.has_min_max
    schema = parquet.schema_arrow
    assert schema.field("TELDATUM").type == pa.date32()
    assert schema.field("DATUM_INSCHRIJVING").type == pa.date32()
    assert schema.field("ONDERWIJSNUMMER").type == pa.string()
    assert schema.field("ONDERWIJSNUMMER").metadata[b"personal_data"] == b"true"
    table = parquet.read()
    assert table["TELDATUM"].to_pylist() == [SEED_TELDATUM] * 3
    assert table["INSCHRIJVING_ID"].to_pylist() == sorted(table["INSCHRIJVING_ID"].to_pylist())
    metadata = {k.decode(): v.decode() for k, v in parquet.metadata.metadata.items()}
    assert metadata["rod_pipeline.dataset"] == "dashboard_1b"
    assert metadata["rod_pipeline.row_count"] == "3"
    assert metadata["rod_pipeline.source"].endswith("publicatie:1")
    counts = pq.read_schema(published / "dashboard_1a/teldatum=2025-02-01/part-0.parquet")
    assert counts.field("AANTAL").type == pa.int32()


def test_manifest_describes_inputs_and_every_file(published: Path):
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["format_version"] == 2
    assert manifest["snapshot"] == "000001"
    assert manifest["run_id"] == "run-seed"
    assert manifest["code_version"] == rod_pipeline.__version__
    assert manifest["rulebook_version"] == rod_pipeline.RULEBOOK_VERSION
    (teldatum,) = manifest["teldata"]
    assert (teldatum["teldatum"], teldatum["peildatum"]) == ("2025-02-01", "2025-03-15")
    assert (teldatum["publication_id"], teldatum["status"], teldatum["final"]) == (
        1,
        "VASTGESTELD",
        False,
    )
    assert teldatum["afwijkingen"] is None
    assert teldatum["input_files"] == [
        {
            "file": name,
            "sha256": sha,
            "rows_read": read,
            "rows_accepted": accepted,
            "rows_quarantined": quarantined,
        }
        for _, name, sha, read, accepted, quarantined in INPUT_FILES
    ]
    snapshot = published.resolve()
    on_disk = sorted(
        p.relative_to(snapshot).as_posix()
        for p in snapshot.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert [f["path"] for f in manifest["files"]] == on_disk
    for entry in manifest["files"]:
        path = snapshot / entry["path"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), entry["path"]
        if path.suffix == ".parquet":
            assert entry["rows"] == pq.read_metadata(path).num_rows
    assert manifest["bron"]["publicaties"] == [1]
    assert manifest["bron"]["afwijkingen"] == []


def test_no_pupil_numbers_in_manifest_or_file_metadata(published: Path):
    pupils = [row["ONDERWIJSNUMMER"] for row in expected_rows("dashboard_1b")]
    texts = [(published / "manifest.json").read_text()]
    for path in published.rglob("*.parquet"):
        metadata = pq.read_metadata(path).metadata
        texts += [k.decode() + v.decode() for k, v in metadata.items() if b"ARROW" not in k]
    assert not [p for p in pupils for text in texts if p in text]


def test_catalog_documents_every_view_and_column(published: Path):
    catalog = duckdb.connect(str(published / "catalog.duckdb"), read_only=True)
    try:
        views = dict(
            catalog.sql(
                "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        columns = catalog.sql(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE NOT internal AND table_name IN (SELECT view_name FROM duckdb_views())"
        ).fetchall()
    finally:
        catalog.close()
    assert set(views) == {d.name for d in ds.ALL}
    assert all(views.values())
    assert all(comment and " / " in comment for _, _, comment in columns)


def test_catalog_reads_the_snapshot_from_another_working_directory(
    published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    catalog = duckdb.connect(str(published / "catalog.duckdb"), read_only=True)
    try:
        assert catalog.sql("SELECT count(*) FROM dashboard_1b").fetchall() == [(3,)]
        assert catalog.sql("SELECT count(*) FROM stabiliteit").fetchall() == [(1,)]
    finally:
        catalog.close()


def test_the_same_extract_again_publishes_nothing_new(con: duckdb.DuckDBPyConnection, root: Path):
    """S4 at the unit level: same content, same baseline -> nothing staged, no new snapshot."""
    published = _publish_seed(con, root)
    before = published_state(published)
    again = publish(con, root, SEED_PEILDATUM, {DATES: seed_case_output()}, "run-again")
    assert (again.staged, again.publications, again.snapshot) == ([], [], None)
    assert published_state(published) == before
    assert sorted(p.name for p in (root / "state" / "snapshots").iterdir()) == [
        "000001",
        "000001.index.json",
    ]

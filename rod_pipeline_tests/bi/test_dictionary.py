"""DATASETS.md documents every dataset and column of the registry, and its recipes and BI
questions run, as written, against a published folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline.publish.catalog import CATALOG
from rod_pipeline.publish.dictionary import (
    DATASETS_MD,
    example_values,
    render_datasets_md,
    write_datasets_md,
)
from rod_pipeline_tests.bi.folders import DUCKDB_CLI, VENV_BIN, catalog_of, query, snapshot_of

# One worker builds the session's installation (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bi")

BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def blocks(root: Path, language: str) -> list[str]:
    text = (snapshot_of(root) / DATASETS_MD).read_text()
    return [code for lang, code in BLOCK.findall(text) if lang == language]


def statements(block: str) -> list[str]:
    return [s.strip() for s in block.split(";\n") if s.strip()]


def expected_example_rows(root: Path) -> int:
    teldatum, partnership = example_values(snapshot_of(root))
    rows = query(
        catalog_of(root),
        f"SELECT count(*) FROM dashboard_1b WHERE TELDATUM = DATE '{teldatum}' "
        f"AND SAMENWERKINGSVERBAND = '{partnership}'",
    )
    return int(rows[0][0])


def test_every_dataset_and_column_is_documented(bi_folder: Path) -> None:
    text = (snapshot_of(bi_folder) / DATASETS_MD).read_text()
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^### |\Z)", text, re.DOTALL | re.MULTILINE))
    for dataset in datasets.ALL:
        section = sections[dataset.name]
        assert dataset.description in section
        assert dataset.scope.value in section
        for column in dataset.columns:
            personal = "yes" if dataset.is_personal(column) else "no"
            meaning = dataset.column_description(column).replace("|", "\\|")
            row = f"| {column} | {dataset.duckdb_types[column]} | {personal} | {meaning} |"
            assert row in section.splitlines(), row


def test_the_partnerless_folder_is_documented_where_it_exists(bi_folder: Path) -> None:
    text = (snapshot_of(bi_folder) / DATASETS_MD).read_text()
    geen = f"samenwerkingsverband={datasets.NULL_FOLDER}"
    assert text.count(geen) == 1
    assert text.index(geen) > text.index(f"### {datasets.NIET_TOEGEREKEND.name}")


def test_the_same_folder_gives_the_same_bytes(bi_folder: Path, tmp_path: Path) -> None:
    written = (snapshot_of(bi_folder) / DATASETS_MD).read_bytes()
    assert render_datasets_md(snapshot_of(bi_folder)).encode() == written
    # Another folder with the same datasets: byte for byte the same.
    copy = tmp_path / "copy"
    copy.mkdir()
    for dataset in datasets.ALL:
        source = snapshot_of(bi_folder) / dataset.name
        if source.exists():
            os.symlink(source, copy / dataset.name)
    write_datasets_md(copy)
    assert (copy / DATASETS_MD).read_bytes() == written


def test_the_examples_are_a_partnership_with_rows_in_the_latest_teldatum(bi_folder: Path) -> None:
    assert expected_example_rows(bi_folder) > 0


@pytest.mark.parametrize("recipe", ["pyarrow", "pandas", "polars"])
def test_python_recipes_run_as_written(bi_folder: Path, recipe: str) -> None:
    (code,) = [block for block in blocks(bi_folder, "python") if f"import {recipe}" in block]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=bi_folder, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == expected_example_rows(bi_folder)


def test_sql_recipes_run_in_duckdb_2_with_rows_and_without_hugeint(
    bi_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every statement returns rows, and no column a BI driver cannot show (HUGEINT)."""
    monkeypatch.chdir(bi_folder)  # the recipes use paths relative to the data folder
    con = duckdb.connect(f"published/{CATALOG}", read_only=True)
    try:
        for block in blocks(bi_folder, "sql"):
            for statement in statements(block):
                relation = con.sql(statement)
                assert "HUGEINT" not in [str(t) for t in relation.types], statement
                assert relation.fetchall(), statement
    finally:
        con.close()


def test_counts_per_partnership_match_the_charged_rows(bi_folder: Path) -> None:
    (block,) = [b for b in blocks(bi_folder, "sql") if "LEERLINGBASIS" in b]
    counts = query(catalog_of(bi_folder), f"SELECT * FROM ({block.rstrip().rstrip(';')})")
    charged = dict(
        ((teldatum, partnership), n)
        for teldatum, partnership, n in query(
            catalog_of(bi_folder),
            "SELECT TELDATUM, SAMENWERKINGSVERBAND, count(*) FROM dashboard_1b GROUP BY ALL",
        )
    )
    # (TELDATUM, STATUS, PEILDATUM, SAMENWERKINGSVERBAND, NAAM, TEN_LASTE, LEERLINGBASIS)
    assert len({(row[0], row[3]) for row in counts}) == len(counts)
    assert {(row[0], row[3]): row[5] for row in counts if row[5]} == charged


def test_sql_recipes_run_in_the_duckdb_command(bi_folder: Path) -> None:
    if DUCKDB_CLI is None:
        pytest.skip("no `duckdb` command: pip install -e '.[dev]' installs duckdb-cli")
    for block in blocks(bi_folder, "sql"):
        done = subprocess.run(
            [DUCKDB_CLI, "-readonly", f"published/{CATALOG}", "-c", block],
            cwd=bi_folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and not done.stderr, done.stderr


def test_the_shell_recipe_runs_as_written(bi_folder: Path) -> None:
    if DUCKDB_CLI is None:
        pytest.skip("no `duckdb` command: pip install -e '.[dev]' installs duckdb-cli")
    (command,) = blocks(bi_folder, "sh")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        ["bash", "-c", command], cwd=bi_folder, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    teldata = {row[0] for row in query(catalog_of(bi_folder), "SELECT TELDATUM FROM dashboard_1b")}
    assert all(teldatum.isoformat() in done.stdout for teldatum in teldata)

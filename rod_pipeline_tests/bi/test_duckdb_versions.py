"""The catalog opens in the DuckDB 1.x that BI tools and drivers embed: 1.5 (the `duckdb`
command of the duckdb-cli package, in the dev extra) and 1.1 (in a throw-away venv)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from rod_pipeline.publish import datasets
from rod_pipeline.publish.catalog import CATALOG
from rod_pipeline_tests.bi.folders import (
    DUCKDB_CLI,
    catalog_of,
    rows_in_files,
    snapshot_of,
)

# One worker builds the session's installation (pytest -n --dist loadgroup).
pytestmark = pytest.mark.xdist_group("bi")

# Cached across runs: creating it downloads DuckDB 1.1 once.
DUCKDB_11_VENV = Path("/tmp/rod-duckdb11")
DUCKDB_11 = "1.1.3"
COUNT_EVERY_VIEW = " UNION ALL ".join(
    f"SELECT '{d.name}' AS view, count(*) AS n FROM {d.name}" for d in datasets.ALL
)
COUNT_SCRIPT = """
import json, sys
import duckdb
con = duckdb.connect()
con.execute(f"ATTACH '{sys.argv[1]}' AS rod (READ_ONLY)")
con.execute("USE rod")
rows = con.execute(sys.argv[2]).fetchall()
print(json.dumps({"version": duckdb.__version__, "counts": dict(rows)}))
"""


def expected_counts(root: Path) -> dict[str, int]:
    return {d.name: rows_in_files(snapshot_of(root), d) for d in datasets.ALL}


def test_duckdb_1_5_command_counts_every_view(bi_folder: Path) -> None:
    """The README's `duckdb -readonly published/catalog.duckdb`, run in the data folder."""
    if DUCKDB_CLI is None:
        pytest.skip("no `duckdb` command: pip install -e '.[dev]' installs duckdb-cli")
    done = subprocess.run(
        [DUCKDB_CLI, "-readonly", "-json", f"published/{CATALOG}", "-c", COUNT_EVERY_VIEW],
        cwd=bi_folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    version = subprocess.run([DUCKDB_CLI, "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1."), version
    counts = {row["view"]: row["n"] for row in json.loads(done.stdout)}
    assert counts == expected_counts(bi_folder)


def _duckdb_11_python() -> Path:
    python = DUCKDB_11_VENV / "bin" / "python"
    check = [str(python), "-c", f"import duckdb; assert duckdb.__version__ == '{DUCKDB_11}'"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    steps = [
        ["python3.11", "-m", "venv", str(DUCKDB_11_VENV)],
        [str(python), "-m", "pip", "install", "-q", f"duckdb=={DUCKDB_11}"],
    ]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"cannot make a DuckDB {DUCKDB_11} venv: {exc}")
        if done.returncode != 0:
            pytest.skip(f"cannot install DuckDB {DUCKDB_11}: {done.stderr.strip()[-300:]}")
    return python


def _count_with(python: Path, catalog: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", COUNT_SCRIPT, catalog, COUNT_EVERY_VIEW],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_duckdb_1_1_counts_every_view(bi_folder: Path) -> None:
    python = _duckdb_11_python()
    for catalog in (catalog_of(bi_folder), snapshot_of(bi_folder) / CATALOG):
        done = _count_with(python, str(catalog), bi_folder)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["version"] == DUCKDB_11
        assert result["counts"] == expected_counts(bi_folder)


@pytest.mark.slow
def test_duckdb_1_1_attached_by_a_relative_path_is_refused(bi_folder: Path) -> None:
    """DuckDB before 1.5 reports the path as given, so the guard cannot tell this from a copy
    (DATASETS.md says to give the absolute path)."""
    python = _duckdb_11_python()
    done = _count_with(python, f"published/{CATALOG}", bi_folder)
    assert done.returncode != 0
    assert "rod-pipeline catalog --data-dir" in done.stderr

"""benchmarks/national.py runs end to end at tiny scale, prints its table and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "national.py"


def _rows(csv: Path) -> int:
    with duckdb.connect() as con:
        found = con.execute(
            f"SELECT count(*) FROM read_csv('{csv}', delim=';', header=true, all_varchar=true)"
        ).fetchone()
    assert found is not None
    return int(found[0])


@pytest.mark.e2e
def test_benchmark_script_measures_tiny_installation(tmp_path: Path) -> None:
    arguments = ["--scale", "tiny", "--fractions", "0.5,1", "--cache-dir", str(tmp_path)]
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert completed.returncode == 0, completed.stderr[-3000:]
    table = completed.stdout
    for label in ("wall time", "peak memory (RSS)", "pipeline / floor", "naive peer", "growth"):
        assert label in table
    results = json.loads((tmp_path / "results.json").read_text())
    extract = tmp_path / "tiny-seed0" / "inbox" / "2025-03-15"
    files = ("inschrijvingen", "tlv")
    assert results["rows"] == {name: _rows(extract / f"{name}.csv") for name in files}
    stages = {"reference", "read", "validate", "derive", "publish"}
    assert set(results["stages"]["seconds"]) == stages
    assert list(results["stages"]["charged_rows"]) == ["2023-02-01", "2024-02-01", "2025-02-01"]
    assert results["pipeline"]["peak_rss_bytes"] > 50 * 1024**2
    assert results["peer"]["rows"] == results["rows"]
    half, whole = results["growth"]
    assert (half["fraction"], whole["fraction"]) == (0.5, 1.0)
    cut = tmp_path / "tiny-seed0-50pct" / "inbox" / "2025-03-15" / "inschrijvingen.csv"
    assert _rows(cut) == -(-results["rows"]["inschrijvingen"] // 2)
    assert set(results["goals"]) == {"floor", "memory", "peer", "linear"}

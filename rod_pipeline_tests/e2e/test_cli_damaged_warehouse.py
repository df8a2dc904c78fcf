"""A damaged warehouse is named as such, with the way out; `rebuild` takes it; published/ is
what readers see throughout."""

from __future__ import annotations

from pathlib import Path

import pytest

from rod_pipeline_tests.e2e.helpers import (
    CliResult,
    cli,
    cli_ok,
    copy_installation,
    file_digests,
    published,
)

pytestmark = pytest.mark.e2e


def test_a_truncated_warehouse_says_so_and_rebuild_recovers(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # a copy's catalog is rewritten for it, once
    warehouse = data_dir / "state" / "warehouse.duckdb"
    before = file_digests(published(data_dir))
    with warehouse.open("r+b") as handle:
        handle.truncate(warehouse.stat().st_size // 3)

    for command in ("run", "status"):
        result = cli(command, "--data-dir", str(data_dir))
        assert result.returncode == 5, result.output
        assert "Traceback" not in result.output
        assert f"error: the warehouse {warehouse} cannot be read" in result.stderr
        assert f"rod-pipeline rebuild --data-dir {data_dir}" in result.stderr
        assert file_digests(published(data_dir)) == before
    assert "teldatum 2025-02-01" in result.stdout  # status still shows what readers see

    rebuilt = cli_ok("rebuild", "--data-dir", str(data_dir))
    assert "set aside warehouse.duckdb" in rebuilt.stdout
    assert "Not restorable from it: withdrawals (rollback)" in rebuilt.stdout
    after = file_digests(published(data_dir))
    parquet = sorted(path for path in after if path.endswith(".parquet"))
    assert parquet == sorted(path for path in before if path.endswith(".parquet"))
    assert cli("status", "--data-dir", str(data_dir)).returncode == 0

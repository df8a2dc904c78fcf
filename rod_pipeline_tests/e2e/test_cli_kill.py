"""`rod-pipeline run` SIGKILLed again and again: after every kill published/ is one complete
snapshot, and the run after the last kill leaves what a clean run leaves."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.e2e.helpers import (
    CliResult,
    cli_ok,
    copy_installation,
    published,
    start_run_in_background,
    with_pyarrow,
)
from rod_pipeline_tests.publish.reading import assert_matches_manifest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Kill k comes at this fraction of a clean run's duration after its start; each run resumes
# where the one before was killed, so the kills walk through ingest, commit and export.
KILL_AT = [0.10 + 0.04 * k for k in range(10)]


def _kill_after(data_dir: Path, delay_s: float) -> bool:
    """Start `run`, SIGKILL its process group after the delay; False when it finished first."""
    process = start_run_in_background(data_dir)
    try:
        process.wait(timeout=delay_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def _assert_every_file_is_whole_and_one_publication(published_dir: Path) -> None:
    """published/ (when there is one) is a link to one complete snapshot: every file its
    manifest names, with that sha256, and nothing else; every Parquet file reads."""
    if not published_dir.is_symlink():
        assert not published_dir.exists(), "published/ is not a link to a snapshot"
        return
    snapshot = published_dir.resolve()
    assert_matches_manifest(snapshot)
    for path in snapshot.rglob("*.parquet"):
        assert pq.read_metadata(path).num_rows == pq.read_table(path).num_rows, path


def _latest_hashes(published_dir: Path) -> dict[date, set[str]]:
    """INHOUD_HASH of the latest stabiliteit row(s) of each teldatum."""
    rows = with_pyarrow(published_dir, datasets.STABILITEIT).to_pylist()
    latest = {
        r["TELDATUM"]: max(s["PEILDATUM"] for s in rows if s["TELDATUM"] == r["TELDATUM"])
        for r in rows
    }
    hashes: dict[date, set[str]] = {}
    for r in rows:
        if r["PEILDATUM"] == latest[r["TELDATUM"]]:
            hashes.setdefault(r["TELDATUM"], set()).add(r["INHOUD_HASH"])
    return hashes


def test_kills_at_any_point_leave_whole_files_and_the_next_run_repairs(
    tiny_generated: Path, tiny_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    clean_dir, clean_run = tiny_published
    data_dir = copy_installation(tiny_generated, tmp_path / "data")
    kills = 0
    for fraction in KILL_AT:
        if not _kill_after(data_dir, fraction * clean_run.seconds):
            break
        kills += 1
        _assert_every_file_is_whole_and_one_publication(published(data_dir))
    assert kills >= len(KILL_AT) // 2, f"only {kills} runs were still running when killed"

    cli_ok("run", "--data-dir", str(data_dir))
    _assert_every_file_is_whole_and_one_publication(published(data_dir))
    assert _latest_hashes(published(data_dir)) == _latest_hashes(published(clean_dir))
    assert with_pyarrow(published(data_dir), datasets.DASHBOARD_1B).equals(
        with_pyarrow(published(clean_dir), datasets.DASHBOARD_1B)
    )

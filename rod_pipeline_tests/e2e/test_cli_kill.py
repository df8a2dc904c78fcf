"""`rod-pipeline run` SIGKILLed again and again: after every kill each published file reads and is
wholly one publication, and the run after the last kill leaves what a clean run leaves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.e2e.conftest import (
    PROJECT,
    CliResult,
    cli_command,
    cli_env,
    cli_ok,
    copy_installation,
    key_value_metadata,
    published,
    with_pyarrow,
)

pytestmark = pytest.mark.e2e

# Kill k comes at this fraction of a clean run's duration after its start; each run resumes
# where the one before was killed, so the kills walk through ingest, commit and export.
KILL_AT = [0.10 + 0.04 * k for k in range(10)]
META = "rod_pipeline."


def _kill_after(data_dir: Path, delay_s: float) -> bool:
    """Start `run`, SIGKILL its process group after the delay; False when it finished first."""
    process = subprocess.Popen(
        cli_command("run", "--data-dir", str(data_dir)),
        cwd=PROJECT,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=delay_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


def _assert_every_file_is_whole_and_one_publication(published_dir: Path) -> None:
    """Each Parquet file reads; each partition file's rows are of the publication its metadata
    names (teldatum, peildatum, row count), and a publication id always means the same one."""
    publications: dict[str, tuple[str, str]] = {}
    for dataset in datasets.PER_TELDATUM:
        for path in sorted((published_dir / dataset.name).rglob("*.parquet")):
            table = pq.read_table(path)
            meta = {k.removeprefix(META): v for k, v in key_value_metadata(path).items()}
            facts = (meta["teldatum"], meta["peildatum"])
            assert publications.setdefault(meta["publication_id"], facts) == facts, path
            assert int(meta["row_count"]) == table.num_rows, path
            assert f"teldatum={meta['teldatum']}" in path.parts, path
            found = {
                (str(t), str(p))
                for t, p in zip(
                    table["TELDATUM"].to_pylist(), table["PEILDATUM"].to_pylist(), strict=True
                )
            }
            assert found <= {facts}, f"{path}: rows of {found}, metadata says {facts}"
    stabiliteit = published_dir / "stabiliteit" / "part-0.parquet"
    if stabiliteit.exists():
        assert pq.read_table(stabiliteit).num_rows >= 1
    manifest = published_dir / "manifest.json"
    if manifest.exists():
        json.loads(manifest.read_text())


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

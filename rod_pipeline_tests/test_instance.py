"""The data folder's Dagster instance (DATA/state/dagster): made whole or not at all, with the
instance configuration the project ships, and repaired when a kill left it half made."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from rod_pipeline import instance
from rod_pipeline.datafolder import DataFolder


@pytest.fixture(autouse=True)
def no_dagster_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    yield


def _folder(tmp_path: Path) -> DataFolder:
    (tmp_path / "data" / "state").mkdir(parents=True)
    return DataFolder(tmp_path / "data")


def _works(home: Path) -> None:
    """What `rod-pipeline run` and the UI ask of the instance first."""
    with dg.DagsterInstance.from_config(str(home)) as dagster:
        dagster.add_dynamic_partitions("peildatum", ["2025-03-15"])
        assert dagster.get_dynamic_partitions("peildatum") == ["2025-03-15"]
        assert dagster.get_runs(limit=1) == []


def test_a_new_home_is_whole_and_queues_runs_one_at_a_time(tmp_path: Path):
    folder = _folder(tmp_path)
    home = instance.dagster_home(folder)
    assert home == folder.state_dir / "dagster"
    with dg.DagsterInstance.from_config(str(home)) as dagster:
        config = dagster.get_concurrency_config()
    assert config.run_queue_config is not None
    assert config.run_queue_config.max_concurrent_runs == 1
    # A pool's slots a killed run claimed stay claimed: the next run would wait for ever.
    assert config.pool_config.default_pool_limit is None
    _works(home)
    # Nothing of the making is left next to it.
    assert sorted(p.name for p in folder.state_dir.iterdir()) == ["dagster"]


def test_a_home_half_made_by_a_killed_run_is_set_aside_and_made_again(tmp_path: Path):
    """SIGKILL after SQLite created the event log's index file, before its tables: Dagster
    itself never finishes that file ("requires the dynamic partitions table")."""
    folder = _folder(tmp_path)
    home = folder.state_dir / "dagster"
    (home / "history" / "runs").mkdir(parents=True)
    sqlite3.connect(home / "history" / "runs" / "index.db").close()
    with pytest.raises(dg.DagsterInvalidInvocationError, match="dynamic partitions table"):
        _works(home)

    said: list[str] = []
    assert instance.dagster_home(folder, say=said.append) == home
    _works(home)
    aside = [p for p in folder.state_dir.iterdir() if p.name.startswith("dagster.incomplete-")]
    assert len(aside) == 1 and (aside[0] / "history" / "runs" / "index.db").exists()
    assert said == [
        f"the Dagster instance {home} was incomplete (a run was stopped while creating it): "
        f"made anew; the old one is kept as {aside[0]}"
    ]


def test_a_making_stopped_halfway_leaves_nothing_the_next_one_trips_over(tmp_path: Path):
    folder = _folder(tmp_path)
    stale = folder.state_dir / ".dagster.new-12345"
    (stale / "history").mkdir(parents=True)
    home = instance.dagster_home(folder)
    assert not stale.exists()
    _works(home)


def test_a_whole_home_made_by_the_ui_keeps_its_runs_and_its_configuration(tmp_path: Path):
    folder = _folder(tmp_path)
    home = folder.state_dir / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with dg.DagsterInstance.from_config(str(home)) as dagster:
        dagster.add_dynamic_partitions("peildatum", ["2024-03-15"])
    assert instance.dagster_home(folder) == home
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
    with dg.DagsterInstance.from_config(str(home)) as dagster:
        assert dagster.get_dynamic_partitions("peildatum") == ["2024-03-15"]


def test_an_operators_dagster_home_is_used_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(tmp_path)
    own = tmp_path / "elsewhere"
    own.mkdir()
    (own / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(own))
    assert instance.dagster_home(folder) == own
    assert (own / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
    assert not (folder.state_dir / "dagster").exists()


def test_an_empty_operators_dagster_home_gets_the_shipped_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "new-home"))
    home = instance.dagster_home(folder)
    assert (home / "dagster.yaml").read_text() == instance.CONFIG.read_text()
    _works(home)


def test_make_ui_does_not_wait_for_a_run_when_the_instance_is_whole(tmp_path: Path):
    """`make ui` while `rod-pipeline run` holds the folder: the UI starts at once."""
    folder = _folder(tmp_path)
    instance.dagster_home(folder)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from rod_pipeline import folder_lock\n"
            "with folder_lock.exclusive(Path(sys.argv[1]), 'rod-pipeline run'):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(folder.root),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        made = subprocess.run(
            [sys.executable, "-m", "rod_pipeline.instance", str(folder.root)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert made.returncode == 0, made.stderr
        assert made.stdout.strip() == str(folder.state_dir / "dagster")
    finally:
        holder.kill()
        holder.wait()

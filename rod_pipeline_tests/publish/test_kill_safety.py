"""A process building a snapshot, SIGKILLed anywhere, leaves published/ whole: the link points at
a complete snapshot (every file its manifest names, with that sha256, and nothing else), the old
one or the new one. The next build removes the leftovers and shows the warehouse again."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.commit import commit_extract
from rod_pipeline_tests.publish.examples import FIRST_OUTPUT, P1, P2, SECOND_OUTPUT
from rod_pipeline_tests.publish.publishing import keys, publish, stage
from rod_pipeline_tests.publish.reading import assert_matches_manifest, published_state
from rod_pipeline_tests.publish.tables import DATES

PROJECT = Path(__file__).resolve().parents[2]
# Kills at these fractions of an uninterrupted build, and at the two riskiest points.
FRACTIONS = [0.25, 0.6]
POINTS = ["extras", "switch"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """published/ shows P1; the warehouse has committed P2 too (a build is due)."""
    root = tmp_path_factory.mktemp("kill") / "data"
    (root / "state").mkdir(parents=True)
    with duckdb.connect(str(root / "state" / "warehouse.duckdb")) as con:
        publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
        staged = stage(con, SECOND_OUTPUT, P2, DATES, "run-2")
        assert staged is not None
        commit_extract(con, [staged], "run-2", keys(P2))
    return root


def _copy(base: Path, target: Path) -> Path:
    shutil.copytree(base, target, symlinks=True)
    return target


def _child(root: Path, pause: str | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "rod_pipeline_tests.publish.build_child", str(root)]
    process = subprocess.Popen(
        [*command, *([pause] if pause else [])], cwd=PROJECT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "go"
    return process


def _build_seconds(base: Path, tmp_path: Path) -> float:
    process = _child(_copy(base, tmp_path / "timed"))
    started = time.monotonic()
    assert process.stdout is not None and process.stdout.readline().strip() == "built"
    assert process.wait() == 0
    return time.monotonic() - started


def _assert_whole(root: Path) -> str:
    """published/ is one complete snapshot; returns its name."""
    current = snapshot.current_snapshot(root)
    assert current is not None
    assert_matches_manifest(current)
    return current.name


def test_a_killed_build_leaves_published_whole_and_the_next_build_repairs(
    base: Path, tmp_path: Path
):
    seconds = _build_seconds(base, tmp_path)
    kills = [(point, None) for point in POINTS] + [(None, f * seconds) for f in FRACTIONS]
    before = published_state(base / "published")
    shown = []
    for number, (point, delay) in enumerate(kills):
        root = _copy(base, tmp_path / f"kill-{number}")
        process = _child(root, point)
        assert process.stdout is not None
        if point:
            assert process.stdout.readline().strip() == point
        else:
            time.sleep(delay or 0)
        process.kill()
        process.wait()

        shown.append(_assert_whole(root))
        if shown[-1] == "000001":
            assert published_state(root / "published") == before, (point, delay)
        with duckdb.connect(str(root / "state" / "warehouse.duckdb")) as con:
            repaired = snapshot.build_snapshot(con, root, "repair")
            assert not snapshot.is_behind(con, root)
            assert snapshot.published_ids(root) == history.current_ids(con)
        assert _assert_whole(root) == repaired.name
        leftovers = [
            p.name
            for p in snapshot.snapshots_dir(root).iterdir()
            if p.is_dir() and (p.name.startswith(".") or not (p / "manifest.json").is_file())
        ]
        assert leftovers == [], (point, delay)
    # Killed before the switch at both named points, published/ still showed the old snapshot.
    assert shown[: len(POINTS)] == ["000001", "000001"]

"""Operating `rod-pipeline` (issue 10): repeated and concurrent runs, a redelivered file, and
publications that cannot complete (an immutable file or folder, a full disk) leave published/
exactly as it was and say so."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.e2e.helpers import (
    PROJECT,
    SEED_PEILDATUM,
    CliResult,
    cli,
    cli_command,
    cli_env,
    cli_ok,
    copy_installation,
    copy_seed_case,
    published,
    with_pyarrow,
)
from rod_pipeline_tests.publish.reading import published_state

pytestmark = pytest.mark.e2e

NEXT_PEILDATUM = "2025-04-01"
LEFT_AS_IT_WAS = "published/ was left as it was"


def _next_extract(data_dir: Path) -> Path:
    """A second extract: the example with PAR705271 in category HOOG."""
    first = data_dir / "inbox" / SEED_PEILDATUM
    second = data_dir / "inbox" / NEXT_PEILDATUM
    shutil.copytree(first, second)
    enrolments = second / "inschrijvingen.csv"
    enrolments.write_text(
        enrolments.read_text().replace("00SU00;SO;LAAG;7692CD", "00SU00;SO;HOOG;7692CD")
    )
    return second


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))


def _rows(data_dir: Path) -> dict[str, list[dict]]:
    return {d.name: with_pyarrow(published(data_dir), d).to_pylist() for d in datasets.ALL}


def test_run_peildatum_twice_on_a_published_extract_changes_nothing(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # the copy's catalog is rewritten for it once
    before = published_state(published(data_dir))
    for _ in range(2):
        again = cli_ok("run", "--data-dir", str(data_dir), "--peildatum", SEED_PEILDATUM)
        assert "done: 0 extract(s) processed" in again.stdout, again.output
        assert published_state(published(data_dir)) == before


def test_two_runs_at_once_take_turns_and_publish_what_one_run_does(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    data_dir = copy_seed_case(tmp_path / "data")
    first = subprocess.Popen(
        cli_command("run", "--data-dir", str(data_dir)),
        cwd=PROJECT,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert first.stdout is not None
    started = first.stdout.readline()  # the first holds the lock once it names its work
    assert started.startswith(f"extract {SEED_PEILDATUM}"), started
    second = cli("run", "--data-dir", str(data_dir))
    rest = first.stdout.read()
    assert first.wait() == 0, started + rest
    assert second.returncode == 0, second.output

    lines = second.stdout.splitlines()
    assert lines[0].startswith("waiting: rod-pipeline run (pid "), second.output
    assert f"is writing to {data_dir}" in lines[0]
    assert "nothing to do" in second.stdout
    assert _rows(data_dir) == _rows(seed_published[0])
    assert _files(published(data_dir)) == _files(published(seed_published[0]))


def test_a_redelivered_tlv_file_is_processed_again(tmp_path: Path) -> None:
    data_dir = copy_seed_case(tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))
    tlv = data_dir / "inbox" / SEED_PEILDATUM / "tlv.csv"
    tlv.write_text(tlv.read_text().replace(";1-8-2021;31-7-2026", ";1-8-2021;31-7-2027"))

    status = cli_ok("status", "--data-dir", str(data_dir))
    due = f"extract {SEED_PEILDATUM} is to be processed: delivered again with other contents"
    assert f"{due} (tlv.csv)" in status.stdout, status.stdout
    run = cli_ok("run", "--data-dir", str(data_dir))
    assert "done: 1 extract(s) processed" in run.stdout, run.output
    manifest = json.loads((published(data_dir) / "manifest.json").read_text())
    (teldatum,) = manifest["teldata"]
    files = {f["file"]: f["sha256"] for f in teldatum["input_files"]}
    assert files["tlv.csv"] == hashlib.sha256(tlv.read_bytes()).hexdigest()
    charged = {r["INSCHRIJVING_ID"]: r for r in _rows(data_dir)["dashboard_1b"]}
    assert str(charged["2459428"]["TLV_EINDDATUM"]) == "2027-07-31"
    assert "is to be processed" not in cli_ok("status", "--data-dir", str(data_dir)).stdout


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths to make immutable with chattr +i; mutable again afterwards (or skip)."""
    probe = tmp_path / "probe"
    probe.write_text("x")
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    tried = subprocess.run(["chattr", "+i", str(probe)], capture_output=True, text=True)
    if tried.returncode != 0:
        pytest.skip(f"chattr +i fails here: {tried.stderr.strip()}")
    subprocess.run(["chattr", "-i", str(probe)], check=True)
    paths: list[Path] = []
    yield paths
    for path in paths:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def _chattr_i(paths: list[Path], path: Path) -> None:
    paths.append(path)
    subprocess.run(["chattr", "+i", str(path)], check=True)


def test_a_published_file_that_cannot_be_linked_is_copied_into_the_next_snapshot(
    seed_published: tuple[Path, CliResult], tmp_path: Path, immutable: list[Path]
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))
    snapshot = published(data_dir).resolve()
    locked = next((snapshot / "dashboard_1b").rglob("*.parquet"))
    _chattr_i(immutable, locked)
    before = published_state(published(data_dir))

    # `report` builds a snapshot of unchanged data: every dataset file is linked, but this one.
    cli_ok("report", "--data-dir", str(data_dir))
    link, files = published_state(published(data_dir))
    assert link != before[0]
    assert {k: v for k, v in files.items() if k.endswith(".parquet")} == {
        k: v for k, v in before[1].items() if k.endswith(".parquet")
    }
    copied = published(data_dir) / locked.relative_to(snapshot)
    assert copied.stat().st_ino != locked.stat().st_ino
    assert locked.read_bytes() == copied.read_bytes()


def test_published_cannot_be_replaced_the_run_fails_and_leaves_it_as_it_was(
    seed_published: tuple[Path, CliResult], tmp_path: Path, immutable: list[Path]
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))
    _next_extract(data_dir)
    before = published_state(published(data_dir))
    _chattr_i(immutable, data_dir)  # the link published/ cannot be replaced

    failed = cli("run", "--data-dir", str(data_dir))
    assert failed.returncode != 0, failed.output
    assert LEFT_AS_IT_WAS in failed.output, failed.output
    assert published_state(published(data_dir)) == before

    subprocess.run(["chattr", "-i", str(data_dir)], check=True)
    cli_ok("run", "--data-dir", str(data_dir))
    assert {r["PEILDATUM"].isoformat() for r in _rows(data_dir)["stabiliteit"]} == {
        SEED_PEILDATUM,
        NEXT_PEILDATUM,
    }


@pytest.fixture
def small_disk() -> Iterator[Callable[..., None]]:
    """Mounts a tmpfs of a given size (or skips); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(at: Path, size_kb: int, remount: bool = False) -> None:
        options = f"remount,size={size_kb}k" if remount else f"size={size_kb}k"
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(at)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        if not remount:
            mounted.append(at)

    yield mount
    for at in mounted:
        subprocess.run(["umount", str(at)], check=False)


def test_a_full_disk_during_a_publication_leaves_published_as_it_was(
    tmp_path: Path, small_disk: Callable[..., None]
) -> None:
    data_dir = copy_seed_case(tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))
    _next_extract(data_dir)
    snapshots = data_dir / "state" / "snapshots"
    on_disk = snapshots.with_name("snapshots.disk")
    snapshots.rename(on_disk)
    snapshots.mkdir()
    small_disk(snapshots, 64 * 1024)
    subprocess.run(["cp", "-a", f"{on_disk}/.", str(snapshots)], check=True)
    disk = os.statvfs(snapshots)
    used_kb = (disk.f_blocks - disk.f_bfree) * disk.f_frsize // 1024
    # Room for what is published now and a little more, not for a new snapshot (its catalog
    # alone is larger).
    small_disk(snapshots, used_kb + 128, remount=True)
    before = published_state(published(data_dir))

    failed = cli("run", "--data-dir", str(data_dir))
    assert failed.returncode != 0, failed.output
    assert LEFT_AS_IT_WAS in failed.output, failed.output
    assert published_state(published(data_dir)) == before
    assert not [p.name for p in snapshots.iterdir() if p.name.startswith(".building")]

    # Room again: the next run repairs what the warehouse committed.
    subprocess.run(["mount", "-o", "remount,size=65536k", str(snapshots)], check=True)
    cli_ok("run", "--data-dir", str(data_dir))
    assert {r["PEILDATUM"].isoformat() for r in _rows(data_dir)["stabiliteit"]} == {
        SEED_PEILDATUM,
        NEXT_PEILDATUM,
    }

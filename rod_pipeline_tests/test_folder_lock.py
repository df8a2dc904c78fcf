"""One writer at a time per data folder: re-entrant in a process, exclusive across processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rod_pipeline import folder_lock

HOLD = """
import sys, time
from pathlib import Path
from rod_pipeline import folder_lock
with folder_lock.exclusive(Path(sys.argv[1]), "a test holder"):
    print("held", flush=True)
    time.sleep(30)
"""


def test_reentrant_in_one_process_and_seen_by_others(tmp_path: Path) -> None:
    with folder_lock.exclusive(tmp_path, "outer"), folder_lock.exclusive(tmp_path, "inner"):
        assert folder_lock.is_locked(tmp_path)
    assert not folder_lock.is_locked(tmp_path)


def test_a_second_writer_waits_says_for_whom_and_gives_up_with_exit_3(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert folder_lock.is_locked(tmp_path)
        env = {**os.environ, "ROD_LOCK_WAIT_SECONDS": "1"}
        env.pop("ROD_DATA_DIR", None)
        second = subprocess.run(
            [sys.executable, "-m", "rod_pipeline.cli", "rebuild", "--data-dir", str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 3, second.stderr
    assert f"waiting: a test holder (pid {holder.pid}, since " in second.stdout
    assert second.stderr.startswith(f"error: a test holder (pid {holder.pid}, since ")
    assert "Traceback" not in second.stderr

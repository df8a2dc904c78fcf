"""A process that builds a snapshot of a data folder, for the kill test to SIGKILL.

`python -m rod_pipeline_tests.publish.build_child ROOT [extras|switch]` prints "go" when it
starts building and "built" when done; with a pause point it prints that point's name there and
waits, so the test kills it exactly there: "extras" (datasets written, the folder still being
built), "switch" (renamed into place, catalog and manifest in, the link not yet switched).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from rod_pipeline.publish import snapshot

PAUSE_S = 120


def _pause_at(point: str, wanted: str | None) -> None:
    if point == wanted:
        print(point, flush=True)
        time.sleep(PAUSE_S)


def main(root: Path, pause: str | None) -> None:
    switch = snapshot.switch_link

    def paused_switch(at: Path, target: Path) -> None:
        _pause_at("switch", pause)
        switch(at, target)

    snapshot.switch_link = paused_switch  # the real switch, after the pause
    with duckdb.connect(str(root / "state" / "warehouse.duckdb")) as con:
        print("go", flush=True)
        snapshot.build_snapshot(con, root, "killed", [lambda _: _pause_at("extras", pause)])
    print("built", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)

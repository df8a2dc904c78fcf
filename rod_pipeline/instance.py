"""The data folder's Dagster instance, DATA/state/dagster: run history, partitions, sensor state.

Dagster makes its SQLite storage on first use, in steps: a run killed in between leaves an event
log index without tables, which Dagster never finishes ("requires the dynamic partitions
table"). So the folder's own instance is made in a temporary folder and renamed into place whole;
one found without the mark of that is checked, and set aside when it is not whole.
An operator's own DAGSTER_HOME elsewhere is theirs: used as it is.

`python -m rod_pipeline.instance DATA` prepares it and prints its path (for `make ui`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import dagster as dg

from rod_pipeline import atomic
from rod_pipeline.datafolder import DataFolder

# The instance configuration the project ships: a run queue of one, telemetry off.
CONFIG = Path(__file__).with_name("dagster.yaml")
WHOLE = ".rod-instance-whole"  # written last inside the new instance, before the rename
NEW_PREFIX = ".dagster.new-"


def dagster_home(folder: DataFolder, say: Callable[[str], None] = print) -> Path:
    """The instance folder to use, whole and configured. Call it holding the folder's lock."""
    own = folder.state_dir / "dagster"
    given = os.environ.get("DAGSTER_HOME")
    if given and Path(given).resolve() != own.resolve():
        home = Path(given)
        home.mkdir(parents=True, exist_ok=True)
        if not (home / "dagster.yaml").exists():
            shutil.copyfile(CONFIG, home / "dagster.yaml")
        return home
    if (own / WHOLE).exists():
        return own
    for stale in folder.state_dir.glob(NEW_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    if own.exists():
        if _is_whole(own):  # made before this mark existed, or by `dagster dev`
            (own / WHOLE).touch()
            return own
        aside = own.with_name(f"dagster.incomplete-{datetime.now():%Y%m%d-%H%M%S}")
        own.rename(aside)
        say(
            f"the Dagster instance {own} was incomplete (a run was stopped while creating it): "
            f"made anew; the old one is kept as {aside}"
        )
    _make(own)
    return own


def _is_whole(home: Path) -> bool:
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(CONFIG, home / "dagster.yaml")
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            _touch_storage(instance)
    except Exception:  # any failure to open it means: not whole
        return False
    return True


def _touch_storage(instance: dg.DagsterInstance) -> None:
    """What a run needs of each storage; raises when a table is missing."""
    instance.get_runs(limit=1)
    instance.get_dynamic_partitions("peildatum")
    instance.all_instigator_state()


def _make(home: Path) -> None:
    new = home.with_name(f"{NEW_PREFIX}{os.getpid()}")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir()
    shutil.copyfile(CONFIG, new / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(new)) as instance:
        _touch_storage(instance)
    (new / WHOLE).touch()
    atomic.fsync_tree(new)
    new.rename(home)
    atomic.fsync(home.parent)


def main(data_dir: str) -> None:
    """Print the data folder's own instance folder (`make ui` uses it whatever DAGSTER_HOME
    says), made whole first when it is not."""
    from rod_pipeline import folder_lock

    os.environ.pop("DAGSTER_HOME", None)

    data = DataFolder(Path(data_dir).resolve())
    data.state_dir.mkdir(parents=True, exist_ok=True)
    home = data.state_dir / "dagster"
    if (home / WHOLE).exists():  # nothing to make: no need to wait for a run to finish
        print(home)
        return
    say = lambda line: print(line, file=sys.stderr)  # noqa: E731
    with folder_lock.exclusive(data.root, "make ui", say=say):
        print(dagster_home(data, say=say))


if __name__ == "__main__":
    main(sys.argv[1])

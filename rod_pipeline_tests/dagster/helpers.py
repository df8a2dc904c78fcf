"""Helpers of the Dagster tests: generated installations, published/ fingerprints, and the
sensor and the schedule evaluated the way the daemon does (Dagster's own test contexts)."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.resources import build_resources
from rod_pipeline.schedules import TIMEZONE, build_schedule
from rod_pipeline.sensors import inbox_sensor

SEED = 1

# Older than any settle time: the extract was copied into the inbox long ago.
SETTLED_AGE_S = 3600.0

# The schedule's tick in these tests: a Monday morning.
SCHEDULE_TICK = datetime(2025, 1, 20, 7, 0, tzinfo=ZoneInfo(TIMEZONE))


def settle(path: Path) -> None:
    """Give every file under `path` a modification time well in the past."""
    past = time.time() - SETTLED_AGE_S
    for file in [path, *path.rglob("*")]:
        os.utime(file, (past, past))


def make_installation(generated: Path, root: Path, keep: int) -> DataFolder:
    """A copy of the generated installation in `root/data` with only its oldest `keep` extracts
    in the inbox; the others in `root/parked`, to be dropped into the inbox later."""
    folder = DataFolder(root / "data")
    shutil.copytree(generated, folder.root)
    parked = root / "parked"
    parked.mkdir()
    for peildatum in folder.extracts()[keep:]:
        shutil.move(folder.extract_dir(peildatum), parked / peildatum.isoformat())
    settle(folder.inbox_dir)
    return folder


def deliver(root: Path, peildatum: str) -> Path:
    """Move a parked extract into the inbox, as the supplier's copy job does, and let it settle."""
    target = root / "data" / "inbox" / peildatum
    shutil.move(root / "parked" / peildatum, target)
    settle(target)
    return target


def published_state(folder: DataFolder) -> tuple[str, dict[str, str]]:
    """Where published/ points, and the sha256 of every file it shows, by relative path."""
    link = folder.published_dir
    return os.readlink(link), {
        path.relative_to(link).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(link.rglob("*"))
        if path.is_file()
    }


def empty_instance(home: Path) -> dg.DagsterInstance:
    """A new Dagster instance on disk: no cursor, no run, no partition known."""
    home.mkdir(parents=True)
    return dg.DagsterInstance.local_temp(str(home))


def cli_instance(folder: DataFolder) -> dg.DagsterInstance:
    """The Dagster instance `rod-pipeline run` used (DAGSTER_HOME is unset in these tests)."""
    return dg.DagsterInstance.from_config(str(folder.state_dir / "dagster"))


@dataclass(frozen=True)
class Processed:
    """An installation whose oldest two extracts `rod-pipeline run` processed."""

    root: Path  # holds data/ and parked/
    first_request: dg.RunRequest  # the sensor's request for the oldest extract, before the run

    @property
    def folder(self) -> DataFolder:
        return DataFolder(self.root / "data")


Outcome = list[dg.RunRequest] | dg.SkipReason


@dataclass(frozen=True)
class Evaluator:
    """One tick of the inbox sensor or the schedule, as the daemon evaluates it."""

    kind: str  # "sensor" or "schedule"

    @property
    def run_key_prefix(self) -> str:
        return "sensor:" if self.kind == "sensor" else "schedule:2025-01-20T07:00:"

    def __call__(
        self, folder: DataFolder, instance: dg.DagsterInstance, settle_seconds: float = 0.0
    ) -> Outcome:
        # Only the resource they ask for, as the daemon gives them (not the writer's lock).
        resources = {"data_folder": build_resources(folder, settle_seconds)["data_folder"]}
        if self.kind == "sensor":
            with dg.build_sensor_context(instance=instance, resources=resources) as context:
                result = inbox_sensor(context)
            if isinstance(result, dg.SkipReason):
                return result
            assert isinstance(result, dg.SensorResult)
            requests = list(result.run_requests or [])
            added = [
                key
                for request in result.dynamic_partitions_requests or []
                for key in request.partition_keys or []
            ]
            assert added == [r.partition_key for r in requests], "a request's partition is added"
            return requests
        # A schedule reaches its instance through a reference, so the instance is on disk.
        with dg.build_schedule_context(
            instance_ref=instance.get_ref(),
            scheduled_execution_time=SCHEDULE_TICK,
            resources=resources,
        ) as context:
            result = build_schedule()(context)
        if isinstance(result, dg.SkipReason):
            return result
        assert isinstance(result, list)
        for request in result:
            assert instance.has_dynamic_partition("peildatum", request.partition_key)
        return result


SENSOR = Evaluator("sensor")


def skip_text(outcome: Outcome) -> str:
    assert isinstance(outcome, dg.SkipReason), f"expected a skip, got {outcome}"
    return outcome.skip_message or ""


def only_request(outcome: Outcome) -> dg.RunRequest:
    assert isinstance(outcome, list) and len(outcome) == 1, f"expected one request: {outcome}"
    return outcome[0]


# What a publication materialises: every published dataset and the report.
PUBLISHED_ASSETS = {
    "dashboard_1b",
    "dashboard_1a",
    "dashboard_1a_historie",
    "niet_toegerekend",
    "mutaties",
    "afwijkingen_na_definitief",
    "stabiliteit",
    "rapport",
}

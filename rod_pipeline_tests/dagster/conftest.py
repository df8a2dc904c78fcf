"""A generated tiny installation, and one extract run through the real jobs on it."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.partitions import PEILDATUM_TAG, register_partitions
from rod_pipeline.resources import build_resources
from rod_pipeline.synthetic import generate
from rod_pipeline.teldata import read_teldata

SEED = 1
# Older than any settle time: the extract was copied into the inbox long ago.
SETTLED_AGE_S = 3600.0


def settle(path: Path) -> None:
    """Give every file under `path` a modification time well in the past."""
    past = time.time() - SETTLED_AGE_S
    for file in [path, *path.rglob("*")]:
        os.utime(file, (past, past))


def make_installation(root: Path, keep: int) -> DataFolder:
    """A tiny installation with only its oldest `keep` extracts in the inbox; the rest in
    `root/parked`, to be dropped into the inbox later."""
    folder = DataFolder(root / "data")
    generate(folder.root, scale="tiny", seed=SEED)
    parked = root / "parked"
    parked.mkdir()
    for peildatum in folder.extracts()[keep:]:
        shutil.move(folder.extract_dir(peildatum), parked / peildatum.isoformat())
    settle(folder.inbox_dir)
    return folder


def persistent_instance(home: Path) -> dg.DagsterInstance:
    """A Dagster instance on disk: schedules read the instance through a reference to it."""
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.local_temp(str(home))


@pytest.fixture
def folder(tmp_path: Path) -> DataFolder:
    return make_installation(tmp_path, keep=1)


@pytest.fixture
def resources(folder: DataFolder) -> dict[str, dg.ConfigurableResource]:
    return build_resources(folder)


@dataclass
class Processed:
    """The oldest extract ingested and its teldata published by the real jobs."""

    folder: DataFolder
    instance: dg.DagsterInstance
    ingest: dg.ExecuteInProcessResult
    teldata: list[dg.ExecuteInProcessResult]


@pytest.fixture(scope="package")
def processed(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("processed")
    folder = make_installation(root, keep=1)
    defs = build_definitions(folder)
    (peildatum,) = folder.extracts()
    teldata = [d.teldatum for d in read_teldata(folder.reference_dir) if d.teldatum <= peildatum]
    with persistent_instance(root / "dagster_home") as instance:
        register_partitions(instance, [peildatum], teldata)
        ingest = defs.resolve_job_def("ingest_job").execute_in_process(
            instance=instance, partition_key=peildatum.isoformat()
        )
        published = [
            defs.resolve_job_def("teldatum_job").execute_in_process(
                instance=instance,
                partition_key=teldatum.isoformat(),
                tags={PEILDATUM_TAG: peildatum.isoformat()},
            )
            for teldatum in teldata
        ]
        yield Processed(folder, instance, ingest, published)

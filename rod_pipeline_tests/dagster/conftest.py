"""Fixtures of the Dagster tests: generated tiny installations, one of them processed by the
CLI, and the sensor and the schedule as one parametrised evaluator (helpers.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.runner import run_pending
from rod_pipeline.synthetic import generate
from rod_pipeline_tests.dagster.helpers import (
    SEED,
    SENSOR,
    Evaluator,
    Processed,
    empty_instance,
    make_installation,
)


@pytest.fixture(autouse=True, scope="package")
def _no_operator_environment() -> Iterator[None]:
    """The runner and the definitions read these; the operator's own must not leak in."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("DAGSTER_HOME", "ROD_DATA_DIR", "ROD_INBOX_SETTLE_SECONDS"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    with empty_instance(tmp_path / "dagster_home") as empty:
        yield empty


@pytest.fixture(scope="package")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated tiny installation (never changed: tests take copies of it)."""
    root = tmp_path_factory.mktemp("generated") / "data"
    generate(root, scale="tiny", seed=SEED)
    return root


@pytest.fixture
def fresh(generated: Path, tmp_path: Path) -> DataFolder:
    """An installation nothing was run on, its oldest extract in the inbox."""
    return make_installation(generated, tmp_path, keep=1)


@pytest.fixture(scope="package")
def processed_template(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Processed:
    root = tmp_path_factory.mktemp("processed")
    folder = make_installation(generated, root, keep=2)
    with empty_instance(root / "dagster_home") as instance:
        first = SENSOR(folder, instance)
    assert isinstance(first, list) and len(first) == 1, first
    said: list[str] = []
    outcome = run_pending(folder, echo=said.append)
    assert outcome.ok and len(outcome.processed) == 2, "\n".join(said)
    return Processed(root, first[0])


@pytest.fixture
def processed(processed_template: Processed, tmp_path: Path) -> Processed:
    """A copy of the processed installation for one test to change."""
    shutil.copytree(processed_template.root, tmp_path / "copy", symlinks=True)
    return Processed(tmp_path / "copy", processed_template.first_request)


@pytest.fixture(params=["sensor", "schedule"])
def evaluate(request: pytest.FixtureRequest) -> Evaluator:
    """The sensor and the schedule ask the same planner: each case is checked for both."""
    return Evaluator(request.param)

"""Fixtures of the end-to-end tests: the users' example and a tiny installation, published by
the real CLI once per session (helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rod_pipeline_tests.e2e.helpers import (
    TINY_EXTRACTS,
    CliResult,
    cli_ok,
    copy_installation,
    copy_seed_case,
    trim_extracts,
)
from rod_pipeline_tests.publish.reading import (  # noqa: F401  (re-exported to the e2e tests)
    canonical,
    parquet_files,
    with_catalog,
    with_duckdb,
    with_pyarrow,
)


@pytest.fixture(scope="session")
def seed_published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, CliResult]]:
    """The users' example, run once through `run`: (data folder, the run's output)."""
    data_dir = copy_seed_case(tmp_path_factory.mktemp("seed") / "data")
    yield data_dir, cli_ok("run", "--data-dir", str(data_dir))


@pytest.fixture(scope="session")
def tiny_generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated tiny installation (seed 1), trimmed to its oldest extracts, not yet run."""
    data_dir = tmp_path_factory.mktemp("tiny") / "data"
    cli_ok("generate", "--data-dir", str(data_dir), "--scale", "tiny", "--seed", "1")
    trim_extracts(data_dir, TINY_EXTRACTS)
    return data_dir


@pytest.fixture(scope="session")
def tiny_published(
    tiny_generated: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, CliResult]:
    """A clean, uninterrupted run of the tiny installation: (data folder, the run's output)."""
    data_dir = copy_installation(tiny_generated, tmp_path_factory.mktemp("tiny_clean") / "data")
    return data_dir, cli_ok("run", "--data-dir", str(data_dir))

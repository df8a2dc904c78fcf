"""A published installation made by the real CLI once per session, and copies of it to change.

Tests that change a folder work on their own copy (`shutil.copytree(symlinks=True)`, as an
operator would copy it), so the session's installation stays as `run` left it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rod_pipeline_tests.bi.folders import cli_ok, copy_folder, publish_docs


@pytest.fixture(scope="session")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as `generate` and `run` leave it; no test changes it. All six extracts
    (about two minutes): fewer leave afwijkingen_na_definitief empty."""
    root = tmp_path_factory.mktemp("bi") / "data"
    cli_ok("generate", "--data-dir", str(root), "--scale", "tiny", "--seed", "3")
    cli_ok("run", "--data-dir", str(root))
    return root


@pytest.fixture(scope="session")
def bi_folder(installation: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the installation with catalog and DATASETS.md written by this package's
    functions, whatever publication does with them. No test changes it."""
    root = copy_folder(installation, tmp_path_factory.mktemp("bi-docs") / "data")
    publish_docs(root)
    return root


@pytest.fixture
def own_copy(installation: Path, tmp_path: Path) -> Callable[[str], Path]:
    """make(name): a fresh copy of the installation with its catalog written for it, to change."""

    def make(name: str) -> Path:
        root = copy_folder(installation, tmp_path / name)
        publish_docs(root)
        return root

    return make

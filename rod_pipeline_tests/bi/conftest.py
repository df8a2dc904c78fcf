"""A published installation made by the real CLI once per session, and copies of it to change.

Tests that change a folder work on their own copy (`shutil.copytree(symlinks=True)`, as an
operator would copy it), so the session's installation stays as `run` left it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from rod_pipeline_tests.bi.folders import cli_ok, copy_folder, publish_docs

# The generated extracts run: a teldatum published twice (VOORLOPIG, then DEFINITIEF) and final
# ones compared in afwijkingen_na_definitief (no rows, as mutaties' columns that have rows), in
# a third of the time of all six.
KEPT_EXTRACTS = ("2025-02-15", "2025-05-01", "2025-10-01")


@pytest.fixture(scope="session")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder as `generate` and `run` leave it; no test changes it."""
    root = tmp_path_factory.mktemp("bi") / "data"
    cli_ok("generate", "--data-dir", str(root), "--scale", "tiny", "--seed", "3")
    extracts = {folder.name: folder for folder in (root / "inbox").iterdir()}
    assert set(KEPT_EXTRACTS) <= set(extracts), sorted(extracts)
    for name, folder in extracts.items():
        if name not in KEPT_EXTRACTS:
            shutil.rmtree(folder)
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

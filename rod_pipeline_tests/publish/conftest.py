from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data folder: published/ and state/ are made by publishing."""
    folder = tmp_path / "data"
    (folder / "state").mkdir(parents=True)
    return folder


@pytest.fixture
def con(root: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(root / "state" / "warehouse.duckdb"))
    yield connection
    connection.close()

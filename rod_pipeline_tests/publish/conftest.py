from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "warehouse.duckdb"


@pytest.fixture
def con(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    warehouse_path.parent.mkdir(parents=True)
    connection = duckdb.connect(str(warehouse_path))
    yield connection
    connection.close()


@pytest.fixture
def published_dir(tmp_path: Path) -> Path:
    return tmp_path / "published"

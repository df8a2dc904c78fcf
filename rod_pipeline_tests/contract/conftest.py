from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rod_pipeline_tests.contract.installation import Installation, new_installation


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    made = new_installation(tmp_path / "data")
    yield made
    made.con.close()

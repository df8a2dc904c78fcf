"""The data folder of one installation (CONTRACT.md, "The data folder").

Every state a later run needs lives here, so the folder can be moved or backed up as one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ENV_VAR = "ROD_DATA_DIR"
_PEILDATUM_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def default_data_dir() -> Path:
    """`--data-dir` is resolved by the caller; then ROD_DATA_DIR; then `data/` in the project."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class DataFolder:
    root: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> DataFolder:
        return cls(Path(data_dir).resolve() if data_dir else default_data_dir().resolve())

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference"

    @property
    def inbox_dir(self) -> Path:
        return self.root / "inbox"

    @property
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def state_dir(self) -> Path:
        """The pipeline's own state: the warehouse and Dagster's instance for CLI runs."""
        return self.root / "state"

    @property
    def warehouse_path(self) -> Path:
        return self.state_dir / "warehouse.duckdb"

    def extract_dir(self, peildatum: date) -> Path:
        return self.inbox_dir / peildatum.isoformat()

    def extracts(self) -> list[date]:
        """Peildata of the extract folders in the inbox, oldest first."""
        if not self.inbox_dir.is_dir():
            return []
        found = []
        for child in self.inbox_dir.iterdir():
            if child.is_dir() and _PEILDATUM_FOLDER.match(child.name):
                try:
                    found.append(date.fromisoformat(child.name))
                except ValueError:
                    continue
        return sorted(found)

"""What reading and validating an input file reports: counts only, never values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class FileReport:
    """One input file: where it came from and what became of its rows."""

    bestand: str
    pad: Path
    sha256: str
    rijen_gelezen: int
    rijen_geaccepteerd: int | None = None  # None until validated
    rijen_gequarantaineerd: int | None = None
    rijen_per_regel: dict[str, int] = field(default_factory=dict)  # REGEL_CODE -> rows


@dataclass(frozen=True)
class ValidationReport:
    """The validated extract of one peildatum, per file name (`inschrijvingen`, `tlv`)."""

    peildatum: date
    files: dict[str, FileReport]
    quarantine_path: Path

    @property
    def rijen_gequarantaineerd(self) -> int:
        return sum(report.rijen_gequarantaineerd or 0 for report in self.files.values())

"""`rod-pipeline generate`: a realistic synthetic installation in a data folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.synthetic.extracts import extract_on
from rod_pipeline.synthetic.files import FORMATS, write_table
from rod_pipeline.synthetic.geography import geography_from_file, synthetic_geography
from rod_pipeline.synthetic.locations import build_locations
from rod_pipeline.synthetic.mistakes import Mistakes
from rod_pipeline.synthetic.population import build_register, register_text
from rod_pipeline.synthetic.reference import write_reference
from rod_pipeline.synthetic.scales import scale_named
from rod_pipeline.synthetic.timeline import PEILDATA, day


@dataclass(frozen=True)
class GenerateSummary:
    """What `generate` wrote: rows per file, and the mistakes made in each extract file."""

    data_dir: Path
    scale: str
    seed: int
    fmt: str
    peildata: tuple[date, ...]
    reference_rows: dict[str, int]  # file name -> rows
    extract_rows: dict[date, dict[str, int]]  # peildatum -> file name -> rows
    injected_errors: dict[date, dict[str, dict[str, int]]]  # peildatum -> file -> mistake -> rows

    def errors_in(self, peildatum: date, file_name: str) -> int:
        """Mistakes made in one extract file (a duplicated id counts once, breaks two rows)."""
        return sum(self.injected_errors[peildatum][file_name].values())

    def lines(self) -> list[str]:
        """A short report for the command line."""
        lines = [f"{self.data_dir}: scale {self.scale}, seed {self.seed}, format {self.fmt}"]
        lines += [f"  reference/{name}: {rows} rows" for name, rows in self.reference_rows.items()]
        for peildatum in self.peildata:
            for name, rows in self.extract_rows[peildatum].items():
                file_errors = self.errors_in(peildatum, name.split(".")[0])
                lines.append(
                    f"  inbox/{peildatum.isoformat()}/{name}: {rows} rows, "
                    f"{file_errors} with a mistake"
                )
        return lines


def _must_be_new(folder: DataFolder) -> None:
    for existing in (folder.reference_dir, folder.inbox_dir):
        if existing.is_dir() and any(existing.iterdir()):
            raise FileExistsError(
                f"{existing} is not empty: generate writes a new installation, "
                "choose an empty --data-dir"
            )


def generate(
    data_dir: Path,
    scale: str = "small",
    seed: int = 0,
    fmt: str = "csv",
    regio_indeling: Path | None = None,
    error_rate: float = 0.005,
    progress: Callable[[str], None] = lambda line: None,
) -> GenerateSummary:
    """Write reference data and extracts over time (see PEILDATA) to `data_dir`.

    Same arguments, same bytes. `regio_indeling` builds the geography from a real table;
    `error_rate` is the share of extract rows given a mistake; `progress` hears one line per
    step (a national installation takes a minute or more).
    """
    size = scale_named(scale)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose csv or parquet")
    if not 0 <= error_rate <= 0.5:
        raise ValueError(f"error rate {error_rate} must lie between 0 and 0.5")
    folder = DataFolder(Path(data_dir))
    _must_be_new(folder)
    rng = np.random.default_rng(seed)
    geography = (
        geography_from_file(Path(regio_indeling))
        if regio_indeling
        else synthetic_geography(
            rng,
            size.postcodes,
            size.po_partnerships,
            size.vo_partnerships,
            size.without_partnership,
        )
    )
    locations = build_locations(rng, size, geography)
    reference_rows = write_reference(folder.reference_dir, geography, locations)
    progress("reference data written")
    register = build_register(rng, size, geography, locations, day(PEILDATA[-1]))
    progress("register of enrolments and TLVs built")
    text = register_text(rng, geography, register)
    extract_rows: dict[date, dict[str, int]] = {}
    injected: dict[date, dict[str, dict[str, int]]] = {}
    mistakes = Mistakes.none_yet(register)
    for peildatum in PEILDATA:
        extract = extract_on(day(peildatum), register, text, locations, geography.swv_codes)
        extract, injected[peildatum] = mistakes.make(
            rng, day(peildatum), extract, register, geography, locations, error_rate
        )
        target = folder.extract_dir(peildatum)
        extract_rows[peildatum] = {
            write_table(table, target, name, fmt).name: table.num_rows
            for name, table in (("inschrijvingen", extract.inschrijvingen), ("tlv", extract.tlv))
        }
        progress(f"extract {peildatum} written")
    return GenerateSummary(
        data_dir=folder.root,
        scale=scale,
        seed=seed,
        fmt=fmt,
        peildata=PEILDATA,
        reference_rows=reference_rows,
        extract_rows=extract_rows,
        injected_errors=injected,
    )

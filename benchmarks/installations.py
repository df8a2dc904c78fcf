"""The benchmark's data folders: a generated installation, cut-down extracts, fresh run copies.

Input files are hard-linked, not copied: the pipeline only reads them, and a run folder then
costs no disk time before the clock starts.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline.contract.sql import literal
from rod_pipeline.datafolder import DataFolder

PEILDATUM = date(2025, 3, 15)
EXTRACT_FILES = ("inschrijvingen.csv", "tlv.csv")
CLI = str(Path(sys.executable).parent / "rod-pipeline")


def generated(cache: Path, scale: str, seed: int = 0) -> DataFolder:
    """The installation of `scale`, generated once (into a temporary name, then renamed, so an
    interrupted generation is never taken for a complete one)."""
    root = cache / f"{scale}-seed{seed}"
    if not root.is_dir():
        partial = cache / f"{root.name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [CLI, "generate", "--data-dir", str(partial), "--scale", scale, "--seed", str(seed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        partial.rename(root)
    return DataFolder(root.resolve())


def _link_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=_link)


def _link(source: str, target: str) -> None:
    Path(target).hardlink_to(source)


def run_copy(installation: DataFolder, extract: DataFolder, target: Path) -> DataFolder:
    """A fresh data folder: the installation's reference data and the one extract of
    `extract` (no warehouse, no published data)."""
    shutil.rmtree(target, ignore_errors=True)
    folder = DataFolder(target.resolve())
    _link_tree(installation.reference_dir, folder.reference_dir)
    _link_tree(extract.extract_dir(PEILDATUM), folder.extract_dir(PEILDATUM))
    return folder


def fraction_of_extract(installation: DataFolder, fraction: float, cache: Path) -> DataFolder:
    """A data folder whose extract holds the first `fraction` of the rows of each file of the
    installation's extract (reused when present)."""
    if fraction == 1:
        return installation
    root = cache / f"{installation.root.name}-{round(fraction * 100)}pct"
    folder = DataFolder(root.resolve())
    if root.is_dir():
        return folder
    partial = DataFolder((cache / f"{root.name}.partial").resolve())
    shutil.rmtree(partial.root, ignore_errors=True)
    target = partial.extract_dir(PEILDATUM)
    target.mkdir(parents=True)
    with duckdb.connect() as con:
        for name in EXTRACT_FILES:
            source = literal(str(installation.extract_dir(PEILDATUM) / name))
            reader = f"read_csv({source}, delim=';', header=true, all_varchar=true)"
            found = con.execute(f"SELECT count(*) FROM {reader}").fetchone()
            rows = math.ceil(fraction * (found[0] if found else 0))
            con.execute(
                f"COPY (SELECT * FROM {reader} LIMIT {rows}) TO {literal(str(target / name))} "
                "(FORMAT csv, HEADER, DELIMITER ';')"
            )
    _link_tree(installation.reference_dir, partial.reference_dir)
    partial.root.rename(root)
    return folder

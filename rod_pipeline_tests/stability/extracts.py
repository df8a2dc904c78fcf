"""Hand-written extracts on the users' example (DOMAIN.md), the real CLI run in this process,
and the published Parquet read back."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rod_pipeline import cli
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import datasets
from rod_pipeline_tests.publish.reading import with_pyarrow

SEED_CASES = Path(__file__).resolve().parent.parent / "fixtures" / "seed_cases"
SEED_EXTRACT = SEED_CASES / "inbox" / "2025-03-15"
T = date(2025, 2, 1)  # the seed's only teldatum: deadline 2025-03-03, objections end 2025-04-14


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def seed_enrolments() -> dict[str, dict[str, str]]:
    """The example's enrolments by INSCHRIJVING_ID, as delivered (text)."""
    return {row["INSCHRIJVING_ID"]: row for row in _read(SEED_EXTRACT / "inschrijvingen.csv")[1]}


def new_folder(root: Path) -> DataFolder:
    """A data folder with the example's reference files and an empty inbox."""
    shutil.copytree(SEED_CASES / "reference", root / "reference")
    (root / "inbox").mkdir()
    return DataFolder(root)


def deliver(folder: DataFolder, peildatum: date, enrolments: dict[str, dict[str, str]]) -> Path:
    """An extract folder: these enrolments and the example's TLVs."""
    target = folder.extract_dir(peildatum)
    target.mkdir(parents=True, exist_ok=True)
    header = _read(SEED_EXTRACT / "inschrijvingen.csv")[0]
    with (target / "inschrijvingen.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(enrolments.values())
    shutil.copyfile(SEED_EXTRACT / "tlv.csv", target / "tlv.csv")
    return target


def rod_pipeline(folder: DataFolder, command: str, *args: str) -> Outcome:
    """`rod-pipeline COMMAND --data-dir DIR ARGS`, in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main([command, "--data-dir", str(folder.root), *args])
    return Outcome(code, out.getvalue())


def run_ok(folder: DataFolder, *args: str) -> str:
    done = rod_pipeline(folder, "run", *args)
    assert done.code == 0, done.output
    return done.output


def rows(folder: DataFolder, dataset: datasets.Dataset) -> list[dict]:
    return with_pyarrow(folder.published_dir, dataset).to_pylist()


def digests(folder: DataFolder, dataset: datasets.Dataset) -> dict[str, str]:
    """sha256 of each of a dataset's published files, by path below published/."""
    published = folder.published_dir
    return {
        p.relative_to(published).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((published / dataset.name).rglob("*.parquet"))
    }


def copy_folder(folder: DataFolder, target: Path) -> DataFolder:
    """The whole data folder, state included (published/ stays a relative link)."""
    shutil.copytree(folder.root, target, symlinks=True)
    return DataFolder(target)

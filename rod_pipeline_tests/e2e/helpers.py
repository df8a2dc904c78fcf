"""Helpers of the end-to-end tests: the real CLI in a subprocess on data folders in tmp, and
the published Parquet read back the ways BI tools read it."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from rod_pipeline.publish import datasets
from rod_pipeline_tests.publish.reading import (  # noqa: F401  (re-exported to the e2e tests)
    canonical,
    parquet_files,
    with_catalog,
    with_duckdb,
    with_pyarrow,
)

PROJECT = Path(__file__).resolve().parents[2]


SEED_CASES = PROJECT / "rod_pipeline_tests" / "fixtures" / "seed_cases"


SEED_PEILDATUM = "2025-03-15"


CLI_TIMEOUT_S = 300


# Extracts kept of a generated tiny installation: enough for every phase of a run, twice.
TINY_EXTRACTS = 2


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rod_pipeline.cli", *args]


def cli_env() -> dict[str, str]:
    """The operator's environment minus what would point the CLI elsewhere than --data-dir."""
    return {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "ROD_DATA_DIR")}


def start_run_in_background(data_dir: Path) -> subprocess.Popen[bytes]:
    """`rod-pipeline run` in a process group of its own (for killing it whole), output dropped."""
    return subprocess.Popen(
        cli_command("run", "--data-dir", str(data_dir)),
        cwd=PROJECT,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def cli(*args: str, cwd: Path = PROJECT) -> CliResult:
    started = time.monotonic()
    done = subprocess.run(
        cli_command(*args),
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def cli_ok(*args: str) -> CliResult:
    result = cli(*args)
    assert result.returncode == 0, result.output
    return result


def copy_seed_case(data_dir: Path) -> Path:
    for part in ("reference", "inbox"):
        shutil.copytree(SEED_CASES / part, data_dir / part)
    return data_dir


def copy_installation(source: Path, target: Path) -> Path:
    """The whole data folder, state included: the contract says it moves as one (published/
    stays a link to its snapshot)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def published(data_dir: Path) -> Path:
    return data_dir / "published"


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under the folder, by relative path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def read_semicolon_csv(path: Path) -> list[dict[str, str | None]]:
    """A contract CSV as rows of text; an empty field is null."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key: (value or None) for key, value in row.items()}
            for row in csv.DictReader(handle, delimiter=";")
        ]


def write_semicolon_csv(path: Path, rows: list[dict[str, str | None]], header: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows([{k: row.get(k) or "" for k in header} for row in rows])


def key_value_metadata(path: Path) -> dict[str, str]:
    raw = pq.read_metadata(path).metadata or {}
    return {key.decode(): value.decode() for key, value in raw.items()}


def trim_extracts(data_dir: Path, keep: int) -> list[str]:
    """Keep the oldest `keep` extracts of a generated installation; returns their peildata."""
    extracts = sorted(p for p in (data_dir / "inbox").iterdir() if p.is_dir())
    for extra in extracts[keep:]:
        shutil.rmtree(extra)
    return [p.name for p in extracts[:keep]]


def assert_read_back_agrees(published_dir: Path, elsewhere: Path) -> dict[str, pa.Table]:
    """Every dataset read by pyarrow, by DuckDB over the hive folders, and through the catalog
    opened read-only with another working directory: all three equal. Returns pyarrow's."""
    by_pyarrow = {d.name: with_pyarrow(published_dir, d) for d in datasets.ALL}
    by_duckdb = {d.name: with_duckdb(published_dir, d) for d in datasets.ALL}
    elsewhere.mkdir(parents=True, exist_ok=True)
    before = Path.cwd()
    os.chdir(elsewhere)
    try:
        by_catalog = {d.name: with_catalog(published_dir, d) for d in datasets.ALL}
    finally:
        os.chdir(before)
    for name, table in by_pyarrow.items():
        assert by_duckdb[name].equals(table), f"{name}: DuckDB reads other rows than pyarrow"
        assert by_catalog[name].equals(table), f"{name}: the catalog shows other rows"
    return by_pyarrow

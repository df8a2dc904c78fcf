"""`run` with nothing new does nothing; a broken extract fails loudly, naming the file and the
column, and leaves published/ byte for byte as it was; once fixed, it is published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rod_pipeline_tests.e2e.helpers import (
    SEED_PEILDATUM,
    CliResult,
    cli,
    cli_ok,
    copy_installation,
    file_digests,
    published,
    read_semicolon_csv,
    write_semicolon_csv,
)

pytestmark = pytest.mark.e2e

NEXT_PEILDATUM = "2025-04-01"


def test_run_with_nothing_new_does_nothing_and_exits_0(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # a copy's catalog is rewritten for it, once
    before = file_digests(published(data_dir))
    result = cli("run", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.output
    assert "nothing to do" in result.stdout
    assert file_digests(published(data_dir)) == before


def test_a_broken_extract_fails_names_file_and_column_and_publishes_nothing(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # a copy's catalog is rewritten for it, once
    first = data_dir / "inbox" / SEED_PEILDATUM
    broken = data_dir / "inbox" / NEXT_PEILDATUM
    shutil.copytree(first, broken)
    enrolments = read_semicolon_csv(first / "inschrijvingen.csv")
    without = [c for c in enrolments[0] if c != "ONDERWIJSSOORT"]
    write_semicolon_csv(broken / "inschrijvingen.csv", enrolments, without)
    before = file_digests(published(data_dir))

    failed = cli("run", "--data-dir", str(data_dir))
    assert failed.returncode != 0
    assert "inschrijvingen.csv" in failed.output and "ONDERWIJSSOORT" in failed.output, (
        failed.output
    )
    assert file_digests(published(data_dir)) == before

    shutil.copyfile(first / "inschrijvingen.csv", broken / "inschrijvingen.csv")
    fixed = cli("run", "--data-dir", str(data_dir))
    assert fixed.returncode == 0, fixed.output
    manifest = json.loads((published(data_dir) / "manifest.json").read_text())
    assert [t["peildatum"] for t in manifest["teldata"]] == [NEXT_PEILDATUM]


def test_a_truncated_file_run_by_its_peildatum_names_its_last_line_and_publishes_nothing(
    seed_published: tuple[Path, CliResult], tmp_path: Path
) -> None:
    """`run --peildatum` counts the file's records while Python loads (filefacts.prefetch):
    the error of that count still reaches the operator, naming the file and the line."""
    data_dir = copy_installation(seed_published[0], tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # a copy's catalog is rewritten for it, once
    first = data_dir / "inbox" / SEED_PEILDATUM
    broken = data_dir / "inbox" / NEXT_PEILDATUM
    shutil.copytree(first, broken)
    data = (first / "inschrijvingen.csv").read_bytes()
    cut = data.rstrip(b"\r\n").rfind(b";")  # the last line loses its last field
    (broken / "inschrijvingen.csv").write_bytes(data[:cut])
    last_line = data[:cut].count(b"\n") + 1
    before = file_digests(published(data_dir))

    failed = cli("run", "--data-dir", str(data_dir), "--peildatum", NEXT_PEILDATUM)
    assert failed.returncode != 0
    assert "inschrijvingen.csv" in failed.output, failed.output
    assert f"line {last_line} has" in failed.output, failed.output
    assert file_digests(published(data_dir)) == before

    shutil.copyfile(first / "inschrijvingen.csv", broken / "inschrijvingen.csv")
    cli_ok("run", "--data-dir", str(data_dir), "--peildatum", NEXT_PEILDATUM)
    manifest = json.loads((published(data_dir) / "manifest.json").read_text())
    assert [t["peildatum"] for t in manifest["teldata"]] == [NEXT_PEILDATUM]

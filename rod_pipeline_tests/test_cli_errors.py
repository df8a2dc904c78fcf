"""Errors an operator can act on: a short message on stderr, the trace in a log, the exit code."""

from __future__ import annotations

import argparse
import errno
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rod_pipeline.cli import _parser
from rod_pipeline.errors import ExitCode, no_space_error, write_error_log


def cli(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it; TMPDIR holds the log of a folder that is none."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("ROD_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "rod_pipeline.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def short_error(result: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr as the operator reads it: no trace, at most four lines, a log that exists."""
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert 1 <= len(lines) <= 4, lines
    assert lines[-1].startswith("details: ")
    log = Path(lines[-1].removeprefix("details: "))
    assert log.is_file()
    assert "Traceback" in log.read_text()
    return lines[:-1]


def test_status_of_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = cli("status", "--data-dir", str(missing), tmp=tmp_path)
    assert result.returncode == ExitCode.USAGE == 2
    assert short_error(result) == [
        f"error: {missing} does not exist",
        "what to do: give the data folder with --data-dir or $ROD_DATA_DIR",
    ]
    assert not missing.exists()


def test_status_of_a_folder_that_is_no_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    result = cli("status", "--data-dir", str(folder), tmp=tmp_path)
    assert result.returncode == 2
    assert short_error(result)[0] == f"error: {folder} is not a data folder (it has no reference/)"
    assert list(folder.iterdir()) == []  # no log or state written into someone's folder


def test_generate_into_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = cli("generate", "--data-dir", str(folder), "--scale", "tiny", tmp=tmp_path)
    assert result.returncode == 2
    assert short_error(result) == [
        f"error: {folder} is not empty: generate writes a new installation",
        "what to do: give an empty or new folder with --data-dir",
    ]
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]


def test_generate_into_a_folder_with_only_hidden_files(tmp_path: Path) -> None:
    """The project's own data/ holds .gitkeep: `make demo` generates into it."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / ".gitkeep").write_text("")
    result = cli("generate", "--data-dir", str(folder), "--scale", "tiny", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (folder / "reference" / "teldata.csv").is_file()


def test_an_internal_error_is_one_line_and_a_log_in_the_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "reference").mkdir(parents=True)
    history = folder / "published" / "stabiliteit"
    history.mkdir(parents=True)
    (history / "part-0.parquet").write_bytes(b"not parquet, 123456782 7691 AB")
    result = cli("status", "--data-dir", str(folder), tmp=tmp_path)
    assert result.returncode == ExitCode.INTERNAL == 70
    (line,) = short_error(result)
    assert line.startswith("internal error: ")
    assert "123456782" not in result.stderr
    log = Path(result.stderr.splitlines()[-1].removeprefix("details: "))
    assert log.parent == folder / "state" / "logs"
    assert re.fullmatch(r"rod-pipeline-[0-9]{8}-[0-9]{6}-[0-9]+\.log", log.name)


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches the command as in an operator's terminal, also when the tests run in a
    background job (whose children inherit SIGINT ignored, and Python then leaves it so)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_interrupted(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "rod_pipeline.cli", "generate", "--scale", "national"),
            *("--data-dir", str(tmp_path / "data")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_in_a_terminal,
    )
    assert process.stdout is not None
    # Into generating, however slow the machine: its first line of progress has come.
    assert "reference data written" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == ExitCode.INTERRUPTED == 130
    assert stderr.strip() == "interrupted"


def test_every_option_has_help_and_shows_its_default() -> None:
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.option_strings}"
    generate_help = commands.choices["generate"].format_help()
    assert "(default: small)" in generate_help
    assert "(default: 0.005)" in generate_help
    assert "(default: None)" not in generate_help


def test_error_rate_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("generate", "--data-dir", str(tmp_path / "d"), "--error-rate", "2", tmp=tmp_path)
    assert result.returncode == 2
    assert "2 is not a share between 0 and 0.5" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_full_disk_is_exit_code_4() -> None:
    error = no_space_error(OSError(errno.ENOSPC, "No space left on device"))
    assert error is not None and error.exit_code == ExitCode.NO_SPACE == 4
    assert no_space_error(ValueError("something else")) is None


def test_the_error_log_holds_the_trace_without_personal_data(tmp_path: Path) -> None:
    try:
        raise RuntimeError("row of 123456782 at 7691 AB")
    except RuntimeError as exc:
        path = write_error_log(tmp_path / "state", exc)
    assert path.parent == tmp_path / "state" / "logs"
    assert path.name.endswith(f"-{os.getpid()}.log")
    text = path.read_text()
    assert "Traceback" in text and "RuntimeError" in text
    assert "123456782" not in text and "7691 AB" not in text


@pytest.mark.parametrize("code", list(ExitCode))
def test_exit_codes_are_documented(code: ExitCode) -> None:
    operations = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
    table = operations.read_text().split("## Exit codes", 1)[1]
    assert f"| {code.value} |" in table

"""The inbox sensor and the schedule decide from the data folder, never from a cursor: each case
is evaluated for both, on an empty Dagster instance, with Dagster's own test contexts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_origin import (
    RegisteredCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)

from rod_pipeline import cli, folder_lock
from rod_pipeline.datafolder import DataFolder
from rod_pipeline_tests.dagster.helpers import (
    Evaluator,
    Processed,
    deliver,
    make_installation,
    only_request,
    published_state,
    settle,
    skip_text,
)

NOTHING_TO_DO = "Nothing to do: every extract in the inbox is processed."
NOTHING_TO_START = "Nothing to start now:"
IN_FLIGHT = "A run of extract_job is queued or running; the next waits for it."
RUN_KEY_HASH = r"[0-9a-f]{16}"


def assert_requests(request: dg.RunRequest, evaluate: Evaluator, peildatum: str, reason: str):
    assert request.partition_key == peildatum
    assert request.run_key is not None
    assert re.fullmatch(
        re.escape(f"{evaluate.run_key_prefix}{peildatum}:") + RUN_KEY_HASH, request.run_key
    ), request.run_key
    assert request.tags == {"rod/reason": reason}


def locked_text(folder: DataFolder) -> str:
    return f"Another command is writing to {folder.root.resolve()}; looking again later."


# 1. A folder the CLI processed: nothing to do, although the instance knows no run or cursor.


def test_folder_processed_by_the_cli_gives_nothing_to_do(
    processed_template: Processed, evaluate: Evaluator, instance: dg.DagsterInstance
):
    before = published_state(processed_template.folder)
    outcome = evaluate(processed_template.folder, instance, settle_seconds=30)
    assert skip_text(outcome) == NOTHING_TO_DO
    assert published_state(processed_template.folder) == before


# 2. New extracts, one at a time, oldest first; nothing while a run or a writer is busy.


def test_new_extract_gives_one_request(
    fresh: DataFolder, evaluate: Evaluator, instance: dg.DagsterInstance
):
    request = only_request(evaluate(fresh, instance, settle_seconds=30))
    assert_requests(request, evaluate, "2024-03-15", "new extract")


def test_extract_delivered_after_the_cli_run_gives_one_request(
    processed: Processed, evaluate: Evaluator, instance: dg.DagsterInstance
):
    deliver(processed.root, "2025-02-15")
    request = only_request(evaluate(processed.folder, instance))
    assert_requests(request, evaluate, "2025-02-15", "new extract")


def test_two_new_extracts_give_one_request_for_the_oldest(
    generated: Path, tmp_path: Path, evaluate: Evaluator, instance: dg.DagsterInstance
):
    folder = make_installation(generated, tmp_path / "two", keep=2)
    assert [p.isoformat() for p in folder.extracts()] == ["2024-03-15", "2025-01-15"]
    request = only_request(evaluate(folder, instance))
    assert_requests(request, evaluate, "2024-03-15", "new extract")


# Where the daemon's runs come from: the code location `dagster dev` loads (a queued run has one).
ORIGIN = RemoteJobOrigin(
    RemoteRepositoryOrigin(
        RegisteredCodeLocationOrigin("rod_pipeline.definitions"), "__repository__"
    ),
    "extract_job",
)


def add_run(instance: dg.DagsterInstance, status: dg.DagsterRunStatus) -> None:
    instance.add_run(
        dg.DagsterRun(
            job_name="extract_job",
            run_id=f"run-{status.value.lower()}",
            status=status,
            tags={"dagster/partition": "2024-03-15"},
            remote_job_origin=ORIGIN,
        )
    )


@pytest.mark.parametrize(
    "status",
    [
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
    ],
)
def test_a_run_in_flight_makes_the_next_wait(
    fresh: DataFolder,
    evaluate: Evaluator,
    instance: dg.DagsterInstance,
    status: dg.DagsterRunStatus,
):
    add_run(instance, status)
    assert skip_text(evaluate(fresh, instance)) == IN_FLIGHT


@pytest.mark.parametrize("status", [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE])
def test_a_finished_run_does_not_block(
    fresh: DataFolder,
    evaluate: Evaluator,
    instance: dg.DagsterInstance,
    status: dg.DagsterRunStatus,
):
    add_run(instance, status)
    assert_requests(only_request(evaluate(fresh, instance)), evaluate, "2024-03-15", "new extract")


def test_the_folder_lock_held_in_this_process_makes_it_wait(
    fresh: DataFolder, evaluate: Evaluator, instance: dg.DagsterInstance
):
    with folder_lock.exclusive(fresh.root, "rod-pipeline run", say=lambda line: None):
        assert skip_text(evaluate(fresh, instance)) == locked_text(fresh)
    assert_requests(only_request(evaluate(fresh, instance)), evaluate, "2024-03-15", "new extract")


HOLD_THE_LOCK = """
import sys
from pathlib import Path
from rod_pipeline import folder_lock
with folder_lock.exclusive(Path(sys.argv[1]), "rod-pipeline run"):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_the_folder_lock_held_by_another_process_makes_it_wait(
    fresh: DataFolder, evaluate: Evaluator, instance: dg.DagsterInstance
):
    # `rod-pipeline run` in another terminal: the daemon sees its flock, not our bookkeeping.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(fresh.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert skip_text(evaluate(fresh, instance)) == locked_text(fresh)
    finally:
        holder.communicate("", timeout=30)
    assert_requests(only_request(evaluate(fresh, instance)), evaluate, "2024-03-15", "new extract")


# 3. An extract still being copied, or not complete, is not taken, and the skip says why.


def test_unsettled_extract_is_not_requested(
    fresh: DataFolder, evaluate: Evaluator, instance: dg.DagsterInstance
):
    now = time.time()
    os.utime(fresh.extract_dir(fresh.extracts()[0]) / "tlv.csv", (now, now))
    assert skip_text(evaluate(fresh, instance, settle_seconds=30)) == (
        f"{NOTHING_TO_START} inbox/2024-03-15: tlv.csv changed less than 30 s ago "
        "(still being copied?)"
    )


def test_incomplete_extract_is_not_requested(
    processed: Processed, evaluate: Evaluator, instance: dg.DagsterInstance
):
    arrived = deliver(processed.root, "2025-02-15")
    (arrived / "tlv.csv").unlink()
    assert skip_text(evaluate(processed.folder, instance)) == (
        f"{NOTHING_TO_START} inbox/2025-02-15: tlv.csv is not there yet"
    )


def test_misnamed_folder_is_named(
    processed: Processed, evaluate: Evaluator, instance: dg.DagsterInstance
):
    (processed.folder.inbox_dir / "maart").mkdir()
    assert skip_text(evaluate(processed.folder, instance)) == (
        f"{NOTHING_TO_START} inbox/maart is not an extract: its name is not a date"
    )


# 4. A rollback is the operator's decision: the next tick does not undo it.


def test_rollback_then_a_tick_requests_nothing(
    processed: Processed,
    evaluate: Evaluator,
    instance: dg.DagsterInstance,
    capsys: pytest.CaptureFixture[str],
):
    folder = processed.folder
    before_rollback = published_state(folder)
    code = cli.main(["rollback", "--data-dir", str(folder.root), "--teldatum", "2024-02-01"])
    assert code == 0, capsys.readouterr().out
    assert "teldatum 2024-02-01: now published from extract 2024-03-15" in capsys.readouterr().out
    after_rollback = published_state(folder)
    assert after_rollback[0] != before_rollback[0], "the rollback switched published/"
    assert skip_text(evaluate(folder, instance)) == NOTHING_TO_DO
    assert published_state(folder) == after_rollback


# 5. An extract delivered again with other contents is requested again, under a new run key.


def test_redelivered_extract_gets_a_new_run_key(
    processed: Processed, evaluate: Evaluator, instance: dg.DagsterInstance
):
    tlv = processed.folder.extract_dir(processed.folder.extracts()[0]) / "tlv.csv"
    lines = tlv.read_text(encoding="utf-8").splitlines(keepends=True)
    tlv.write_text("".join(lines[:-1]), encoding="utf-8")  # the supplier dropped a TLV
    settle(tlv)
    request = only_request(evaluate(processed.folder, instance))
    assert_requests(
        request, evaluate, "2024-03-15", "delivered again with other contents (tlv.csv)"
    )
    first = processed.first_request
    assert first.partition_key == "2024-03-15" and first.run_key is not None
    assert request.run_key is not None
    assert request.run_key.removeprefix(evaluate.run_key_prefix) != first.run_key.removeprefix(
        "sensor:"
    )

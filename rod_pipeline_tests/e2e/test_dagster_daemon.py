"""The real `dagster dev` (webserver + daemon) on loopback: drop an extract in the inbox, watch
the sensor launch the runs through the GraphQL API, and find the published data."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from rod_pipeline.partitions import PEILDATUM_TAG
from rod_pipeline.synthetic import generate
from rod_pipeline.teldata import read_teldata

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("dagster_dev")]

PROJECT = Path(__file__).resolve().parents[2]
DAGSTER_BIN = Path(sys.executable).parent / "dagster"
TIMEOUT_S = 420

RUNS_QUERY = """
{ runsOrError { ... on Runs { results { runId jobName status tags { key value } } } } }
"""
CHECKS_QUERY = """
query($path: [String!]!, $check: String!) {
  assetCheckExecutions(assetKey: {path: $path}, checkName: $check, limit: 20) {
    status evaluation { success severity }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _graphql(port: int, query: str, variables: dict | None = None) -> dict:
    response = requests.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables or {}},
        timeout=30,
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


@pytest.fixture
def dagster_dev(tmp_path: Path):
    data_dir = tmp_path / "data"
    generate(data_dir, scale="tiny", seed=7)
    # Only the first extract waits in the inbox when the daemon starts; the rest arrives later.
    extracts = sorted(p for p in (data_dir / "inbox").iterdir())
    parked = tmp_path / "parked"
    parked.mkdir()
    for extract in extracts[1:]:
        shutil.move(str(extract), parked / extract.name)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ROD_DATA_DIR": str(data_dir),
        "ROD_INBOX_SETTLE_SECONDS": "0",
    }
    log = (tmp_path / "dagster_dev.log").open("w")
    process = subprocess.Popen(
        [
            str(DAGSTER_BIN),
            "dev",
            "-w",
            str(PROJECT / "workspace.yaml"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield port, data_dir, parked
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_for(predicate, what: str, port: int, deadline: float):
    while time.monotonic() < deadline:
        try:
            found = predicate()
            if found:
                return found
        except requests.RequestException:
            pass  # the webserver is still starting
        time.sleep(3)
    runs = _graphql(port, RUNS_QUERY)["runsOrError"]["results"]
    pytest.fail(
        f"timed out waiting for {what}; runs: {[(r['jobName'], r['status']) for r in runs]}"
    )


def _runs(port: int) -> list[dict]:
    return _graphql(port, RUNS_QUERY)["runsOrError"]["results"]


def _tags(run: dict) -> dict[str, str]:
    return {t["key"]: t["value"] for t in run["tags"]}


def _teldata_on_or_before(data_dir: Path, peildatum: str) -> set[str]:
    return {
        d.teldatum.isoformat()
        for d in read_teldata(data_dir / "reference")
        if d.teldatum.isoformat() <= peildatum
    }


def _extract_done(port: int, data_dir: Path, peildatum: str):
    """The runs of one extract once its ingest and all its teldatum runs succeeded."""

    def done():
        found = _runs(port)
        failed = [
            (r["jobName"], r["status"]) for r in found if r["status"] in ("FAILURE", "CANCELED")
        ]
        assert not failed, f"runs failed: {failed}"
        ingests = [
            r
            for r in found
            if r["jobName"] == "ingest_job" and _tags(r).get("dagster/partition") == peildatum
        ]
        teldata = [
            r
            for r in found
            if r["jobName"] == "teldatum_job" and _tags(r).get(PEILDATUM_TAG) == peildatum
        ]
        expected = _teldata_on_or_before(data_dir, peildatum)
        complete = (
            len(ingests) == 1
            and {_tags(r)["dagster/partition"] for r in teldata} == expected
            and all(r["status"] == "SUCCESS" for r in [*ingests, *teldata])
        )
        return [*ingests, *teldata] if complete else None

    return done


def test_sensor_launches_runs_that_publish(dagster_dev):
    port, data_dir, parked = dagster_dev
    deadline = time.monotonic() + TIMEOUT_S
    (first,) = [p.name for p in (data_dir / "inbox").iterdir()]

    # The run status sensor launches one teldatum run per teldatum at once; with the run queue
    # and the warehouse pool of 1 they take turns and both succeed.
    first_runs = _wait_for(
        _extract_done(port, data_dir, first), "the first extract", port, deadline
    )
    assert len([r for r in first_runs if r["jobName"] == "teldatum_job"]) >= 2

    # A second extract dropped into the inbox is picked up by the inbox sensor, once.
    second = sorted(p.name for p in parked.iterdir())[0]
    shutil.move(str(parked / second), data_dir / "inbox" / second)
    _wait_for(_extract_done(port, data_dir, second), "the second extract", port, deadline)
    ingested = [_tags(r)["dagster/partition"] for r in _runs(port) if r["jobName"] == "ingest_job"]
    assert sorted(ingested) == [first, second], "an extract was processed twice"

    for path, check in (
        (["charged_enrolments"], "every_special_enrolment_accounted_for"),
        (["funding_counts"], "ten_laste_equals_charged_rows"),
        (["inschrijvingen"], "rows_reconcile"),
        (["tlv"], "rows_reconcile"),
    ):
        executions = _graphql(port, CHECKS_QUERY, {"path": path, "check": check})[
            "assetCheckExecutions"
        ]
        assert executions, f"check {check} never ran"
        assert all(e["evaluation"]["success"] for e in executions), (check, executions)

    published = data_dir / "published"
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["peildatum"] == second
    for teldatum in _teldata_on_or_before(data_dir, second):
        assert list(
            (published / "dashboard_1b" / f"teldatum={teldatum}").glob(
                "samenwerkingsverband=*/*.parquet"
            )
        )
    assert list((published / "stabiliteit").glob("*.parquet"))

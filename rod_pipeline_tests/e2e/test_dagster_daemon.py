"""The real `dagster dev` (webserver + daemon) on loopback: drop an extract in the inbox, watch
the sensor launch the runs through the GraphQL API, and find the published data."""

from __future__ import annotations

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

from rod_pipeline.synthetic import generate

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
        [str(DAGSTER_BIN), "dev", "-w", str(PROJECT / "workspace.yaml"),
         "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except requests.RequestException:
            pass
        time.sleep(3)
    runs = _graphql(port, RUNS_QUERY)["runsOrError"]["results"]
    pytest.fail(f"timed out waiting for {what}; runs: {[(r['jobName'], r['status']) for r in runs]}")


def test_sensor_launches_runs_that_publish(dagster_dev):
    port, data_dir, parked = dagster_dev
    deadline = time.monotonic() + TIMEOUT_S

    def runs():
        return _graphql(port, RUNS_QUERY)["runsOrError"]["results"]

    def all_done(expected_ingests: int):
        def done():
            found = runs()
            ingests = [r for r in found if r["jobName"] == "ingest_job"]
            teldata = [r for r in found if r["jobName"] == "teldatum_job"]
            failed = [r for r in found if r["status"] in ("FAILURE", "CANCELED")]
            assert not failed, f"runs failed: {failed}"
            finished = all(r["status"] == "SUCCESS" for r in found)
            return finished and len(ingests) == expected_ingests and teldata and found
        return done

    first = _wait_for(all_done(1), "the first extract's runs", port, deadline)
    assert any(r["jobName"] == "teldatum_job" for r in first)

    # A second extract dropped into the inbox is picked up by the sensor, once.
    newest = sorted(parked.iterdir())[0]
    shutil.move(str(newest), data_dir / "inbox" / newest.name)
    second = _wait_for(all_done(2), "the second extract's runs", port, deadline)
    ingest_keys = [
        {t["key"]: t["value"] for t in r["tags"]}.get("dagster/partition")
        for r in second
        if r["jobName"] == "ingest_job"
    ]
    assert sorted(ingest_keys) == sorted({*ingest_keys}), "an extract was processed twice"

    for path, check in (
        (["charged_enrolments"], "every_special_enrolment_accounted_for"),
        (["funding_counts"], "ten_laste_equals_charged_rows"),
        (["inschrijvingen"], "rows_reconcile"),
    ):
        executions = _graphql(port, CHECKS_QUERY, {"path": path, "check": check})[
            "assetCheckExecutions"
        ]
        assert executions, f"check {check} never ran"
        assert all(e["evaluation"]["success"] for e in executions), (check, executions)

    published = data_dir / "published"
    assert (published / "manifest.json").exists()
    assert list((published / "dashboard_1b").glob("teldatum=*/samenwerkingsverband=*/*.parquet"))
    assert list((published / "stabiliteit").glob("*.parquet"))

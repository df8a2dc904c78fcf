"""The README flow with the real `dagster dev` (webserver and daemon) on loopback: on a folder
`rod-pipeline run` processed, the sensor finds nothing to do and leaves published/ alone; an
extract dropped into the inbox is then processed by a run the sensor launches, seen through the
GraphQL API, and published/ switches to a snapshot that includes it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from rod_pipeline.synthetic import generate
from rod_pipeline_tests.e2e.helpers import PROJECT, cli_env, cli_ok, file_digests

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("dagster_dev")]

DAGSTER_BIN = Path(sys.executable).parent / "dagster"
IN_INBOX = ["2024-03-15", "2025-01-15"]
ARRIVES_LATER = "2025-02-15"
STARTUP_TIMEOUT_S = 180
TICKS_TIMEOUT_S = 240  # the sensor looks every 30 s
RUN_TIMEOUT_S = 420
NOTHING_TO_DO = "Nothing to do: every extract in the inbox is processed."

RUNS_QUERY = """
{ runsOrError { ... on Runs { results { runId jobName status tags { key value } } } } }
"""
TICKS_QUERY = """
query($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    __typename
    ... on Sensor { sensorState { status ticks(limit: 50) { timestamp status skipReason runIds } } }
  }
}
"""
SENSOR = {
    "repositoryLocationName": "rod_pipeline.definitions",
    "repositoryName": "__repository__",
    "sensorName": "inbox_sensor",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class DagsterDev:
    port: int
    data_dir: Path
    parked: Path
    log: Path

    def graphql(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        response = requests.post(
            f"http://127.0.0.1:{self.port}/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=30,
        )
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def runs(self) -> list[dict]:
        return self.graphql(RUNS_QUERY)["runsOrError"]["results"]

    def ticks(self) -> list[dict]:
        found = self.graphql(TICKS_QUERY, {"selector": SENSOR})["sensorOrError"]
        assert found["__typename"] == "Sensor", found
        return found["sensorState"]["ticks"]

    def wait_for(self, what: str, timeout_s: float, predicate: Callable[[], Any]) -> Any:
        """predicate() until it returns something true; the webserver may still be starting."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                found = predicate()
            except requests.RequestException:
                found = None
            if found:
                return found
            time.sleep(2)
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        pytest.fail(f"timed out after {timeout_s} s waiting for {what}; dagster dev said:\n{tail}")


def ticks_at_least(dev: DagsterDev, count: int) -> list[dict] | None:
    """The sensor's finished ticks, newest first, once there are `count` of them."""
    finished = [t for t in dev.ticks() if t["status"] != "STARTED"]
    ticks = sorted(finished, key=lambda t: t["timestamp"], reverse=True)
    return ticks if len(ticks) >= count else None


def tags(run: dict) -> dict[str, str]:
    return {t["key"]: t["value"] for t in run["tags"]}


def published_state(data_dir: Path) -> tuple[str, dict[str, str]]:
    """Where published/ points, and the sha256 of every file it shows."""
    return os.readlink(data_dir / "published"), file_digests(data_dir / "published")


@pytest.fixture
def processed_by_the_cli(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny installation with two extracts processed by `rod-pipeline run`, and the third
    extract parked beside it: (data folder, parked folder)."""
    data_dir = tmp_path / "data"
    generate(data_dir, scale="tiny", seed=1)
    parked = tmp_path / "parked"
    parked.mkdir()
    for extract in sorted((data_dir / "inbox").iterdir()):
        if extract.name == ARRIVES_LATER:
            shutil.move(extract, parked / extract.name)
        elif extract.name not in IN_INBOX:
            shutil.rmtree(extract)
    cli_ok("run", "--data-dir", str(data_dir))
    return data_dir, parked


@pytest.fixture
def dagster_dev(processed_by_the_cli: tuple[Path, Path], tmp_path: Path) -> Iterator[DagsterDev]:
    """`make ui` on the data folder: its own DAGSTER_HOME in state/, as the Makefile makes it."""
    data_dir, parked = processed_by_the_cli
    home = Path(
        subprocess.run(
            [sys.executable, "-m", "rod_pipeline.instance", str(data_dir)],
            cwd=PROJECT,
            env=cli_env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    assert home == data_dir / "state" / "dagster"
    port = _free_port()
    env = {
        **cli_env(),
        "DAGSTER_HOME": str(home),
        "ROD_DATA_DIR": str(data_dir),
        "ROD_INBOX_SETTLE_SECONDS": "0",
    }
    log = tmp_path / "dagster_dev.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(DAGSTER_BIN), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield DagsterDev(port, data_dir, parked, log)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


def test_sensor_leaves_a_processed_folder_alone_and_takes_a_new_extract(dagster_dev: DagsterDev):
    dev = dagster_dev
    data_dir = dev.data_dir
    before = published_state(data_dir)
    dev.wait_for("the webserver", STARTUP_TIMEOUT_S, dev.runs)
    cli_runs = dev.runs()
    assert sorted(tags(r)["dagster/partition"] for r in cli_runs) == IN_INBOX
    assert {r["status"] for r in cli_runs} == {"SUCCESS"}

    # A fresh sensor cursor: the daemon still decides from the data folder, nothing to do.
    ticks = dev.wait_for("two sensor ticks", TICKS_TIMEOUT_S, lambda: ticks_at_least(dev, 2))
    assert {t["status"] for t in ticks} == {"SKIPPED"}, ticks
    assert {t["skipReason"] for t in ticks} == {NOTHING_TO_DO}
    assert [r["runId"] for r in dev.runs()] == [r["runId"] for r in cli_runs]
    assert published_state(data_dir) == before

    # The supplier's copy job drops the next extract into the inbox (one rename).
    shutil.move(dev.parked / ARRIVES_LATER, data_dir / "inbox" / ARRIVES_LATER)

    def new_run_finished() -> dict | None:
        new = [r for r in dev.runs() if r["runId"] not in {c["runId"] for c in cli_runs}]
        failed = [r for r in new if r["status"] in ("FAILURE", "CANCELED")]
        assert not failed, f"runs failed: {failed}"
        done = [r for r in new if r["status"] == "SUCCESS"]
        return done[0] if done else None

    run = dev.wait_for(f"the run of {ARRIVES_LATER}", RUN_TIMEOUT_S, new_run_finished)
    assert run["jobName"] == "extract_job"
    assert tags(run)["dagster/partition"] == ARRIVES_LATER
    assert tags(run)["dagster/sensor_name"] == "inbox_sensor"
    assert tags(run)["rod/reason"] == "new extract"
    assert any(run["runId"] in t["runIds"] for t in dev.ticks())

    link, files = published_state(data_dir)
    assert link != before[0], "published/ switched to a new snapshot"
    manifest = json.loads((data_dir / "published" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == run["runId"]
    new = [t for t in manifest["teldata"] if t["peildatum"] == ARRIVES_LATER]
    assert [t["teldatum"] for t in new] == ["2025-02-01"]
    assert any(path.startswith("dashboard_1b/teldatum=2025-02-01/") for path in files)

    # The tick after the run finds nothing left: the extract is processed once.
    seen = len(ticks_at_least(dev, 0) or [])
    after = dev.wait_for("the next tick", TICKS_TIMEOUT_S, lambda: ticks_at_least(dev, seen + 1))
    assert (after[0]["status"], after[0]["skipReason"]) == ("SKIPPED", NOTHING_TO_DO)
    assert len(dev.runs()) == len(cli_runs) + 1
    assert published_state(data_dir) == (link, files)

"""The instance files in deploy/ are valid for the installed Dagster and say what we rely on."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import (
    dagster_instance_config_schema,
    validate_concurrency_config,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_default_instance_queues_runs_and_keeps_warehouse_steps_apart(tmp_path: Path):
    shutil.copy(DEPLOY / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
    assert config.run_queue_config is not None
    # Runs of one data folder take turns on its lock: a second would only hold a queue slot.
    assert config.run_queue_config.max_concurrent_runs == 1
    assert config.pool_config.default_pool_limit == 1


def test_production_instance_is_valid(monkeypatch: pytest.MonkeyPatch):
    # Validated without connecting: the Postgres storage needs the dagster-postgres package.
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"):
        monkeypatch.setenv(name, "x")
    config = yaml.safe_load((DEPLOY / "production" / "dagster.yaml").read_text(encoding="utf-8"))
    validate_concurrency_config(config)
    result = process_config(dagster_instance_config_schema(), config)
    assert result.success, [e.message for e in result.errors or []]
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["pools"]["default_limit"] == 1

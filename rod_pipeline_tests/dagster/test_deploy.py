"""The production instance file in deploy/ is valid for the installed Dagster and says what we
rely on (the embedded default, rod_pipeline/dagster.yaml: test_instance.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import (
    dagster_instance_config_schema,
    validate_concurrency_config,
)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_production_instance_is_valid(monkeypatch: pytest.MonkeyPatch):
    # Validated without connecting: the Postgres storage needs the dagster-postgres package.
    for name in ("DAGSTER_PG_HOST", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB"):
        monkeypatch.setenv(name, "x")
    config = yaml.safe_load((DEPLOY / "production" / "dagster.yaml").read_text(encoding="utf-8"))
    validate_concurrency_config(config)
    result = process_config(dagster_instance_config_schema(), config)
    assert result.success, [e.message for e in result.errors or []]
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_monitoring"]["enabled"] is True
    # Pool slots a killed run claimed stay claimed and stall every later run: we hold no pools.
    assert "pools" not in config["concurrency"]

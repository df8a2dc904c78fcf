"""benchmarks/report.py runs at a tiny scale and reports what it measured."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "report.py"


def test_report_benchmark_runs_at_tiny_scale(capsys: pytest.CaptureFixture[str]) -> None:
    main = runpy.run_path(str(SCRIPT))["main"]
    figures = main(["--partnerships", "3", "--teldata", "2", "--peildata", "2", "--pupils", "6"])
    assert figures["pages"] == 4
    assert 0 < figures["mean_page_kb"] <= figures["max_page_kb"]
    out = capsys.readouterr().out
    assert "4 pages written" in out and "max" in out

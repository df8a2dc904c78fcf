"""`rod-pipeline run` resumes from the warehouse: what was validated is not read again, unless
its ingest failed or its input files changed."""

import shutil
from datetime import date
from pathlib import Path

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.partitions import register_partitions
from rod_pipeline.runner import QUIET, dagster_instance, run_pending

SEED = Path(__file__).parent / "fixtures" / "seed_cases"
P = date(2025, 3, 15)


def _seed_folder(tmp_path: Path) -> DataFolder:
    for part in ("reference", "inbox"):
        shutil.copytree(SEED / part, tmp_path / part)
    return DataFolder(tmp_path)


def _run(folder: DataFolder) -> list[str]:
    lines: list[str] = []
    outcome = run_pending(folder, echo=lines.append)
    assert outcome.ok, lines
    return lines


def test_an_extract_validated_before_an_interruption_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    folder = _seed_folder(tmp_path)
    # The ingest run of an earlier `run` finished; that run died before publishing.
    with dagster_instance(folder) as instance:
        register_partitions(instance, [P], [])
        ingest = build_definitions(folder).resolve_job_def("ingest_job")
        assert ingest.execute_in_process(
            instance=instance, partition_key=P.isoformat(), run_config=QUIET
        ).success

    lines = _run(folder)
    assert any("validated already" in line for line in lines)
    assert not any("ingest and validate" in line for line in lines)
    assert any(line.startswith("  teldatum 2025-02-01: VASTGESTELD") for line in lines)


def test_a_changed_reference_file_is_read_again(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    folder = _seed_folder(tmp_path)
    _run(folder)
    calendar = folder.reference_dir / "teldata.csv"
    calendar.write_text(calendar.read_text() + "2024-02-01;;\n")

    lines = _run(folder)
    assert any("ingest and validate" in line for line in lines)
    assert any(line.startswith("  teldatum 2024-02-01:") for line in lines)
    assert _run(folder) == ["nothing to do: every extract in the inbox has been processed"]

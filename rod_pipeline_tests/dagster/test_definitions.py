"""The Definitions load as `dagster dev` loads them, with everything in them; what the CLI's runs
recorded carries lineage and the stability summary, and never a pupil's personal data."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.definitions import build_definitions
from rod_pipeline.resources import DataFolderResource
from rod_pipeline_tests.dagster.helpers import PUBLISHED_ASSETS, Processed, cli_instance

ASSETS = {
    "reference_data",
    "raw_inschrijvingen",
    "raw_tlv",
    "inschrijvingen",
    "tlv",
    "charged_enrolments",
    "uncharged_enrolments",
    "funding_counts",
} | PUBLISHED_ASSETS
CHECKS = {
    ("inschrijvingen", "rows_reconcile"),
    ("inschrijvingen", "quarantine_rate"),
    ("tlv", "rows_reconcile"),
    ("tlv", "quarantine_rate"),
    ("funding_counts", "ten_laste_equals_charged_rows"),
    ("charged_enrolments", "every_special_enrolment_accounted_for"),
    ("charged_enrolments", "charged_partnerships_known"),
    ("stabiliteit", "no_late_mutation"),
}
BLOCKING = {
    ("inschrijvingen", "rows_reconcile"),
    ("tlv", "rows_reconcile"),
    ("funding_counts", "ten_laste_equals_charged_rows"),
    ("charged_enrolments", "every_special_enrolment_accounted_for"),
}


def assert_complete(defs: dg.Definitions, data_dir: Path, settle_seconds: float, cron: str):
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == ASSETS
    checks = {(k.asset_key.to_user_string(), k.name): k for k in graph.asset_check_keys}
    assert set(checks) == CHECKS
    assert {c for c, key in checks.items() if graph.get_check_spec(key).blocking} == BLOCKING
    job = defs.resolve_job_def("extract_job")
    assert {j.name for j in defs.resolve_all_job_defs()} == {"extract_job", "__ASSET_JOB"}
    assert job.partitions_def == dg.DynamicPartitionsDefinition(name="peildatum")
    sensor = defs.resolve_sensor_def("inbox_sensor")
    assert sensor.job_name == "extract_job"
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("peildata_schedule")
    assert schedule.job_name == "extract_job"
    assert (schedule.cron_schedule, schedule.execution_timezone) == (cron, "Europe/Amsterdam")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    folder_resource = defs.resources["data_folder"]
    assert isinstance(folder_resource, DataFolderResource)
    assert folder_resource.folder == DataFolder(data_dir.resolve())
    assert folder_resource.inbox_settle_seconds == settle_seconds
    assert defs.resources["warehouse"].database == str(
        data_dir.resolve() / "state/warehouse.duckdb"
    )
    assert defs.resources["writer_lock"].data_dir == str(data_dir.resolve())


def test_code_location_reads_its_settings_when_it_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from rod_pipeline.definitions import defs

    monkeypatch.setenv("ROD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROD_INBOX_SETTLE_SECONDS", "45")
    monkeypatch.setenv("ROD_SCHEDULE_CRON", "30 6 * * 1-5")
    assert_complete(defs(), tmp_path / "data", 45.0, "30 6 * * 1-5")


def test_code_location_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from rod_pipeline.definitions import defs

    monkeypatch.setenv("ROD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ROD_SCHEDULE_CRON", raising=False)
    assert_complete(defs(), tmp_path / "data", 30.0, "0 7 * * 1-5")


def test_build_definitions_for_the_cli(tmp_path: Path):
    defs = build_definitions(DataFolder(tmp_path / "data"))
    assert_complete(defs, tmp_path / "data", 0.0, "0 7 * * 1-5")


# What the CLI's runs recorded in the Dagster instance of the data folder.


def latest_metadata(instance: dg.DagsterInstance, asset: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(asset))
    assert event is not None and event.asset_materialization is not None, asset
    return dict(event.asset_materialization.metadata)


def test_published_assets_carry_lineage_and_the_stability_summary(
    processed_template: Processed,
):
    with cli_instance(processed_template.folder) as instance:
        published = latest_metadata(instance, "dashboard_1b")
        charged = latest_metadata(instance, "charged_enrolments")
        stabiliteit = latest_metadata(instance, "stabiliteit")
    lineage = published["dagster/column_lineage"].value
    assert [d.asset_key for d in lineage.deps_by_column["INSCHRIJVING_ID"]] == [
        dg.AssetKey("charged_enrolments")
    ]
    charged_from = charged["dagster/column_lineage"].value.deps_by_column
    assert {d.asset_key for d in charged_from["SAMENWERKINGSVERBAND"]} == {
        dg.AssetKey("tlv"),
        dg.AssetKey("inschrijvingen"),
        dg.AssetKey("reference_data"),
    }
    assert stabiliteit["peildatum"].value == "2025-01-15"
    assert stabiliteit["stability"].value.startswith("| teldatum | status |")


# A standalone 9-digit number or a postcode, as they could appear in any recorded text.
_PUPIL_NUMBER = re.compile(r"(?<!\d)\d{9}(?!\d)")
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])(\d{4}) ?([A-Z]{2})(?![A-Za-z])")


def personal_values(folder: DataFolder) -> tuple[set[str], set[str]]:
    read = "read_csv('{}', delim=';', header=true, all_varchar=true)"
    numbers: set[str] = set()
    postcodes: set[str] = set()
    with duckdb.connect() as con:
        for peildatum in folder.extracts():
            extract = folder.extract_dir(peildatum)
            enrolments, tlv = extract / "inschrijvingen.csv", extract / "tlv.csv"
            numbers |= {
                n
                for (n,) in con.execute(
                    f"SELECT ONDERWIJSNUMMER FROM {read.format(enrolments)} "
                    f"UNION SELECT ONDERWIJSNUMMER FROM {read.format(tlv)}"
                ).fetchall()
                if n
            }
            postcodes |= {
                p
                for (p,) in con.execute(
                    "SELECT DISTINCT replace(POSTCODE_LEERLING, ' ', '') "
                    f"FROM {read.format(enrolments)} WHERE POSTCODE_LEERLING <> ''"
                ).fetchall()
            }
    return numbers, postcodes


def test_event_log_holds_no_pupil_number_or_postcode(processed_template: Processed):
    numbers, postcodes = personal_values(processed_template.folder)
    assert len(numbers) > 100 and len(postcodes) > 10
    with cli_instance(processed_template.folder) as instance:
        runs = instance.get_runs()
        assert sorted(r.tags["dagster/partition"] for r in runs) == ["2024-03-15", "2025-01-15"]
        recorded = "\n".join(
            dg.serialize_value(entry) for run in runs for entry in instance.all_logs(run.run_id)
        )
    assert "ASSET_CHECK_EVALUATION" in recorded and "ASSET_MATERIALIZATION" in recorded
    leaked_numbers = set(_PUPIL_NUMBER.findall(recorded)) & numbers
    leaked_postcodes = {a + b for a, b in _POSTCODE.findall(recorded)} & postcodes
    assert not leaked_numbers, f"{len(leaked_numbers)} pupil numbers in the event log"
    assert not leaked_postcodes, f"{len(leaked_postcodes)} postcodes in the event log"

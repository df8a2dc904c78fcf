"""The whole Definitions load, and what a run records never holds a pupil's personal data."""

from __future__ import annotations

import re

import dagster as dg
import duckdb

from .conftest import Processed

# A standalone 9-digit number or a postcode, as they could appear in any recorded text.
_PUPIL_NUMBER = re.compile(r"(?<!\d)\d{9}(?!\d)")
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])(\d{4}) ?([A-Z]{2})(?![A-Za-z])")


def test_definitions_load():
    from rod_pipeline.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert {job.name for job in defs.resolve_all_job_defs()} >= {"ingest_job", "teldatum_job"}
    assert defs.resolve_sensor_def("inbox_sensor")
    assert defs.resolve_sensor_def("extract_validated_sensor")
    assert defs.resolve_schedule_def("peildata_schedule")


def personal_values(processed: Processed) -> tuple[set[str], set[str]]:
    (peildatum,) = processed.folder.extracts()
    extract = processed.folder.extract_dir(peildatum)
    read = "read_csv('{}', delim=';', header=true, all_varchar=true)"
    with duckdb.connect() as con:
        numbers = con.execute(
            f"SELECT ONDERWIJSNUMMER FROM {read.format(extract / 'inschrijvingen.csv')} "
            f"UNION SELECT ONDERWIJSNUMMER FROM {read.format(extract / 'tlv.csv')}"
        ).fetchall()
        postcodes = con.execute(
            "SELECT DISTINCT replace(POSTCODE_LEERLING, ' ', '') "
            f"FROM {read.format(extract / 'inschrijvingen.csv')} WHERE POSTCODE_LEERLING <> ''"
        ).fetchall()
    return {n for (n,) in numbers if n}, {p for (p,) in postcodes}


def test_event_log_holds_no_pupil_number_or_postcode(processed: Processed):
    numbers, postcodes = personal_values(processed)
    assert len(numbers) > 100 and len(postcodes) > 10
    runs = processed.instance.get_runs()
    assert {r.job_name for r in runs} >= {"ingest_job", "teldatum_job"}
    recorded = "\n".join(
        dg.serialize_value(entry)
        for run in runs
        for entry in processed.instance.all_logs(run.run_id)
    )
    assert "ASSET_CHECK_EVALUATION" in recorded and "ASSET_MATERIALIZATION" in recorded
    leaked_numbers = set(_PUPIL_NUMBER.findall(recorded)) & numbers
    leaked_postcodes = {a + b for a, b in _POSTCODE.findall(recorded)} & postcodes
    assert not leaked_numbers, f"{len(leaked_numbers)} pupil numbers in the event log"
    assert not leaked_postcodes, f"{len(leaked_postcodes)} postcodes in the event log"


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.materialization.asset_key == dg.AssetKey(asset):
            return dict(event.materialization.metadata)
    raise AssertionError(f"{asset} was not materialized")


def test_published_assets_carry_lineage_and_the_stability_summary(processed: Processed):
    published = processed.teldata[-1]
    lineage = _metadata(published, "dashboard_1b")["dagster/column_lineage"].value
    assert lineage.deps_by_column["INSCHRIJVING_ID"][0].asset_key == dg.AssetKey(
        "charged_enrolments"
    )
    charged = _metadata(published, "charged_enrolments")["dagster/column_lineage"].value
    assert {d.asset_key for d in charged.deps_by_column["SAMENWERKINGSVERBAND"]} >= {
        dg.AssetKey("tlv"),
        dg.AssetKey("reference_data"),
    }
    stability = _metadata(published, "stabiliteit")
    assert "status" in stability["stability"].value
    assert stability["status"].value in ("VOORLOPIG", "VASTGESTELD", "DEFINITIEF")

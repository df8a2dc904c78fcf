"""Two publications of one teldatum with every kind of change, and reruns on unchanged input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from rod_pipeline.publish import (
    commit_publication,
    export_published,
    latest_stabiliteit,
    stage_publication,
    teldatum_history,
)
from rod_pipeline.publish import datasets as ds
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import (
    CHARGED_SCHEMA,
    COUNTS_SCHEMA,
    NIET_TOEGEREKEND_SCHEMA,
    table,
)

T = date(2025, 2, 1)
DATES = StabilityDates.for_teldatum(T)  # deadline 2025-03-03, end of objections 2025-04-14
P1 = date(2025, 2, 10)


def _enrolment(swv: str, enrolment: str, **changes: object) -> dict[str, object]:
    return {
        "TELDATUM": T,
        "SAMENWERKINGSVERBAND": swv,
        "SAMENWERKINGSVERBAND_NAAM": f"SWV {swv}",
        "WIJZE_VAN_BEPALING_SWV": "TLV",
        "ONDERWIJSNUMMER": "123456782",
        "INSCHRIJVING_ID": enrolment,
        "VESTIGING": "00JH00",
        "VESTIGING_NAAM": "Vlinder",
        "SWV_VESTIGING": "PO2203",
        "ONDERWIJSSOORT": "SO",
        "BEKOSTIGINGSCATEGORIE": "SO_VSO_LAAG",
        "DATUM_INSCHRIJVING": date(2024, 8, 1),
        "TLV_NUMMER": f"{swv}-2024-1",
        "TLV_BEGINDATUM": date(2024, 8, 1),
        "TLV_GEBRUIKT": "Ja",
        **changes,
    }


def _count(swv: str, telling: str, category: str, wijze: str | None, aantal: int) -> dict:
    return {
        "TELDATUM": T,
        "SAMENWERKINGSVERBAND": swv,
        "SAMENWERKINGSVERBAND_NAAM": f"SWV {swv}",
        "TELLING": telling,
        "BEKOSTIGINGSCATEGORIE": category,
        "WIJZE_VAN_BEPALING_SWV": wijze,
        "AANTAL": aantal,
    }


FIRST_CHARGED = [
    _enrolment("PO0001", "E1"),
    _enrolment("PO0001", "E2"),
    _enrolment("PO0001", "E3"),
    _enrolment("PO0001", "E4"),
]
SECOND_CHARGED = [
    _enrolment("PO0001", "E1"),  # unchanged
    _enrolment("PO0001", "E2", BEKOSTIGINGSCATEGORIE="SO_VSO_HOOG", DATUM_UITSCHRIJVING=T),
    # E3 disappears; E4 moves to PO0002; E5 is new
    _enrolment("PO0002", "E4"),
    _enrolment("PO0002", "E5"),
]
FIRST_COUNTS = [
    _count("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 4),
    _count("PO0001", "LEERLINGBASIS", "REGULIER", None, 100),
    _count("PO0002", "LEERLINGBASIS", "REGULIER", None, 50),
]
SECOND_COUNTS = [
    _count("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 1),
    _count("PO0001", "TEN_LASTE", "SO_VSO_HOOG", "TLV", 1),
    _count("PO0002", "TEN_LASTE", "SO_VSO_LAAG", "TLV", 2),
    _count("PO0001", "LEERLINGBASIS", "REGULIER", None, 100),
    _count("PO0002", "LEERLINGBASIS", "REGULIER", None, 55),
]
THIRD_COUNTS = [c for c in SECOND_COUNTS if c["BEKOSTIGINGSCATEGORIE"] != "SO_VSO_HOOG"]
NIET_TOEGEREKEND = [
    {
        "TELDATUM": T,
        "INSCHRIJVING_ID": "E9",
        "ONDERWIJSNUMMER": "123456794",
        "VESTIGING": "00SU00",
        "ONDERWIJSSOORT": "SO",
        "REDEN": "CLUSTER_1_2",
    }
]


def _publish(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    charged: list[dict],
    counts: list[dict],
    run_id: str,
    niet_toegerekend: list[dict] = NIET_TOEGEREKEND,
):
    staged = stage_publication(
        con,
        table(CHARGED_SCHEMA, charged),
        table(NIET_TOEGEREKEND_SCHEMA, niet_toegerekend),
        table(COUNTS_SCHEMA, counts),
        peildatum,
        DATES,
        run_id,
    )
    commit_publication(con, staged)
    return staged


def _by_key(rows: pa.Table, *key: str) -> dict[tuple, dict]:
    return {tuple(row[k] for k in key): row for row in rows.to_pylist()}


@pytest.mark.parametrize(
    ("second_peildatum", "late"), [(date(2025, 3, 3), True), (date(2025, 2, 20), False)]
)
def test_every_kind_of_mutation(
    con: duckdb.DuckDBPyConnection, published_dir: Path, second_peildatum: date, late: bool
):
    first = _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    second = _publish(con, second_peildatum, SECOND_CHARGED, SECOND_COUNTS, "run-2")
    export_published(con, published_dir)

    dashboard_1b = _by_key(
        read_all_ways(published_dir, ds.DASHBOARD_1B), "SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"
    )
    assert {key: row["MUTATIE"] for key, row in dashboard_1b.items()} == {
        ("PO0001", "E1"): "ONGEWIJZIGD",
        ("PO0001", "E2"): "GEWIJZIGD",
        ("PO0002", "E4"): "NIEUW",
        ("PO0002", "E5"): "NIEUW",
    }
    assert {row["PEILDATUM"] for row in dashboard_1b.values()} == {second_peildatum}

    mutaties = _by_key(
        read_all_ways(published_dir, ds.MUTATIES), "SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"
    )
    assert {key: (row["MUTATIE"], row["GEWIJZIGDE_KOLOMMEN"]) for key, row in mutaties.items()} == {
        ("PO0001", "E2"): ("GEWIJZIGD", "BEKOSTIGINGSCATEGORIE,DATUM_UITSCHRIJVING"),
        ("PO0001", "E3"): ("VERVALLEN", None),
        ("PO0001", "E4"): ("VERVALLEN", None),
        ("PO0002", "E4"): ("NIEUW", None),
        ("PO0002", "E5"): ("NIEUW", None),
    }
    assert {(row["PEILDATUM"], row["VORIGE_PEILDATUM"]) for row in mutaties.values()} == {
        (second_peildatum, P1)
    }

    dashboard_1a = _by_key(
        read_all_ways(published_dir, ds.DASHBOARD_1A),
        "SAMENWERKINGSVERBAND",
        "TELLING",
        "BEKOSTIGINGSCATEGORIE",
    )
    assert {key: (row["AANTAL"], row["VERSCHIL"]) for key, row in dashboard_1a.items()} == {
        ("PO0001", "TEN_LASTE", "SO_VSO_LAAG"): (1, -3),
        ("PO0001", "TEN_LASTE", "SO_VSO_HOOG"): (1, 1),
        ("PO0002", "TEN_LASTE", "SO_VSO_LAAG"): (2, 2),
        ("PO0001", "LEERLINGBASIS", "REGULIER"): (100, 0),
        ("PO0002", "LEERLINGBASIS", "REGULIER"): (55, 5),
    }

    stabiliteit = read_all_ways(published_dir, ds.STABILITEIT).to_pylist()
    assert [(r["PEILDATUM"], r["LATE_MUTATIE"], r["ONGEWIJZIGD_SINDS"]) for r in stabiliteit] == [
        (P1, False, P1),
        (second_peildatum, late, second_peildatum),
    ]
    newest = stabiliteit[-1]
    assert (
        newest["AANTAL_TEN_LASTE"],
        newest["AANTAL_NIEUW"],
        newest["AANTAL_GEWIJZIGD"],
        newest["AANTAL_VERVALLEN"],
    ) == (4, 2, 1, 2)
    assert newest["STATUS"] == DATES.status(second_peildatum)
    assert newest["INHOUD_HASH"] == second.inhoud_hash != first.inhoud_hash


def test_a_vanished_combination_shows_as_zero_with_a_negative_difference(
    con: duckdb.DuckDBPyConnection, published_dir: Path
):
    _publish(con, P1, SECOND_CHARGED, SECOND_COUNTS, "run-1")
    _publish(con, date(2025, 2, 20), SECOND_CHARGED, THIRD_COUNTS, "run-2")
    export_published(con, published_dir)
    dashboard_1a = _by_key(
        read_all_ways(published_dir, ds.DASHBOARD_1A),
        "SAMENWERKINGSVERBAND",
        "BEKOSTIGINGSCATEGORIE",
    )
    vanished = dashboard_1a["PO0001", "SO_VSO_HOOG"]
    assert (vanished["TELLING"], vanished["AANTAL"], vanished["VERSCHIL"]) == ("TEN_LASTE", 0, -1)
    assert vanished["WIJZE_VAN_BEPALING_SWV"] == "TLV"
    assert vanished["PEILDATUM"] == date(2025, 2, 20)


def test_rerun_on_unchanged_input_is_all_unchanged_with_the_same_hash(
    con: duckdb.DuckDBPyConnection, published_dir: Path
):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    changed = _publish(con, date(2025, 2, 20), SECOND_CHARGED, SECOND_COUNTS, "run-2")
    # the same input again: at the same peildatum (a rerun), then at a later one
    rerun = _publish(con, date(2025, 2, 20), SECOND_CHARGED, SECOND_COUNTS, "run-3")
    later = _publish(con, date(2025, 3, 10), SECOND_CHARGED[::-1], SECOND_COUNTS[::-1], "run-4")
    export_published(con, published_dir)

    assert changed.inhoud_hash == rerun.inhoud_hash == later.inhoud_hash
    assert set(rerun.dashboard_1b["MUTATIE"].to_pylist()) == {"ONGEWIJZIGD"}
    assert rerun.mutaties.num_rows == 0
    assert set(rerun.dashboard_1a["VERSCHIL"].to_pylist()) == {0}
    newest = latest_stabiliteit(con).to_pylist()[0]
    assert newest["PUBLICATIE_ID"] == 4
    assert newest["ONGEWIJZIGD_SINDS"] == date(2025, 2, 20)
    assert newest["LATE_MUTATIE"] is False  # after the deadline, but nothing changed
    assert (newest["AANTAL_NIEUW"], newest["AANTAL_GEWIJZIGD"], newest["AANTAL_VERVALLEN"]) == (
        0,
        0,
        0,
    )
    assert read_all_ways(published_dir, ds.MUTATIES).num_rows == 0
    assert not list((published_dir / "mutaties").rglob("*.parquet"))
    assert [r["RUN_ID"] for r in teldatum_history(con, T).to_pylist()] == [
        "run-1",
        "run-2",
        "run-3",
        "run-4",
    ]


def test_hash_depends_on_content_not_on_row_or_column_order(con: duckdb.DuckDBPyConnection):
    charged = table(CHARGED_SCHEMA, FIRST_CHARGED)
    counts = table(COUNTS_SCHEMA, FIRST_COUNTS)
    niet_toegerekend = table(NIET_TOEGEREKEND_SCHEMA, NIET_TOEGEREKEND)
    original = stage_publication(con, charged, niet_toegerekend, counts, P1, DATES, "a")
    shuffled = stage_publication(
        con,
        charged.take([2, 0, 3, 1]).select(CHARGED_SCHEMA.names[::-1]),
        niet_toegerekend,
        counts.take([1, 2, 0]),
        P1,
        DATES,
        "b",
    )
    assert shuffled.inhoud_hash == original.inhoud_hash
    edited = stage_publication(
        con,
        table(CHARGED_SCHEMA, [*FIRST_CHARGED[:3], {**FIRST_CHARGED[3], "SIGNALERINGEN": "X"}]),
        niet_toegerekend,
        counts,
        P1,
        DATES,
        "c",
    )
    assert edited.inhoud_hash != original.inhoud_hash
    without_reason = stage_publication(
        con, charged, table(NIET_TOEGEREKEND_SCHEMA, []), counts, P1, DATES, "d"
    )
    assert without_reason.inhoud_hash != original.inhoud_hash


def test_null_safe_comparison(con: duckdb.DuckDBPyConnection):
    _publish(con, P1, FIRST_CHARGED, FIRST_COUNTS, "run-1")
    nulled = [
        {**row, "TLV_NUMMER": None} if row["INSCHRIJVING_ID"] == "E1" else row
        for row in FIRST_CHARGED
    ]
    staged = _publish(con, date(2025, 2, 11), nulled, FIRST_COUNTS, "run-2")
    assert staged.mutaties.to_pylist()[0]["GEWIJZIGDE_KOLOMMEN"] == "TLV_NUMMER"
    assert staged.mutaties.num_rows == 1

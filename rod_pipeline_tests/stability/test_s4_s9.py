"""DOMAIN S4-S9 on hand-written extracts of the users' example, through `rod-pipeline run` (in
this process), read back from the published Parquet.

Extracts of teldatum T = 2025-02-01 (deadline 2025-03-03, objection window until 2025-04-14):
A 2025-02-15, the example as it is; B 2025-03-15, after the deadline: PAR705272 moved home from
Hardenberg (PO2304) to Emmen (PO2202), PAR705271's category LAAG -> MIDDEN, and 2459428's end
date filled in (after T); C 2025-03-20: only PAR705271's end date filled in as well.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import datasets as ds
from rod_pipeline_tests.publish.reading import published_state
from rod_pipeline_tests.publish.tables import expected_rows
from rod_pipeline_tests.stability.extracts import (
    T,
    copy_folder,
    deliver,
    digests,
    new_folder,
    rod_pipeline,
    rows,
    run_ok,
    seed_enrolments,
)

pytestmark = pytest.mark.slow

A, B, C = date(2025, 2, 15), date(2025, 3, 15), date(2025, 3, 20)


def extract_b() -> dict[str, dict[str, str]]:
    enrolments = seed_enrolments()
    enrolments["PAR705272"]["POSTCODE_LEERLING"] = "7761 AA"  # Emmen: PO2202
    enrolments["PAR705271"]["BEKOSTIGINGSCATEGORIE"] = "MIDDEN"
    enrolments["2459428"]["DATUM_UITSCHRIJVING"] = "31-3-2025"
    return enrolments


def extract_c() -> dict[str, dict[str, str]]:
    enrolments = extract_b()
    enrolments["PAR705271"]["DATUM_UITSCHRIJVING"] = "30-6-2025"
    return enrolments


@dataclass(frozen=True)
class History:
    after_b: DataFolder  # A and B processed
    after_c: DataFolder  # A, B and C processed
    run_ab: str  # the output of the run that processed A and B
    run_c: str


@pytest.fixture(scope="module")
def no_dagster_home() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DAGSTER_HOME", raising=False)
        yield


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, no_dagster_home: None) -> History:
    folder = new_folder(tmp_path_factory.mktemp("history") / "data")
    deliver(folder, A, seed_enrolments())
    deliver(folder, B, extract_b())
    run_ab = run_ok(folder)
    after_b = copy_folder(folder, tmp_path_factory.mktemp("after_b") / "data")
    deliver(folder, C, extract_c())
    return History(after_b, folder, run_ab, run_ok(folder))


def _key(row: dict) -> tuple[str, str]:
    return (row["SAMENWERKINGSVERBAND"], row["INSCHRIJVING_ID"])


def test_s4_same_files_publish_nothing_and_a_redelivery_is_compared_with_the_extract_before(
    tmp_path: Path, no_dagster_home: None
):
    folder = new_folder(tmp_path / "data")
    deliver(folder, A, seed_enrolments())
    deliver(folder, B, extract_b())
    assert f"extract {A}: new extract" in run_ok(folder)
    # The same files again: nothing new, published/ byte for byte as it was.
    before = published_state(folder.published_dir)
    again = run_ok(folder)
    assert "nothing to do" in again, again
    assert published_state(folder.published_dir) == before

    # Extract B delivered again, its category change taken back.
    corrected = extract_b()
    corrected["PAR705271"]["BEKOSTIGINGSCATEGORIE"] = "LAAG"
    inschrijvingen = deliver(folder, B, corrected) / "inschrijvingen.csv"
    output = run_ok(folder)
    assert f"extract {B}: delivered again with other contents (inschrijvingen.csv)" in output

    stabiliteit = rows(folder, ds.STABILITEIT)
    assert [(r["PEILDATUM"], r["AANTAL_GEWIJZIGD"]) for r in stabiliteit] == [(A, 0), (B, 1)]
    mutaties = {_key(r): r for r in rows(folder, ds.MUTATIES)}
    assert {r["VORIGE_PEILDATUM"] for r in mutaties.values()} == {A}
    # Compared with A, not with the B it replaces (which had SO_VSO_MIDDEN).
    assert ("PO2304", "PAR705271") not in mutaties
    assert mutaties["PO2304", "2459428"]["GEWIJZIGDE_KOLOMMEN"] == "DATUM_UITSCHRIJVING"
    charged = {_key(r): r for r in rows(folder, ds.DASHBOARD_1B)}
    assert charged["PO2304", "PAR705271"]["MUTATIE"] == "ONGEWIJZIGD"
    assert charged["PO2304", "PAR705271"]["BEKOSTIGINGSCATEGORIE"] == "SO_VSO_LAAG"

    manifest = json.loads((folder.published_dir / "manifest.json").read_text())
    (teldatum,) = manifest["teldata"]
    files = {f["file"]: f["sha256"] for f in teldatum["input_files"]}
    assert files["inschrijvingen.csv"] == hashlib.sha256(inschrijvingen.read_bytes()).hexdigest()


def test_s5_a_move_is_gone_at_one_partnership_and_new_at_the_other(history: History):
    folder = history.after_b
    mutaties = {_key(r): r for r in rows(folder, ds.MUTATIES)}
    gone, new = mutaties["PO2304", "PAR705272"], mutaties["PO2202", "PAR705272"]
    assert (gone["MUTATIE"], gone["ANDER_SAMENWERKINGSVERBAND"]) == ("VERVALLEN", "PO2202")
    assert (new["MUTATIE"], new["ANDER_SAMENWERKINGSVERBAND"]) == ("NIEUW", "PO2304")
    assert gone["BEKOSTIGINGSRELEVANT"] and new["BEKOSTIGINGSRELEVANT"]
    assert gone["ONDERWIJSNUMMER"] == new["ONDERWIJSNUMMER"] == "123456800"
    assert {(r["PEILDATUM"], r["VORIGE_PEILDATUM"]) for r in mutaties.values()} == {(B, A)}
    assert {_key(r) for r in mutaties.values() if r["ANDER_SAMENWERKINGSVERBAND"]} == {
        ("PO2304", "PAR705272"),
        ("PO2202", "PAR705272"),
    }
    # Each partnership finds its half in its own folder.
    folder_of = folder.published_dir / "mutaties" / f"teldatum={T}"
    assert (folder_of / "samenwerkingsverband=PO2202").is_dir()
    charged = {_key(r): r["MUTATIE"] for r in rows(folder, ds.DASHBOARD_1B)}
    assert charged["PO2202", "PAR705272"] == "NIEUW"
    assert ("PO2304", "PAR705272") not in charged


def test_s6_an_end_date_after_t_is_informative_and_a_category_change_relevant(history: History):
    mutaties = {_key(r): r for r in rows(history.after_b, ds.MUTATIES)}
    columns = ("MUTATIE", "BEKOSTIGINGSRELEVANT", "GEWIJZIGDE_KOLOMMEN", "VORIGE_WAARDEN")
    assert tuple(mutaties["PO2304", "2459428"][c] for c in columns) == (
        "GEWIJZIGD",
        False,
        "DATUM_UITSCHRIJVING",
        "DATUM_UITSCHRIJVING=",
    )
    assert tuple(mutaties["PO2304", "PAR705271"][c] for c in columns) == (
        "GEWIJZIGD",
        True,
        "BEKOSTIGINGSCATEGORIE",
        "BEKOSTIGINGSCATEGORIE=SO_VSO_LAAG",
    )
    charged = {_key(r): r for r in rows(history.after_b, ds.DASHBOARD_1B)}
    assert charged["PO2304", "2459428"]["DATUM_UITSCHRIJVING"] == date(2025, 3, 31)
    assert charged["PO2304", "PAR705271"]["BEKOSTIGINGSCATEGORIE"] == "SO_VSO_MIDDEN"
    (latest,) = [r for r in rows(history.after_b, ds.STABILITEIT) if r["PEILDATUM"] == B]
    assert (latest["AANTAL_GEWIJZIGD"], latest["AANTAL_BEKOSTIGINGSRELEVANT"]) == (2, 3)


def test_s7_late_mutation_only_for_a_funding_relevant_change_after_the_deadline(
    history: History,
):
    columns = (
        "PEILDATUM",
        "STATUS",
        "AANTAL_BEKOSTIGINGSRELEVANT",
        "LATE_MUTATIE",
        "BEKOSTIGING_ONGEWIJZIGD_SINDS",
        "ONGEWIJZIGD_SINDS",
    )
    stabiliteit = rows(history.after_c, ds.STABILITEIT)
    assert [tuple(r[c] for c in columns) for r in stabiliteit] == [
        (A, "VOORLOPIG", 3, False, A, A),
        (B, "VASTGESTELD", 3, True, B, B),
        (C, "VASTGESTELD", 0, False, B, C),  # an informative change after the deadline
    ]
    assert "LATE MUTATION" in history.run_ab
    assert "LATE MUTATION" not in history.run_c
    mutaties = rows(history.after_c, ds.MUTATIES)
    assert [(r["INSCHRIJVING_ID"], r["BEKOSTIGINGSRELEVANT"]) for r in mutaties] == [
        ("PAR705271", False)
    ]


def test_s8_a_final_teldatum_stays_put_afwijkingen_show_and_reopen_republishes_once(
    tmp_path: Path, no_dagster_home: None
):
    final, later = date(2025, 4, 20), date(2025, 5, 1)
    folder = new_folder(tmp_path / "data")
    deliver(folder, final, seed_enrolments())
    run_ok(folder)
    kept = (ds.DASHBOARD_1B, ds.DASHBOARD_1A, ds.MUTATIES, ds.NIET_TOEGEREKEND, ds.STABILITEIT)
    before = {d.name: digests(folder, d) for d in kept}
    assert [(r["STATUS"], r["PEILDATUM"]) for r in rows(folder, ds.STABILITEIT)] == [
        ("DEFINITIEF", final)
    ]

    deliver(folder, later, extract_b())
    output = run_ok(folder)
    assert f"final since {final}, not republished" in output, output
    assert {d.name: digests(folder, d) for d in kept} == before
    afwijkingen = {_key(r): r for r in rows(folder, ds.AFWIJKINGEN_NA_DEFINITIEF)}
    assert {(r["PEILDATUM"], r["VORIGE_PEILDATUM"]) for r in afwijkingen.values()} == {
        (later, final)
    }
    assert afwijkingen["PO2304", "PAR705271"]["GEWIJZIGDE_KOLOMMEN"] == "BEKOSTIGINGSCATEGORIE"
    assert sum(r["BEKOSTIGINGSRELEVANT"] for r in afwijkingen.values()) == 3

    reopened = rod_pipeline(folder, "reopen", "--teldatum", str(T), "--reason", "audit correction")
    assert reopened.code == 0, reopened.output
    output = run_ok(folder)
    assert f"extract {later}: teldatum {T} was reopened" in output, output
    stabiliteit = rows(folder, ds.STABILITEIT)
    assert [(r["PEILDATUM"], r["HEROPEND_REDEN"]) for r in stabiliteit] == [
        (final, None),
        (later, "audit correction"),
    ]
    charged = {_key(r): r for r in rows(folder, ds.DASHBOARD_1B)}
    assert charged["PO2304", "PAR705271"]["BEKOSTIGINGSCATEGORIE"] == "SO_VSO_MIDDEN"
    assert rows(folder, ds.AFWIJKINGEN_NA_DEFINITIEF) == []

    settled = published_state(folder.published_dir)
    assert "nothing to do" in run_ok(folder)
    assert published_state(folder.published_dir) == settled


def test_s9_the_1a_history_holds_every_publication(history: History):
    historie = rows(history.after_c, ds.DASHBOARD_1A_HISTORIE)
    assert sorted({r["PEILDATUM"] for r in historie}) == [A, B, C]

    def of(peildatum: date) -> list[dict]:
        return [r for r in historie if r["PEILDATUM"] == peildatum]

    # A is the users' example: their expected 1a.
    expected = expected_rows("dashboard_1a")
    got = [{c: "" if r[c] is None else str(r[c]) for c in expected[0]} for r in of(A)]
    normalised = [{c: v or "" for c, v in row.items()} for row in expected]
    assert sorted(got, key=str) == sorted(normalised, key=str)
    # B and C: the 1a each published in its day.
    assert of(B) == rows(history.after_b, ds.DASHBOARD_1A)
    assert of(C) == rows(history.after_c, ds.DASHBOARD_1A)

"""Publications of one teldatum compared with the one before (S4-S7), every kind of mutation,
read back from the published snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rod_pipeline.publish import datasets as ds
from rod_pipeline.publish import history
from rod_pipeline_tests.publish.examples import (
    FIRST,
    FIRST_COUNTS,
    FIRST_OUTPUT,
    NIET_TOEGEREKEND,
    P1,
    P2,
    P3,
    SECOND,
    SECOND_COUNTS,
    SECOND_OUTPUT,
)
from rod_pipeline_tests.publish.publishing import publish, stage
from rod_pipeline_tests.publish.reading import read_all_ways
from rod_pipeline_tests.publish.tables import (
    CHARGED_SCHEMA,
    DATES,
    T,
    output,
)


def _by_key(rows: pa.Table, *key: str) -> dict[tuple, dict]:
    return {tuple(row[k] for k in key): row for row in rows.to_pylist()}


def _mutaties(published: Path) -> dict[tuple, dict]:
    return _by_key(read_all_ways(published, ds.MUTATIES), "SAMENWERKINGSVERBAND", "INSCHRIJVING_ID")


@pytest.mark.parametrize(("second_peildatum", "late"), [(date(2025, 3, 3), True), (P2, False)])
def test_every_kind_of_mutation(
    con: duckdb.DuckDBPyConnection, root: Path, second_peildatum: date, late: bool
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, second_peildatum, {DATES: SECOND_OUTPUT}, "run-2")
    published = root / "published"

    dashboard_1b = _by_key(
        read_all_ways(published, ds.DASHBOARD_1B), "SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"
    )
    assert {key: row["MUTATIE"] for key, row in dashboard_1b.items()} == {
        ("PO0001", "E1"): "ONGEWIJZIGD",
        ("PO0001", "E2"): "GEWIJZIGD",
        ("PO0002", "E4"): "NIEUW",
        ("PO0002", "E5"): "NIEUW",
        ("PO0001", "E6"): "GEWIJZIGD",
        ("PO0001", "E7"): "GEWIJZIGD",
    }
    assert {row["PEILDATUM"] for row in dashboard_1b.values()} == {second_peildatum}

    columns = (
        "MUTATIE",
        "BEKOSTIGINGSRELEVANT",
        "ANDER_SAMENWERKINGSVERBAND",
        "GEWIJZIGDE_KOLOMMEN",
        "VORIGE_WAARDEN",
    )
    mutaties = _mutaties(published)
    assert {key: tuple(row[c] for c in columns) for key, row in mutaties.items()} == {
        ("PO0001", "E2"): (
            "GEWIJZIGD",
            True,
            None,
            "BEKOSTIGINGSCATEGORIE",
            "BEKOSTIGINGSCATEGORIE=SO_VSO_LAAG",
        ),
        ("PO0001", "E3"): ("VERVALLEN", True, None, None, None),
        # S5: a move is gone at one partnership and new at the other, each naming the other
        ("PO0001", "E4"): ("VERVALLEN", True, "PO0002", None, None),
        ("PO0002", "E4"): ("NIEUW", True, "PO0001", None, None),
        ("PO0002", "E5"): ("NIEUW", True, None, None, None),
        # S6: informative; previous values empty for what was null
        ("PO0001", "E6"): (
            "GEWIJZIGD",
            False,
            None,
            "DATUM_UITSCHRIJVING,TLV_EINDDATUM",
            "DATUM_UITSCHRIJVING=; TLV_EINDDATUM=",
        ),
        ("PO0001", "E7"): (
            "GEWIJZIGD",
            True,
            None,
            "WIJZE_VAN_BEPALING_SWV",
            "WIJZE_VAN_BEPALING_SWV=TLV",
        ),
    }
    assert {(r["PEILDATUM"], r["VORIGE_PEILDATUM"]) for r in mutaties.values()} == {
        (second_peildatum, P1)
    }
    assert {r["ONDERWIJSNUMMER"] for k, r in mutaties.items() if k[1] == "E4"} == {"100000004"}

    dashboard_1a = _by_key(
        read_all_ways(published, ds.DASHBOARD_1A),
        "SAMENWERKINGSVERBAND",
        "TELLING",
        "BEKOSTIGINGSCATEGORIE",
        "WIJZE_VAN_BEPALING_SWV",
    )
    assert {key: (row["AANTAL"], row["VERSCHIL"]) for key, row in dashboard_1a.items()} == {
        ("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "TLV"): (2, -4),
        ("PO0001", "TEN_LASTE", "SO_VSO_HOOG", "TLV"): (1, 1),
        ("PO0001", "TEN_LASTE", "SO_VSO_LAAG", "Woonplaats leerling"): (1, 1),
        ("PO0002", "TEN_LASTE", "SO_VSO_LAAG", "TLV"): (2, 2),
        ("PO0001", "LEERLINGBASIS", "REGULIER", None): (100, 0),
        ("PO0002", "LEERLINGBASIS", "REGULIER", None): (55, 5),
    }

    stabiliteit = read_all_ways(published, ds.STABILITEIT).to_pylist()
    assert [(r["PEILDATUM"], r["LATE_MUTATIE"]) for r in stabiliteit] == [
        (P1, False),
        (second_peildatum, late),
    ]
    newest = stabiliteit[-1]
    assert (
        newest["AANTAL_TEN_LASTE"],
        newest["AANTAL_NIEUW"],
        newest["AANTAL_GEWIJZIGD"],
        newest["AANTAL_VERVALLEN"],
        newest["AANTAL_BEKOSTIGINGSRELEVANT"],
    ) == (6, 2, 3, 2, 6)
    assert (
        newest["ONGEWIJZIGD_SINDS"] == newest["BEKOSTIGING_ONGEWIJZIGD_SINDS"] == (second_peildatum)
    )
    assert newest["STATUS"] == DATES.status(second_peildatum)


def test_niet_toegerekend_is_split_per_partnership_of_the_location(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    folder = root / "published" / "niet_toegerekend" / f"teldatum={T}"
    assert sorted(p.name for p in folder.iterdir()) == [
        "samenwerkingsverband=GEEN",
        "samenwerkingsverband=PO0001",
        "samenwerkingsverband=PO0002",
    ]
    rows = read_all_ways(root / "published", ds.NIET_TOEGEREKEND).to_pylist()
    assert {(r["SAMENWERKINGSVERBAND"], r["INSCHRIJVING_ID"]) for r in rows} == {
        ("PO0002", "N1"),
        (None, "N2"),
    }
    geen = pq.read_table(folder / "samenwerkingsverband=GEEN" / "part-0.parquet")
    assert geen.select(["SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"]).to_pylist() == [
        {"SAMENWERKINGSVERBAND": None, "INSCHRIJVING_ID": "N2"}
    ]


def test_an_informative_change_after_the_deadline_is_no_late_mutation(
    con: duckdb.DuckDBPyConnection, root: Path
):
    """S6/S7: only an end date filled in, after the deadline; then nothing changes at all."""
    informative = [r if r["INSCHRIJVING_ID"] != "E6" else SECOND[4] for r in FIRST]
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P3, {DATES: output(informative, FIRST_COUNTS, NIET_TOEGEREKEND)}, "run-2")
    later = date(2025, 3, 17)
    publish(con, root, later, {DATES: output(informative, FIRST_COUNTS, NIET_TOEGEREKEND)}, "r3")

    stabiliteit = read_all_ways(root / "published", ds.STABILITEIT).to_pylist()
    columns = (
        "PEILDATUM",
        "AANTAL_GEWIJZIGD",
        "AANTAL_BEKOSTIGINGSRELEVANT",
        "LATE_MUTATIE",
        "ONGEWIJZIGD_SINDS",
        "BEKOSTIGING_ONGEWIJZIGD_SINDS",
    )
    assert [tuple(r[c] for c in columns) for r in stabiliteit] == [
        (P1, 0, 6, False, P1, P1),
        (P3, 1, 0, False, P3, P1),
        (later, 0, 0, False, P3, P1),
    ]
    assert read_all_ways(root / "published", ds.MUTATIES).num_rows == 0


def test_a_vanished_combination_shows_as_zero_with_a_negative_difference(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: SECOND_OUTPUT}, "run-1")
    without_hoog = [c for c in SECOND_COUNTS if c["BEKOSTIGINGSCATEGORIE"] != "SO_VSO_HOOG"]
    publish(con, root, P2, {DATES: output(SECOND, without_hoog)}, "run-2")
    dashboard_1a = _by_key(
        read_all_ways(root / "published", ds.DASHBOARD_1A),
        "SAMENWERKINGSVERBAND",
        "BEKOSTIGINGSCATEGORIE",
    )
    vanished = dashboard_1a["PO0001", "SO_VSO_HOOG"]
    assert (vanished["TELLING"], vanished["AANTAL"], vanished["VERSCHIL"]) == ("TEN_LASTE", 0, -1)
    assert (vanished["WIJZE_VAN_BEPALING_SWV"], vanished["PEILDATUM"]) == ("TLV", P2)


def test_a_redelivered_extract_replaces_its_publication_compared_with_the_one_before(
    con: duckdb.DuckDBPyConnection, root: Path
):
    """S4: extract P2 delivered again with other contents (the same as P1's) is compared with
    P1, not with its own earlier publication: nothing changed."""
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    replaced = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2").publications[0]
    again = publish(con, root, P2, {DATES: FIRST_OUTPUT}, "run-3", files="v2")

    published = root / "published"
    assert read_all_ways(published, ds.MUTATIES).num_rows == 0
    assert set(read_all_ways(published, ds.DASHBOARD_1B)["MUTATIE"].to_pylist()) == {"ONGEWIJZIGD"}
    stabiliteit = read_all_ways(published, ds.STABILITEIT).to_pylist()
    assert [(r["PEILDATUM"], r["AANTAL_BEKOSTIGINGSRELEVANT"]) for r in stabiliteit] == [
        (P1, 6),
        (P2, 0),
    ]
    assert again.staged[0].vorige_publicatie_id == 1
    by_id = {p.publicatie_id: p for p in history.all_publications(con)}
    assert by_id[replaced.publicatie_id].vervangen_op is not None
    historie = read_all_ways(published, ds.DASHBOARD_1A_HISTORIE)
    assert sorted(set(historie["PEILDATUM"].to_pylist())) == [P1, P2]
    assert historie.num_rows == 2 * len(FIRST_COUNTS)


def test_same_content_is_staged_again_only_when_its_baseline_changed(
    con: duckdb.DuckDBPyConnection, root: Path
):
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-2")
    assert publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-3").staged == []
    # P1 redelivered: P2's baseline is another publication now, so P2 is compared again
    publish(con, root, P1, {DATES: SECOND_OUTPUT}, "run-4", files="v2")
    again = publish(con, root, P2, {DATES: SECOND_OUTPUT}, "run-5")
    assert [s.stabiliteit["AANTAL_BEKOSTIGINGSRELEVANT"] for s in again.staged] == [0]


def test_hash_depends_on_content_not_on_row_or_column_order(con: duckdb.DuckDBPyConnection):
    original = stage(con, FIRST_OUTPUT, P1, DATES, "a")
    shuffled = output([], FIRST_COUNTS[::-1], NIET_TOEGEREKEND[::-1])
    shuffled = type(shuffled)(
        FIRST_OUTPUT.charged.take([3, 0, 5, 1, 4, 2]).select(CHARGED_SCHEMA.names[::-1]),
        shuffled.niet_toegerekend,
        shuffled.counts,
    )
    assert original is not None
    assert stage(con, shuffled, P1, DATES, "b").inhoud_hash == original.inhoud_hash
    flagged = [*FIRST[:5], {**FIRST[5], "SIGNALERINGEN": "WOONPLAATS_ONBEKEND"}]
    edited = stage(con, output(flagged, FIRST_COUNTS, NIET_TOEGEREKEND), P1, DATES, "c")
    assert edited.inhoud_hash != original.inhoud_hash
    without = stage(con, output(FIRST, FIRST_COUNTS), P1, DATES, "d")
    assert without.inhoud_hash != original.inhoud_hash


def test_null_safe_comparison_both_ways(con: duckdb.DuckDBPyConnection, root: Path):
    nulled = [{**r, "TLV_NUMMER": None} if r["INSCHRIJVING_ID"] == "E1" else r for r in FIRST]
    publish(con, root, P1, {DATES: FIRST_OUTPUT}, "run-1")
    publish(con, root, P2, {DATES: output(nulled, FIRST_COUNTS, NIET_TOEGEREKEND)}, "run-2")
    (row,) = _mutaties(root / "published").values()
    assert (row["GEWIJZIGDE_KOLOMMEN"], row["VORIGE_WAARDEN"]) == (
        "TLV_NUMMER",
        "TLV_NUMMER=PO0001-2024-E1",
    )
    publish(con, root, P3, {DATES: FIRST_OUTPUT}, "run-3")
    (row,) = _mutaties(root / "published").values()
    assert (row["GEWIJZIGDE_KOLOMMEN"], row["VORIGE_WAARDEN"]) == ("TLV_NUMMER", "TLV_NUMMER=")

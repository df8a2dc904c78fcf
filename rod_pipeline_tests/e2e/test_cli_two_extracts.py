"""Two extracts of the users' example, the second after the registration deadline, written by
hand: a new pupil, a changed category, a removed enrolment and a pupil whose charge moves from
PO2304 to PO2202. Then a rerun of the second extract, and rollbacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.e2e.helpers import (
    SEED_PEILDATUM,
    CliResult,
    assert_read_back_agrees,
    cli_ok,
    copy_installation,
    copy_seed_case,
    file_digests,
    published,
    read_semicolon_csv,
    with_pyarrow,
    write_semicolon_csv,
)

pytestmark = pytest.mark.e2e

P1, P2 = date.fromisoformat(SEED_PEILDATUM), date(2025, 4, 1)
# 2025-02-01 has its deadline on 2025-03-03, so the second extract's changes are late;
# 2025-03-01 gets a deadline override after both extracts, so its changes are not.
LATE_T, ON_TIME_T = date(2025, 2, 1), date(2025, 3, 1)
NEW_PUPIL = "NEW000001"


def _teldatum_1b_folder(data_dir: Path, teldatum: date) -> Path:
    return published(data_dir) / "dashboard_1b" / f"teldatum={teldatum.isoformat()}"


def _second_extract(data_dir: Path) -> None:
    first = data_dir / "inbox" / P1.isoformat()
    second = data_dir / "inbox" / P2.isoformat()
    enrolments = read_semicolon_csv(first / "inschrijvingen.csv")
    header = list(enrolments[0])
    by_id = {row["INSCHRIJVING_ID"]: row for row in enrolments}
    del by_id["2459428"]  # removed from the register
    by_id["PAR705271"]["BEKOSTIGINGSCATEGORIE"] = "MIDDEN"  # changed row
    by_id["PAR705272"]["POSTCODE_LEERLING"] = "7761 AA"  # moved home: PO2304 -> PO2202
    new: dict[str, str | None] = {
        "INSCHRIJVING_ID": NEW_PUPIL,
        "ONDERWIJSNUMMER": "111222333",
        "VESTIGING": "00SU00",
        "ONDERWIJSSOORT": "SO",
        "BEKOSTIGINGSCATEGORIE": "HOOG",
        "POSTCODE_LEERLING": "7691 AB",
        "DATUM_INSCHRIJVING": "2024-09-01",
    }
    write_semicolon_csv(second / "inschrijvingen.csv", [*by_id.values(), new], header)
    (second / "tlv.csv").write_bytes((first / "tlv.csv").read_bytes())


@dataclass(frozen=True)
class TwoExtracts:
    data_dir: Path
    first_1b: dict[date, dict[str, str]]  # digests of each teldatum's 1b files after extract 1
    second_run: CliResult
    status: CliResult


@pytest.fixture(scope="module")
def two_extracts(tmp_path_factory: pytest.TempPathFactory) -> TwoExtracts:
    data_dir = copy_seed_case(tmp_path_factory.mktemp("two_extracts") / "data")
    with (data_dir / "reference" / "teldata.csv").open("a", encoding="utf-8") as teldata:
        teldata.write(f"{ON_TIME_T.isoformat()};2025-06-02;2025-07-14\n")
    cli_ok("run", "--data-dir", str(data_dir))
    first_1b = {t: file_digests(_teldatum_1b_folder(data_dir, t)) for t in (LATE_T, ON_TIME_T)}
    _second_extract(data_dir)
    second_run = cli_ok("run", "--data-dir", str(data_dir))
    status = cli_ok("status", "--data-dir", str(data_dir))
    return TwoExtracts(data_dir, first_1b, second_run, status)


def _of_teldatum(table: pa.Table, teldatum: date) -> list[dict]:
    return [row for row in table.to_pylist() if row["TELDATUM"] == teldatum]


def test_mutaties_hold_new_changed_and_gone_with_the_move_as_gone_and_new(
    two_extracts: TwoExtracts,
) -> None:
    mutaties = _of_teldatum(
        with_pyarrow(published(two_extracts.data_dir), datasets.MUTATIES), LATE_T
    )
    assert {(r["SAMENWERKINGSVERBAND"], r["INSCHRIJVING_ID"]): r["MUTATIE"] for r in mutaties} == {
        ("PO2304", NEW_PUPIL): "NIEUW",
        ("PO2304", "PAR705271"): "GEWIJZIGD",
        ("PO2304", "2459428"): "VERVALLEN",
        ("PO2304", "PAR705272"): "VERVALLEN",
        ("PO2202", "PAR705272"): "NIEUW",
    }
    changed = {r["INSCHRIJVING_ID"]: r["GEWIJZIGDE_KOLOMMEN"] for r in mutaties}
    assert changed["PAR705271"] == "BEKOSTIGINGSCATEGORIE"
    assert {(r["PEILDATUM"], r["VORIGE_PEILDATUM"]) for r in mutaties} == {(P2, P1)}


def test_1b_carries_mutatie_against_the_first_extract(two_extracts: TwoExtracts) -> None:
    rows = _of_teldatum(
        with_pyarrow(published(two_extracts.data_dir), datasets.DASHBOARD_1B), LATE_T
    )
    assert {(r["SAMENWERKINGSVERBAND"], r["INSCHRIJVING_ID"]): r["MUTATIE"] for r in rows} == {
        ("PO2304", NEW_PUPIL): "NIEUW",
        ("PO2304", "PAR705271"): "GEWIJZIGD",
        ("PO2202", "PAR705272"): "NIEUW",
    }
    categories = {r["INSCHRIJVING_ID"]: r["BEKOSTIGINGSCATEGORIE"] for r in rows}
    assert categories == {
        NEW_PUPIL: "SO_VSO_HOOG",
        "PAR705271": "SO_VSO_MIDDEN",
        "PAR705272": "SO_VSO_LAAG",
    }
    assert {r["PEILDATUM"] for r in rows} == {P2}


def test_1a_carries_the_difference_per_count(two_extracts: TwoExtracts) -> None:
    counts = _of_teldatum(
        with_pyarrow(published(two_extracts.data_dir), datasets.DASHBOARD_1A), LATE_T
    )
    charged = {
        (r["SAMENWERKINGSVERBAND"], r["BEKOSTIGINGSCATEGORIE"], r["WIJZE_VAN_BEPALING_SWV"]): (
            r["AANTAL"],
            r["VERSCHIL"],
        )
        for r in counts
        if r["TELLING"] == "TEN_LASTE"
    }
    assert {k: v for k, v in charged.items() if v[0] > 0} == {
        ("PO2304", "SO_VSO_MIDDEN", "Woonplaats leerling"): (1, 1),
        ("PO2304", "SO_VSO_HOOG", "Woonplaats leerling"): (1, 1),
        ("PO2202", "SO_VSO_LAAG", "Woonplaats leerling"): (1, 1),
    }
    # A combination that fell to zero may be listed, with AANTAL 0 and what it lost.
    gone = {
        ("PO2304", "SBO", "TLV"): (0, -1),
        ("PO2304", "SO_VSO_LAAG", "Woonplaats leerling"): (0, -2),
    }
    assert {k: v for k, v in charged.items() if v[0] == 0}.items() <= gone.items()
    base = [r for r in counts if r["TELLING"] == "LEERLINGBASIS"]
    assert len(base) == 6
    assert {(r["AANTAL"], r["VERSCHIL"]) for r in base} == {(0, 0)}


def test_stabiliteit_has_a_row_per_publication_and_flags_the_late_one(
    two_extracts: TwoExtracts,
) -> None:
    history = with_pyarrow(published(two_extracts.data_dir), datasets.STABILITEIT)
    late = sorted(_of_teldatum(history, LATE_T), key=lambda r: r["PEILDATUM"])
    # CONTRACT: the first publication counts every row as new, so after the deadline it is late.
    assert [(r["PEILDATUM"], r["STATUS"], r["LATE_MUTATIE"]) for r in late] == [
        (P1, "VASTGESTELD", True),
        (P2, "VASTGESTELD", True),
    ]
    second = late[1]
    assert (
        second["AANTAL_TEN_LASTE"],
        second["AANTAL_NIEUW"],
        second["AANTAL_GEWIJZIGD"],
        second["AANTAL_VERVALLEN"],
        second["ONGEWIJZIGD_SINDS"],
    ) == (3, 2, 1, 2, P2)
    assert late[0]["INHOUD_HASH"] != second["INHOUD_HASH"]
    on_time = sorted(_of_teldatum(history, ON_TIME_T), key=lambda r: r["PEILDATUM"])
    assert [(r["PEILDATUM"], r["STATUS"], r["LATE_MUTATIE"]) for r in on_time] == [
        (P1, "VOORLOPIG", False),
        (P2, "VOORLOPIG", False),
    ]
    assert on_time[1]["REGISTRATIEDEADLINE"] == date(2025, 6, 2)


def test_status_prints_the_late_mutation_first(two_extracts: TwoExtracts) -> None:
    lines = two_extracts.status.stdout.splitlines()
    assert lines and LATE_T.isoformat() in lines[0], two_extracts.status.stdout
    late_line = next(i for i, line in enumerate(lines) if "LATE" in line.upper())
    assert P2.isoformat() in lines[late_line]
    later_teldatum = next(i for i, line in enumerate(lines) if ON_TIME_T.isoformat() in line)
    assert late_line < later_teldatum


def test_the_run_reports_the_late_mutation(two_extracts: TwoExtracts) -> None:
    reported = [line for line in two_extracts.second_run.stdout.splitlines() if "LATE" in line]
    assert len(reported) == 1 and LATE_T.isoformat() in reported[0]


def test_pyarrow_duckdb_and_catalog_read_the_same(
    two_extracts: TwoExtracts, tmp_path: Path
) -> None:
    tables = assert_read_back_agrees(published(two_extracts.data_dir), tmp_path / "bi_tool")
    assert tables["mutaties"].num_rows > 0
    assert tables["stabiliteit"].num_rows == 4


def test_rerun_on_unchanged_input_publishes_nothing_new(
    two_extracts: TwoExtracts, tmp_path: Path
) -> None:
    """S4: the same files and rulebook again publish nothing new."""
    data_dir = copy_installation(two_extracts.data_dir, tmp_path / "data")
    cli_ok("run", "--data-dir", str(data_dir))  # a copy's catalog is rewritten for it, once
    before = file_digests(published(data_dir))
    rerun = cli_ok("run", "--data-dir", str(data_dir), "--peildatum", P2.isoformat())
    assert "done: 0 extract(s) processed" in rerun.stdout, rerun.output
    assert file_digests(published(data_dir)) == before
    history = with_pyarrow(published(data_dir), datasets.STABILITEIT).to_pylist()
    assert sorted((r["TELDATUM"], r["PEILDATUM"]) for r in history) == [
        (LATE_T, P1),
        (LATE_T, P2),
        (ON_TIME_T, P1),
        (ON_TIME_T, P2),
    ]


def test_rollback_restores_the_first_publications_1b_files(
    two_extracts: TwoExtracts, tmp_path: Path
) -> None:
    data_dir = copy_installation(two_extracts.data_dir, tmp_path / "data")
    assert file_digests(_teldatum_1b_folder(data_dir, LATE_T)) != two_extracts.first_1b[LATE_T]
    cli_ok("rollback", "--data-dir", str(data_dir), "--teldatum", LATE_T.isoformat())
    cli_ok(
        "rollback",
        "--data-dir",
        str(data_dir),
        "--teldatum",
        ON_TIME_T.isoformat(),
        "--to-peildatum",
        P1.isoformat(),
    )
    for teldatum in (LATE_T, ON_TIME_T):
        assert (
            file_digests(_teldatum_1b_folder(data_dir, teldatum))
            == (two_extracts.first_1b[teldatum])
        )
    history = with_pyarrow(published(data_dir), datasets.STABILITEIT)
    assert {r["PEILDATUM"] for r in history.to_pylist()} == {P1}
    assert_read_back_agrees(published(data_dir), tmp_path / "bi_tool")

    # A withdrawn extract is not published again by the next plain run, only when named.
    cli_ok("run", "--data-dir", str(data_dir))
    assert file_digests(_teldatum_1b_folder(data_dir, LATE_T)) == two_extracts.first_1b[LATE_T]
    cli_ok("run", "--data-dir", str(data_dir), "--peildatum", P2.isoformat())
    history = with_pyarrow(published(data_dir), datasets.STABILITEIT)
    assert {r["PEILDATUM"] for r in history.to_pylist()} == {P1, P2}

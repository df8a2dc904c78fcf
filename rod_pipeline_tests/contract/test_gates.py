"""Whole-extract gates: the exact message, nothing kept on failure, and accepting with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from rod_pipeline.contract import ExtractGateError, accepted_gates
from rod_pipeline_tests.contract.installation import (
    INSCHRIJVING,
    PEILDATUM,
    Installation,
    seed_rows,
    write_csv,
)

PREVIOUS = date(2025, 2, 15)
HINT = (
    "check the extract; if it is right, accept it: rod-pipeline run --peildatum 2025-03-15 "
    '--accept "reason"'
)


def _after_the_seed_extract(installation: Installation) -> None:
    """The seed extract (3 enrolments, 2 TLVs) validated as the previous extract."""
    installation.write_extract()
    installation.run(PREVIOUS)


def _stopped(installation: Installation) -> ExtractGateError:
    with pytest.raises(ExtractGateError) as raised:
        installation.run()
    assert raised.value.hint == HINT
    return raised.value


def test_header_only_tlv_file(installation: Installation) -> None:
    _after_the_seed_extract(installation)
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    error = _stopped(installation)
    assert (
        str(error) == "tlv.csv: no data rows (the previous extract 2025-02-15 had 2 accepted rows)"
    )
    assert [(f.bestand, f.poort) for f in error.failures] == [("tlv.csv", "GEEN_RIJEN")]


def test_header_only_file_of_a_first_extract(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert str(_stopped(installation)) == "tlv.csv: no data rows"


def test_optional_column_renamed(installation: Installation) -> None:
    _after_the_seed_extract(installation)
    path = installation.extract_dir / "inschrijvingen.csv"
    path.write_text(path.read_text().replace("POSTCODE_LEERLING", "POSTCODE", 1))
    assert str(_stopped(installation)) == (
        "inschrijvingen.csv: column POSTCODE_LEERLING is missing "
        "(the previous extract 2025-02-15 had it)"
    )


def test_optional_column_the_previous_extract_lacked_too(installation: Installation) -> None:
    columns = [name for name in INSCHRIJVING if name != "POSTCODE_LEERLING"]
    rows = seed_rows("inbox/2025-03-15/inschrijvingen.csv")
    installation.write_extract()
    write_csv(installation.extract_dir / "inschrijvingen.csv", rows, columns)
    installation.run(PREVIOUS)
    installation.run()  # no gate: nothing went missing since


def test_more_than_ten_percent_fewer_accepted_rows(installation: Installation) -> None:
    _after_the_seed_extract(installation)
    installation.write_extract(inschrijvingen=seed_rows("inbox/2025-03-15/inschrijvingen.csv")[:2])
    assert str(_stopped(installation)) == (
        "inschrijvingen.csv: 2 accepted rows, 33.3% fewer than the 3 of the previous extract "
        "2025-02-15 (more than 10%)"
    )


def test_ten_percent_fewer_is_not_more_than_ten(installation: Installation) -> None:
    rows = [{**INSCHRIJVING, "INSCHRIJVING_ID": f"N{i}"} for i in range(10)]
    installation.write_extract(inschrijvingen=rows)
    installation.run(PREVIOUS)
    installation.write_extract(inschrijvingen=rows[:9])
    installation.run()


def test_more_than_five_percent_quarantined(installation: Installation) -> None:
    rows = [{**INSCHRIJVING, "INSCHRIJVING_ID": f"N{i}"} for i in range(20)]
    rows += [{**INSCHRIJVING, "INSCHRIJVING_ID": f"B{i}", "VESTIGING": "99ZZ99"} for i in range(2)]
    installation.write_extract(inschrijvingen=rows)
    quarantine = installation.quarantine_dir / "peildatum=2025-03-15" / "quarantine.parquet"
    assert str(_stopped(installation)) == (
        "inschrijvingen.csv: 2 of 22 rows quarantined (9.1%, more than 5%) "
        f"(the rows are in {quarantine})"
    )
    assert quarantine.is_file()  # the operator judges the extract by it


def test_one_in_twenty_quarantined_passes(installation: Installation) -> None:
    rows = [{**INSCHRIJVING, "INSCHRIJVING_ID": f"N{i}"} for i in range(19)]
    rows += [{**INSCHRIJVING, "INSCHRIJVING_ID": "B", "VESTIGING": "99ZZ99"}]
    installation.write_extract(inschrijvingen=rows)
    assert installation.run().files["inschrijvingen"].rijen_gequarantaineerd == 1


def test_several_gates_in_one_message(installation: Installation) -> None:
    _after_the_seed_extract(installation)
    installation.write_extract(inschrijvingen=seed_rows("inbox/2025-03-15/inschrijvingen.csv")[:2])
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    assert str(_stopped(installation)) == (
        "inschrijvingen.csv: 2 accepted rows, 33.3% fewer than the 3 of the previous extract "
        "2025-02-15 (more than 10%); "
        "tlv.csv: no data rows (the previous extract 2025-02-15 had 2 accepted rows)"
    )


def test_a_failed_gate_keeps_nothing_and_leaves_earlier_quarantine_files(
    installation: Installation,
) -> None:
    _after_the_seed_extract(installation)
    earlier = installation.quarantine_dir / "peildatum=2025-02-15" / "quarantine.parquet"
    before = (earlier.read_bytes(), earlier.stat().st_mtime_ns)
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    _stopped(installation)
    con = installation.con
    for table in ("validated_inschrijvingen", "validated_tlv", "quarantine"):
        held = con.execute(
            f"SELECT count(*) FROM {table} WHERE PEILDATUM = $p", {"p": PEILDATUM}
        ).fetchall()
        assert held == [(0,)], table
    counts = con.execute(
        "SELECT count(RIJEN_GEACCEPTEERD) FROM input_files WHERE PEILDATUM = $p "
        "AND BESTAND IN ('inschrijvingen.csv', 'tlv.csv')",
        {"p": PEILDATUM},
    ).fetchall()
    assert counts == [(0,)]  # read, never validated: not a previous extract for the next one
    assert (earlier.read_bytes(), earlier.stat().st_mtime_ns) == before
    assert accepted_gates(con, PEILDATUM) == []


def test_accepting_records_the_reason(installation: Installation) -> None:
    _after_the_seed_extract(installation)
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    report = installation.run(accept="DUO confirmed: no TLVs in this export")
    assert report.files["tlv"].rijen_gelezen == 0
    accepted = accepted_gates(installation.con, PEILDATUM)
    assert [{k: v for k, v in gate.items() if k != "accepted_at"} for gate in accepted] == [
        {
            "file": "tlv.csv",
            "gate": "GEEN_RIJEN",
            "detail": "no data rows (the previous extract 2025-02-15 had 2 accepted rows)",
            "reason": "DUO confirmed: no TLVs in this export",
        }
    ]
    assert date.fromisoformat(accepted[0]["accepted_at"][:10]) >= PEILDATUM
    held = installation.con.execute(
        "SELECT count(*) FROM validated_inschrijvingen WHERE PEILDATUM = $p", {"p": PEILDATUM}
    ).fetchall()
    assert held == [(3,)]
    installation.write_extract()
    installation.run()  # the files put right: the acceptance no longer applies
    assert accepted_gates(installation.con, PEILDATUM) == []


def test_accepting_needs_a_reason(installation: Installation) -> None:
    installation.write_extract()
    with pytest.raises(ValueError, match="needs a reason"):
        installation.run(accept="  ")


def test_accepted_gates_of_a_warehouse_without_them() -> None:
    import duckdb

    with duckdb.connect() as con:
        assert accepted_gates(con, PEILDATUM) == []

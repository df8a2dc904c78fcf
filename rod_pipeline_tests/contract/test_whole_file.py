"""Whole-file failures: ContractError with the operator's message, and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rod_pipeline.contract import ContractError, load_reference, read_extract
from rod_pipeline_tests.contract.installation import (
    INSCHRIJVING,
    PEILDATUM,
    Installation,
    seed_rows,
    write_csv,
    write_parquet,
)


def _read(installation: Installation) -> ContractError:
    with pytest.raises(ContractError) as raised:
        read_extract(installation.con, installation.extract_dir, PEILDATUM)
    return raised.value


def test_missing_required_column(installation: Installation) -> None:
    columns = [name for name in INSCHRIJVING if name != "VESTIGING"]
    installation.write_extract()
    write_csv(installation.extract_dir / "inschrijvingen.csv", [INSCHRIJVING], columns)
    error = _read(installation)
    assert str(error) == "inschrijvingen.csv: required column VESTIGING is missing"
    assert (error.file, error.problem) == (
        "inschrijvingen.csv",
        "required column VESTIGING is missing",
    )


def test_missing_required_columns(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_text("TLV_NUMMER;ONDERWIJSNUMMER;SWV_CODE\nPO2304-2024-1;123456794;PO2304\n")
    assert str(_read(installation)) == (
        "tlv.csv: required columns SOORT_TLV, BEGINDATUM are missing"
    )


def test_not_utf8_names_byte_and_line(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(
        b"".join(lines) + b"PO2304-2024-2;123456794;PO2304;SO_VSO;M\xffDDEN;1-8-2024;\n"
    )
    assert (
        str(_read(installation)) == f"tlv.csv: not valid UTF-8 (byte 0xff at line {len(lines) + 1})"
    )


def test_not_utf8_far_into_the_file_changes_nothing(installation: Installation) -> None:
    """Past the header's chunk DuckDB's reader finds the byte; the first file is rolled back."""
    installation.write_extract()
    read_extract(installation.con, installation.extract_dir, PEILDATUM)
    before = installation.con.execute("SELECT * FROM input_files ORDER BY BESTAND").fetchall()
    path = installation.extract_dir / "tlv.csv"
    header, row = path.read_bytes().splitlines(keepends=True)[:2]
    copies = 17 * 1024 * 1024 // len(row) + 1  # beyond the 16 MB the header is read from
    path.write_bytes(header + row * copies + row.replace(b"PO2304;", b"PO2304;\xff", 1))
    (installation.extract_dir / "inschrijvingen.csv").write_bytes(
        (installation.extract_dir / "inschrijvingen.csv").read_bytes() + b"\n"
    )
    assert str(_read(installation)) == f"tlv.csv: not valid UTF-8 (byte 0xff at line {copies + 2})"
    after = installation.con.execute("SELECT * FROM input_files ORDER BY BESTAND").fetchall()
    assert after == before


def test_latin1_file_is_not_utf8(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "inschrijvingen.csv"
    path.write_bytes(path.read_bytes().replace(b"2459428", b"24594\xe9"))
    assert str(_read(installation)) == ("inschrijvingen.csv: not valid UTF-8 (byte 0xe9 at line 2)")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file(installation: Installation, content: bytes) -> None:
    installation.write_extract()
    (installation.extract_dir / "inschrijvingen.csv").write_bytes(content)
    assert str(_read(installation)) == "inschrijvingen.csv: the file is empty"


def test_comma_separated_is_not_a_semicolon_table(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text().replace(";", ","))
    assert str(_read(installation)) == "tlv.csv: not a semicolon-separated table"


def test_ragged_line_is_not_a_semicolon_table(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_text(path.read_text() + "PO2304-2024-1;123456794;PO2304\n")
    assert str(_read(installation)) == (
        "tlv.csv: not a semicolon-separated table (line 4 has 3 fields where the header has 7)"
    )


def test_csv_and_parquet_both_present(installation: Installation) -> None:
    installation.write_extract()
    write_parquet(installation.extract_dir / "inschrijvingen.parquet", [INSCHRIJVING])
    error = _read(installation)
    assert str(error).startswith("inschrijvingen.csv and inschrijvingen.parquet both present")


def test_missing_file(installation: Installation) -> None:
    installation.write_extract()
    (installation.extract_dir / "tlv.csv").unlink()
    error = _read(installation)
    assert error.file == "tlv.csv"
    assert str(error).startswith("tlv.csv: the file is missing")


def test_broken_parquet(installation: Installation) -> None:
    installation.write_extract()
    (installation.extract_dir / "tlv.csv").unlink()
    (installation.extract_dir / "tlv.parquet").write_bytes(b"PAR1 not really")
    assert str(_read(installation)) == "tlv.parquet: not a readable Parquet file"


def test_duplicate_column(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(f"{line};{line.split(';')[2]}" for line in lines) + "\n")
    assert str(_read(installation)) == "tlv.csv: column SWV_CODE appears more than once"


def test_a_broken_file_stops_the_extract_before_anything_is_read(
    installation: Installation,
) -> None:
    installation.write_extract()
    (installation.extract_dir / "tlv.csv").write_bytes(b"")
    _read(installation)
    tables = {row[0] for row in installation.con.sql("SHOW TABLES").fetchall()}
    assert "raw_inschrijvingen" not in tables


# Reference files: any broken row fails the file as a whole.
VESTIGINGEN = "VESTIGING;NAAM;ONDERWIJSSOORT;CLUSTER;POSTCODE;SWV_CODE\n"
REFERENCE_CASES = [
    (
        "samenwerkingsverbanden.csv",
        "SWV_CODE;NAAM\nPO2202;A\nP2203;B\n",
        "line 3 SWV_CODE (SWV_FORMAAT)",
    ),
    (
        "samenwerkingsverbanden.csv",
        "SWV_CODE;NAAM\nPO2202;A\nPO2202;B\n",
        "line 2 SWV_CODE (UNIEK)",
    ),
    (
        "regio_indeling.csv",
        "PC4;GEMEENTE;PO_SWV;VO_SWV\n7691;H;PO9999;VO2307\n",
        "line 2 PO_SWV (SWV_BEKEND)",
    ),
    (
        "regio_indeling.csv",
        "PC4;GEMEENTE;PO_SWV;VO_SWV\n7691;H;VO2307;VO2307\n",
        "line 2 PO_SWV (SWV_SECTOR)",
    ),
    ("regio_indeling.csv", "PC4;GEMEENTE;PO_SWV;VO_SWV\n769;H;;\n", "line 2 PC4 (PC4_FORMAAT)"),
    (
        "vestigingen.csv",
        VESTIGINGEN + "00SU00;Rups;SO;;7761 AA;PO2202\n",
        "line 2 CLUSTER (CLUSTER_VERPLICHT)",
    ),
    (
        "vestigingen.csv",
        VESTIGINGEN + "00SU00;Rups;SO;3;7761 AA;PO9999\n",
        "line 2 SWV_CODE (SWV_BEKEND)",
    ),
    (
        "vestigingen.csv",
        VESTIGINGEN + "00SU00;R;SO;3;;PO2202\n00SU00;R;SO;3;;PO2202\n",
        "line 2 VESTIGING (UNIEK)",
    ),
    (
        "teldata.csv",
        "TELDATUM;REGISTRATIEDEADLINE;EINDE_BEZWAARTERMIJN\n30-2-2025;;\n",
        "line 2 TELDATUM (DATUM_GELDIG)",
    ),
    (
        "teldata.csv",
        "TELDATUM;REGISTRATIEDEADLINE;EINDE_BEZWAARTERMIJN\n2025-02-01;2025-01-01;\n",
        "line 2 REGISTRATIEDEADLINE (NA_TELDATUM)",
    ),
]


@pytest.mark.parametrize(("bestand", "content", "detail"), REFERENCE_CASES)
def test_broken_reference_file_fails_as_a_whole(
    installation: Installation, bestand: str, content: str, detail: str
) -> None:
    (installation.reference_dir / bestand).write_text(content)
    with pytest.raises(ContractError) as raised:
        load_reference(installation.con, installation.reference_dir, PEILDATUM)
    assert raised.value.file == bestand
    assert str(raised.value).startswith(f"{bestand}: ")
    assert detail in str(raised.value)
    assert "break the reference rules" in str(raised.value)
    count = installation.con.execute("SELECT count(*) FROM ref_samenwerkingsverbanden").fetchone()
    assert count == (0,)  # all or nothing


def test_reference_file_failures_name_no_values(installation: Installation, tmp_path: Path) -> None:
    vestigingen = seed_rows("reference/vestigingen.csv")
    write_csv(
        installation.reference_dir / "vestigingen.csv",
        [{**row, "POSTCODE": "7901-AB", "NAAM": "Geheim"} for row in vestigingen],
    )
    with pytest.raises(ContractError) as raised:
        load_reference(installation.con, installation.reference_dir, PEILDATUM)
    assert "7901" not in str(raised.value) and "Geheim" not in str(raised.value)
    assert "line 2 POSTCODE (POSTCODE_FORMAAT)" in str(raised.value)

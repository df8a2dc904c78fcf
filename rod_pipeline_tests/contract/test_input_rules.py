"""Issue 12: hostile ids, control characters in names, physical line numbers, line endings and
repeated columns, each with the exact message or quarantine row the operator sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from rod_pipeline.contract import ContractError, load_reference, read_extract
from rod_pipeline_tests.contract.installation import (
    FEW_ROWS,
    INSCHRIJVING,
    PEILDATUM,
    Installation,
)


def field(value: str) -> str:
    """A CSV field as a spreadsheet writes it: quoted when it holds a quote, `;` or line break."""
    if any(char in value for char in '";\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_rows(path: Path, rows: list[dict[str, str]], ending: str = "\n") -> Path:
    header = list(rows[0])
    lines = [";".join(header)] + [";".join(field(row[name]) for name in header) for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((ending.join(lines) + ending).encode("utf-8"))
    return path


def _read_error(installation: Installation) -> str:
    with pytest.raises(ContractError) as raised:
        read_extract(installation.con, installation.extract_dir, PEILDATUM)
    return str(raised.value)


HOSTILE_IDS = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "ID\x00NUL",
    "ID\x1b[31mRED",
    "\ufeffID",
    "ID\u00a0NBSP",
    "ID\u202eGNP",
    "ID\tTAB",
    "A" * 41,
]


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=repr)
def test_hostile_enrolment_id_is_quarantined(installation: Installation, hostile: str) -> None:
    installation.write_extract()
    write_rows(
        installation.extract_dir / "inschrijvingen.csv",
        [INSCHRIJVING, {**INSCHRIJVING, "INSCHRIJVING_ID": hostile}],
    )
    installation.run(accept=FEW_ROWS)
    assert installation.quarantine() == [
        {
            "BESTAND": "inschrijvingen.csv",
            "REGEL": 3,
            "KOLOM": "INSCHRIJVING_ID",
            "REGEL_CODE": "INSCHRIJVING_ID_FORMAAT",
            "WAARDE": hostile,
        }
    ]
    accepted = installation.con.sql("SELECT INSCHRIJVING_ID FROM validated_inschrijvingen")
    assert accepted.fetchall() == [("NIEUW1",)]


def test_ids_of_the_contract_pass(installation: Installation) -> None:
    ids = ["1", "PAR705271", "a.b_c-d", "Z" * 40]
    rows = [{**INSCHRIJVING, "INSCHRIJVING_ID": id_} for id_ in ids]
    installation.write_extract(inschrijvingen=rows)
    installation.run()
    assert installation.quarantine() == []


@pytest.mark.parametrize(
    "name", ["B\x1bC", "B\x00C", "B\u202eC", "B\ufeffC", "B\tC", "B\nC"], ids=repr
)
def test_control_character_in_a_reference_name_fails_the_file(
    installation: Installation, name: str
) -> None:
    path = installation.reference_dir / "samenwerkingsverbanden.csv"
    write_rows(path, [{"SWV_CODE": "PO2202", "NAAM": "A"}, {"SWV_CODE": "PO2203", "NAAM": name}])
    with pytest.raises(ContractError) as raised:
        load_reference(installation.con, installation.reference_dir, PEILDATUM)
    assert str(raised.value) == (
        "samenwerkingsverbanden.csv: 1 row(s) break the reference rules: "
        "line 3 NAAM (GEEN_STUURTEKENS); correct the file"
    )


def test_control_character_in_a_location_name_fails_the_file(installation: Installation) -> None:
    path = installation.reference_dir / "vestigingen.csv"
    lines = path.read_text().splitlines()
    fields = lines[2].split(";")
    fields[1] += "\x07"  # NAAM
    path.write_text("\n".join([*lines[:2], ";".join(fields), *lines[3:]]) + "\n")
    with pytest.raises(ContractError) as raised:
        load_reference(installation.con, installation.reference_dir, PEILDATUM)
    assert str(raised.value).endswith("line 3 NAAM (GEEN_STUURTEKENS); correct the file")


def test_a_no_break_space_in_a_name_is_text(installation: Installation) -> None:
    path = installation.reference_dir / "samenwerkingsverbanden.csv"
    header, first, *rest = path.read_text().splitlines()
    path.write_text("\n".join([header, first + "\u00a0X", *rest]) + "\n")
    load_reference(installation.con, installation.reference_dir, PEILDATUM)


def test_quarantine_names_the_physical_line_after_a_field_spanning_lines(
    installation: Installation,
) -> None:
    remark = {**INSCHRIJVING, "OPMERKING": "first line\nsecond line\nthird"}
    rows = [
        remark,  # lines 2-4
        {**INSCHRIJVING, "INSCHRIJVING_ID": "N2", "OPMERKING": ""},  # line 5
        {**INSCHRIJVING, "INSCHRIJVING_ID": "N3", "VESTIGING": "99ZZ99", "OPMERKING": ""},
    ]
    installation.write_extract()
    path = write_rows(installation.extract_dir / "inschrijvingen.csv", rows)
    path.write_text(path.read_text() + "\n")  # a blank line 7 ...
    path.write_text(
        path.read_text()
        + ";".join({**INSCHRIJVING, "INSCHRIJVING_ID": "N4", "RESIDENTIEEL": "X"}.values())
        + ";\n"
    )  # ... and a broken row on line 8
    installation.run(accept=FEW_ROWS)
    assert [(row["REGEL"], row["KOLOM"], row["WAARDE"]) for row in installation.quarantine()] == [
        (6, "VESTIGING", "99ZZ99"),
        (8, "RESIDENTIEEL", "X"),
    ]
    lines = installation.con.sql(
        "SELECT INSCHRIJVING_ID, BRON_REGEL FROM validated_inschrijvingen ORDER BY 2"
    ).fetchall()
    assert lines == [("NIEUW1", 2), ("N2", 5)]
    raw = installation.con.sql("SELECT BRON_REGEL FROM raw_inschrijvingen ORDER BY 1").fetchall()
    assert raw == [(2,), (5,), (6,), (8,)]


def test_ragged_line_after_a_field_spanning_lines_names_its_physical_line(
    installation: Installation,
) -> None:
    installation.write_extract()
    path = write_rows(
        installation.extract_dir / "inschrijvingen.csv",
        [{**INSCHRIJVING, "OPMERKING": "a\nb"}, {**INSCHRIJVING, "OPMERKING": "c"}],
    )
    path.write_text(path.read_text() + "N9;123456794\n")
    assert _read_error(installation) == (
        "inschrijvingen.csv: not a semicolon-separated table "
        "(line 5 has 2 fields where the header has 11)"
    )


def test_cr_only_line_endings(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert _read_error(installation) == (
        "tlv.csv: the lines end in CR only (old Mac line endings); save the file with CRLF or "
        "LF line endings"
    )


def test_mixed_line_endings_name_the_first_unlike_line(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    header, first, second = path.read_bytes().splitlines()
    path.write_bytes(header + b"\r\n" + first + b"\r\n" + second + b"\n")
    assert _read_error(installation) == (
        "tlv.csv: line 3 ends in LF where line 1 ends in CRLF (mixed line endings); save the "
        "file with one kind of line ending"
    )


def test_a_repeated_unknown_column_is_ignored(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "inschrijvingen.csv"
    header, *rows = path.read_text().splitlines()
    path.write_text(
        "\n".join([f"{header};OPMERKING;OPMERKING", *(f"{row};a;b" for row in rows)]) + "\n"
    )
    report = installation.run()
    assert report.files["inschrijvingen"].rijen_geaccepteerd == 3


def test_a_ragged_line_with_a_repeated_unknown_column_counts_right(
    installation: Installation,
) -> None:
    installation.write_extract()
    path = installation.extract_dir / "inschrijvingen.csv"
    header, first, *_ = path.read_text().splitlines()
    path.write_text(f"{header};OPMERKING;OPMERKING\n{first};a;b\n{first};a\n")
    assert _read_error(installation) == (
        "inschrijvingen.csv: not a semicolon-separated table "
        "(line 3 has 11 fields where the header has 12)"
    )


def test_a_blank_first_line(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    path.write_text("\n" + path.read_text())
    assert (
        _read_error(installation) == "tlv.csv: line 1 is blank: the header must be the first line"
    )


def test_rows_keep_their_lines_past_a_row_group(installation: Installation) -> None:
    """DuckDB writes tables in row groups of 122,880 rows, in parallel: order must still hold."""
    rows = 130_000
    installation.write_extract()
    path = installation.extract_dir / "inschrijvingen.csv"
    header, row = path.read_text().splitlines()[:2]
    broken = 125_000  # in the second row group: its line and value are found by rowid
    body = "".join(
        f"{'-' if i == broken else ''}I{i};{row.split(';', 1)[1]}\n" for i in range(rows)
    )
    path.write_text(f"{header}\n{body}")
    installation.run()
    wrong = installation.con.execute(
        "SELECT count(*) FROM validated_inschrijvingen "
        "WHERE INSCHRIJVING_ID <> 'I' || (BRON_REGEL - 2)"
    ).fetchall()
    assert wrong == [(0,)]
    assert [(row["REGEL"], row["KOLOM"], row["WAARDE"]) for row in installation.quarantine()] == [
        (broken + 2, "INSCHRIJVING_ID", f"-I{broken}")
    ]

"""The CSV dialect, the Parquet stand-in, the seed cases and what the tables hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rod_pipeline.contract import (
    RULES,
    TABLES,
    ContractError,
    Inschrijvingen,
    RegioIndeling,
    Samenwerkingsverbanden,
    Teldata,
    Tlv,
    Vestigingen,
    file_columns,
    read_extract,
)
from rod_pipeline.contract.models import ContractModel, rule_sql
from rod_pipeline_tests.contract.installation import (
    FEW_ROWS,
    INSCHRIJVING,
    PEILDATUM,
    TLV,
    Installation,
    seed_rows,
    write_csv,
    write_parquet,
)

MODELS = [Inschrijvingen, Tlv, Samenwerkingsverbanden, RegioIndeling, Vestigingen, Teldata]


def test_seed_cases_load_without_quarantine(installation: Installation) -> None:
    installation.write_extract()
    report = installation.run()
    assert installation.quarantine() == []
    assert {name: (f.rijen_gelezen, f.rijen_geaccepteerd) for name, f in report.files.items()} == {
        "inschrijvingen": (3, 3),
        "tlv": (2, 2),
    }
    rows = installation.con.execute(
        "SELECT INSCHRIJVING_ID, POSTCODE_LEERLING, DATUM_INSCHRIJVING, BRON_REGEL "
        "FROM validated_inschrijvingen ORDER BY BRON_REGEL"
    ).fetchall()
    assert rows == [
        ("2459428", "7691AB", dt.date(2021, 8, 1), 2),
        ("PAR705271", "7692CD", dt.date(2024, 8, 1), 3),
        ("PAR705272", "7693EF", dt.date(2024, 8, 1), 4),
    ]


# The brief's table definitions, written out here independently of the code.
EXPECTED_TYPES = {
    "validated_inschrijvingen": "DATE BIGINT VARCHAR VARCHAR VARCHAR VARCHAR VARCHAR VARCHAR DATE "
    "DATE VARCHAR DATE",
    "validated_tlv": "DATE BIGINT VARCHAR VARCHAR VARCHAR VARCHAR VARCHAR DATE DATE",
    "ref_samenwerkingsverbanden": "DATE VARCHAR VARCHAR",
    "ref_regio_indeling": "DATE VARCHAR VARCHAR VARCHAR VARCHAR",
    "ref_vestigingen": "DATE VARCHAR VARCHAR VARCHAR INTEGER VARCHAR VARCHAR",
    "ref_teldata": "DATE DATE DATE DATE",
    "quarantine": "DATE VARCHAR BIGINT VARCHAR VARCHAR VARCHAR VARCHAR",
    "input_files": "DATE VARCHAR VARCHAR VARCHAR BIGINT BIGINT BIGINT VARCHAR[]",
    "extract_acceptances": "DATE VARCHAR VARCHAR VARCHAR VARCHAR TIMESTAMP WITH TIME ZONE",
}


def test_table_types_are_exactly_the_contract(installation: Installation) -> None:
    installation.write_extract()
    installation.run()
    assert set(TABLES) == set(EXPECTED_TYPES)
    for table, types in EXPECTED_TYPES.items():
        described = installation.con.execute(f"DESCRIBE {table}").fetchall()
        assert " ".join(row[1] for row in described) == types, table


def test_both_date_formats_and_a_bom(installation: Installation) -> None:
    rows = [
        {**INSCHRIJVING, "INSCHRIJVING_ID": "A", "DATUM_INSCHRIJVING": "2024-08-01"},
        {**INSCHRIJVING, "INSCHRIJVING_ID": "B", "DATUM_INSCHRIJVING": "1-8-2024"},
        {**INSCHRIJVING, "INSCHRIJVING_ID": "C", "DATUM_INSCHRIJVING": "01-08-2024"},
        {**INSCHRIJVING, "INSCHRIJVING_ID": "D", "DATUM_INSCHRIJVING": "29-2-2024"},
    ]
    installation.write_extract(inschrijvingen=rows)
    path = installation.extract_dir / "inschrijvingen.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    installation.run()
    assert installation.quarantine() == []
    dates = installation.con.execute(
        "SELECT DATUM_INSCHRIJVING FROM validated_inschrijvingen ORDER BY INSCHRIJVING_ID"
    ).fetchall()
    assert dates == [(dt.date(2024, 8, 1),)] * 3 + [(dt.date(2024, 2, 29),)]


def test_column_order_extra_columns_whitespace_and_absent_optional_columns(
    installation: Installation,
) -> None:
    columns = ["OPMERKING", *reversed([c for c in INSCHRIJVING if c != "REGISTRATIEDATUM"])]
    spaced = {name: f"  {value} " if value else " " for name, value in INSCHRIJVING.items()}
    path = write_csv(
        installation.extract_dir / "inschrijvingen.csv",
        [{**spaced, "OPMERKING": "vrije tekst; nee"[:10]}],
        columns,
    )
    header, row = path.read_text().splitlines()
    path.write_text(" ; ".join(header.split(";")) + "\n" + row + "\n")
    write_csv(installation.extract_dir / "tlv.csv", [TLV])
    installation.run()
    assert installation.quarantine() == []
    row_read = installation.con.execute(
        "SELECT INSCHRIJVING_ID, POSTCODE_LEERLING, DATUM_UITSCHRIJVING, REGISTRATIEDATUM, "
        "BEKOSTIGINGSCATEGORIE FROM validated_inschrijvingen"
    ).fetchall()
    assert row_read == [("NIEUW1", "7692CD", None, None, "LAAG")]


def test_quoted_fields(installation: Installation) -> None:
    installation.write_extract()
    path = installation.extract_dir / "tlv.csv"
    header, *rows = path.read_text().splitlines()
    quoted = [";".join(f'"{field}"' for field in row.split(";")) for row in rows]
    path.write_text("\n".join([header, *quoted]) + "\n")
    installation.run()
    assert installation.quarantine() == []


def test_parquet_stands_in_for_csv(installation: Installation) -> None:
    rows = [INSCHRIJVING, {**INSCHRIJVING, "INSCHRIJVING_ID": "N2", "RESIDENTIEEL": "XXX"}]
    write_parquet(installation.extract_dir / "inschrijvingen.parquet", rows)
    write_parquet(installation.extract_dir / "tlv.parquet", [TLV])
    report = installation.run(accept=FEW_ROWS)
    assert report.files["inschrijvingen"].bestand == "inschrijvingen.parquet"
    assert installation.quarantine() == [
        {
            "BESTAND": "inschrijvingen.parquet",
            "REGEL": 3,
            "KOLOM": "RESIDENTIEEL",
            "REGEL_CODE": "RESIDENTIEEL_GELDIG",
            "WAARDE": "XXX",
        }
    ]


def test_parquet_missing_required_column(installation: Installation) -> None:
    installation.write_extract()
    (installation.extract_dir / "tlv.csv").unlink()
    write_parquet(
        installation.extract_dir / "tlv.parquet",
        [{k: v for k, v in TLV.items() if k != "SOORT_TLV"}],
    )
    with pytest.raises(ContractError, match=r"^tlv.parquet: required column SOORT_TLV is missing$"):
        read_extract(installation.con, installation.extract_dir, PEILDATUM)


def test_quarantine_file_and_input_files(installation: Installation) -> None:
    rows = [INSCHRIJVING, {**INSCHRIJVING, "INSCHRIJVING_ID": "N2", "VESTIGING": "99ZZ99"}]
    installation.write_extract(inschrijvingen=rows)
    report = installation.run(accept=FEW_ROWS)
    path = installation.quarantine_dir / "peildatum=2025-03-15" / "quarantine.parquet"
    assert report.quarantine_path == path
    metadata = pq.ParquetFile(path).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    table = pq.read_table(path)
    assert table.column_names == [
        "PEILDATUM",
        "BESTAND",
        "REGEL",
        "KOLOM",
        "REGEL_CODE",
        "OMSCHRIJVING",
        "WAARDE",
    ]
    assert table.to_pylist() == [
        {
            "PEILDATUM": PEILDATUM,
            "BESTAND": "inschrijvingen.csv",
            "REGEL": 3,
            "KOLOM": "VESTIGING",
            "REGEL_CODE": "VESTIGING_BEKEND",
            "OMSCHRIJVING": RULES["VESTIGING_BEKEND"],
            "WAARDE": "99ZZ99",
        }
    ]
    assert [p.name for p in path.parent.iterdir()] == ["quarantine.parquet"]
    files = installation.con.execute(
        "SELECT BESTAND, RIJEN_GELEZEN, RIJEN_GEACCEPTEERD, RIJEN_GEQUARANTAINEERD, length(SHA256) "
        "FROM input_files WHERE BESTAND IN ('inschrijvingen.csv', 'tlv.csv') ORDER BY BESTAND"
    ).fetchall()
    assert files == [("inschrijvingen.csv", 2, 1, 1, 64), ("tlv.csv", 2, 2, 0, 64)]


def test_a_peildatum_replaces_its_own_rows_and_keeps_others(installation: Installation) -> None:
    installation.write_extract()
    installation.run()
    installation.run(dt.date(2025, 5, 1))  # the same files as another peildatum
    installation.write_extract(inschrijvingen=[INSCHRIJVING])
    installation.run()
    counts = installation.con.execute(
        "SELECT PEILDATUM, count(*) FROM validated_inschrijvingen GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert counts == [(PEILDATUM, 1), (dt.date(2025, 5, 1), 3)]
    refs = installation.con.execute(
        "SELECT count(*) FROM ref_vestigingen WHERE PEILDATUM = $p", {"p": PEILDATUM}
    ).fetchone()
    assert refs == (2,)


def test_validate_needs_the_extract_of_its_own_peildatum(installation: Installation) -> None:
    from rod_pipeline.contract import load_reference, validate_extract

    installation.write_extract()
    installation.run()
    other = dt.date(2025, 5, 1)
    load_reference(installation.con, installation.reference_dir, other)
    read_extract(installation.con, installation.extract_dir, other)
    with pytest.raises(ValueError, match="read_extract again"):
        validate_extract(installation.con, PEILDATUM, installation.quarantine_dir)


def test_no_personal_data_in_errors_or_report_counts(installation: Installation) -> None:
    broken = {**INSCHRIJVING, "ONDERWIJSNUMMER": "987654321", "POSTCODE_LEERLING": "9999-ZZ"}
    installation.write_extract(inschrijvingen=[INSCHRIJVING, broken])
    report = installation.run(accept=FEW_ROWS)
    text = repr(report.files["inschrijvingen"].rijen_per_regel) + repr(report)
    assert "987654321" not in text and "9999" not in text
    path = installation.extract_dir / "inschrijvingen.csv"
    path.write_bytes(path.read_bytes().replace(b"9999-ZZ", b"9999-\xff"))
    with pytest.raises(ContractError) as raised:
        read_extract(installation.con, installation.extract_dir, PEILDATUM)
    assert "9999" not in str(raised.value) and "987654321" not in str(raised.value)
    path.write_text(path.read_text(errors="replace") + "987654321;1\n")
    with pytest.raises(ContractError) as raised:
        read_extract(installation.con, installation.extract_dir, PEILDATUM)
    assert "987654321" not in str(raised.value)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_models_describe_every_file_column_and_name_known_rules(
    model: type[ContractModel],
) -> None:
    schema = model.to_schema()
    for name in file_columns(model):
        assert schema.columns[name].description, name
        assert schema.columns[name].metadata["regel"] in (None, *RULES)
    for name in rule_sql(model):
        assert schema.columns[name].metadata["regel"] in RULES
        assert schema.columns[name].metadata["kolom"] in file_columns(model)


def test_seed_reference_columns_match_models() -> None:
    for model, relative in [
        (Vestigingen, "reference/vestigingen.csv"),
        (Teldata, "reference/teldata.csv"),
        (Inschrijvingen, "inbox/2025-03-15/inschrijvingen.csv"),
        (Tlv, "inbox/2025-03-15/tlv.csv"),
    ]:
        assert list(seed_rows(relative)[0]) == file_columns(model)


@pytest.mark.shared
def test_real_regio_indeling_loads(installation: Installation) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not (shared / "regio_indeling_2013.csv").is_file():
        pytest.skip("../shared/data is absent")
    for name in ("regio_indeling", "samenwerkingsverbanden"):
        target = installation.reference_dir / f"{name}.csv"
        target.write_bytes((shared / f"{name}_2013.csv").read_bytes())
    vestigingen = installation.reference_dir / "vestigingen.csv"
    vestigingen.write_text(vestigingen.read_text().replace(";PO2202", ";PO2203"))
    from rod_pipeline.contract import load_reference

    reports = load_reference(installation.con, installation.reference_dir, PEILDATUM)
    assert reports["regio_indeling"].rijen_gelezen == 4046


def test_raw_files_are_views_on_the_delivered_files(
    installation: Installation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation.write_extract()
    monkeypatch.chdir(installation.root)
    read_extract(installation.con, Path("inbox") / PEILDATUM.isoformat(), PEILDATUM)
    kinds = installation.con.sql(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_name LIKE 'raw%' ORDER BY table_name"
    ).fetchall()
    assert kinds == [("raw_inschrijvingen", "VIEW"), ("raw_tlv", "VIEW")]
    monkeypatch.chdir(tmp_path)  # a relative path would now point elsewhere
    lines = installation.con.sql("SELECT BRON_REGEL, TLV_NUMMER FROM raw_tlv ORDER BY 1").fetchall()
    rows = seed_rows("inbox/2025-03-15/tlv.csv")
    assert lines == [(line, row["TLV_NUMMER"]) for line, row in enumerate(rows, start=2)]

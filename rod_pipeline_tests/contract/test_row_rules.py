"""Each row rule: a broken row is quarantined with file, line, column, rule and raw value."""

from __future__ import annotations

import pytest

from rod_pipeline.contract import RULES
from rod_pipeline_tests.contract.installation import FEW_ROWS, INSCHRIJVING, TLV, Installation

# (changes to a valid row, column, rule, value in the quarantine)
INSCHRIJVING_CASES = [
    ({"INSCHRIJVING_ID": ""}, "INSCHRIJVING_ID", "VERPLICHT", None),
    ({"ONDERWIJSNUMMER": "123456789"}, "ONDERWIJSNUMMER", "ONDERWIJSNUMMER_GELDIG", "123456789"),
    ({"ONDERWIJSNUMMER": "12345678"}, "ONDERWIJSNUMMER", "ONDERWIJSNUMMER_GELDIG", "12345678"),
    ({"ONDERWIJSNUMMER": "1234567x2"}, "ONDERWIJSNUMMER", "ONDERWIJSNUMMER_GELDIG", "1234567x2"),
    ({"ONDERWIJSNUMMER": "100000013"}, "ONDERWIJSNUMMER", "ONDERWIJSNUMMER_GELDIG", "100000013"),
    ({"ONDERWIJSNUMMER": ""}, "ONDERWIJSNUMMER", "VERPLICHT", None),
    ({"VESTIGING": "0SU000"}, "VESTIGING", "VESTIGING_FORMAAT", "0SU000"),
    ({"VESTIGING": "00JH00"}, "VESTIGING", "VESTIGING_BEKEND", "00JH00"),
    ({"VESTIGING": "99ZZ99"}, "VESTIGING", "VESTIGING_BEKEND", "99ZZ99"),
    ({"ONDERWIJSSOORT": "PRO"}, "ONDERWIJSSOORT", "ONDERWIJSSOORT_GELDIG", "PRO"),
    ({"ONDERWIJSSOORT": ""}, "ONDERWIJSSOORT", "VERPLICHT", None),
    ({"BEKOSTIGINGSCATEGORIE": ""}, "BEKOSTIGINGSCATEGORIE", "CATEGORIE_VERPLICHT", None),
    ({"BEKOSTIGINGSCATEGORIE": "ZWAAR"}, "BEKOSTIGINGSCATEGORIE", "CATEGORIE_GELDIG", "ZWAAR"),
    (
        {"VESTIGING": "00JH00", "ONDERWIJSSOORT": "SBO"},
        "BEKOSTIGINGSCATEGORIE",
        "CATEGORIE_NIET_TOEGESTAAN",
        "LAAG",
    ),
    ({"POSTCODE_LEERLING": "7692-CD"}, "POSTCODE_LEERLING", "POSTCODE_FORMAAT", "7692-CD"),
    ({"POSTCODE_LEERLING": "7692  CD"}, "POSTCODE_LEERLING", "POSTCODE_FORMAAT", "7692  CD"),
    ({"DATUM_INSCHRIJVING": ""}, "DATUM_INSCHRIJVING", "VERPLICHT", None),
    ({"DATUM_INSCHRIJVING": "31-2-2024"}, "DATUM_INSCHRIJVING", "DATUM_GELDIG", "31-2-2024"),
    ({"DATUM_INSCHRIJVING": "2023-02-29"}, "DATUM_INSCHRIJVING", "DATUM_GELDIG", "2023-02-29"),
    ({"DATUM_INSCHRIJVING": "1-8-24"}, "DATUM_INSCHRIJVING", "DATUM_GELDIG", "1-8-24"),
    ({"DATUM_INSCHRIJVING": "01/08/2024"}, "DATUM_INSCHRIJVING", "DATUM_GELDIG", "01/08/2024"),
    ({"DATUM_UITSCHRIJVING": "2024-13-01"}, "DATUM_UITSCHRIJVING", "DATUM_GELDIG", "2024-13-01"),
    (
        {"DATUM_UITSCHRIJVING": "31-7-2024"},
        "DATUM_UITSCHRIJVING",
        "NIET_VOOR_INSCHRIJVING",
        "31-7-2024",
    ),
    ({"RESIDENTIEEL": "IJ"}, "RESIDENTIEEL", "RESIDENTIEEL_GELDIG", "IJ"),
    ({"REGISTRATIEDATUM": "gisteren"}, "REGISTRATIEDATUM", "DATUM_GELDIG", "gisteren"),
]

TLV_CASES = [
    ({"TLV_NUMMER": ""}, "TLV_NUMMER", "VERPLICHT", None),
    ({"TLV_NUMMER": "PO2304-24-99999"}, "TLV_NUMMER", "TLV_NUMMER_FORMAAT", "PO2304-24-99999"),
    (
        {"TLV_NUMMER": "PO2202-2024-99999"},
        "TLV_NUMMER",
        "TLV_NUMMER_VAN_SWV",
        "PO2202-2024-99999",
    ),
    ({"ONDERWIJSNUMMER": "123456780"}, "ONDERWIJSNUMMER", "ONDERWIJSNUMMER_GELDIG", "123456780"),
    ({"SWV_CODE": ""}, "SWV_CODE", "VERPLICHT", None),
    ({"SWV_CODE": "P2304"}, "SWV_CODE", "SWV_FORMAAT", "P2304"),
    (
        {"SWV_CODE": "PO9999", "TLV_NUMMER": "PO9999-2024-1"},
        "SWV_CODE",
        "SWV_BEKEND",
        "PO9999",
    ),
    ({"SOORT_TLV": "VSO"}, "SOORT_TLV", "SOORT_TLV_GELDIG", "VSO"),
    (
        {
            "SOORT_TLV": "SBO",
            "SWV_CODE": "VO2307",
            "TLV_NUMMER": "VO2307-2024-1",
            "BEKOSTIGINGSCATEGORIE": "",
        },
        "SOORT_TLV",
        "SBO_ALLEEN_PO",
        "SBO",
    ),
    ({"BEKOSTIGINGSCATEGORIE": ""}, "BEKOSTIGINGSCATEGORIE", "CATEGORIE_VERPLICHT", None),
    ({"BEKOSTIGINGSCATEGORIE": "laag"}, "BEKOSTIGINGSCATEGORIE", "CATEGORIE_GELDIG", "laag"),
    ({"SOORT_TLV": "SBO"}, "BEKOSTIGINGSCATEGORIE", "CATEGORIE_NIET_TOEGESTAAN", "LAAG"),
    ({"BEGINDATUM": ""}, "BEGINDATUM", "VERPLICHT", None),
    ({"BEGINDATUM": "30-2-2024"}, "BEGINDATUM", "DATUM_GELDIG", "30-2-2024"),
    ({"EINDDATUM": "2026-07-32"}, "EINDDATUM", "DATUM_GELDIG", "2026-07-32"),
    ({"EINDDATUM": "31-7-2024"}, "EINDDATUM", "NIET_VOOR_BEGINDATUM", "31-7-2024"),
]


def _only_quarantined(installation: Installation, bestand: str, expected: dict) -> None:
    report = installation.run(accept=FEW_ROWS)
    assert installation.quarantine() == [{"BESTAND": bestand, **expected}]
    assert expected["REGEL_CODE"] in RULES
    name = bestand.removesuffix(".csv")
    file_report = report.files[name]
    assert file_report.rijen_gequarantaineerd == 1
    assert file_report.rijen_per_regel == {expected["REGEL_CODE"]: 1}
    assert file_report.rijen_gelezen == (file_report.rijen_geaccepteerd or 0) + 1


@pytest.mark.parametrize(("change", "kolom", "regel", "waarde"), INSCHRIJVING_CASES)
def test_broken_enrolment_is_quarantined(
    installation: Installation, change: dict, kolom: str, regel: str, waarde: str | None
) -> None:
    installation.write_extract(
        inschrijvingen=[INSCHRIJVING, {**INSCHRIJVING, "INSCHRIJVING_ID": "N2", **change}]
    )
    expected = {"REGEL": 3, "KOLOM": kolom, "REGEL_CODE": regel, "WAARDE": waarde}
    _only_quarantined(installation, "inschrijvingen.csv", expected)
    accepted = installation.con.sql("SELECT INSCHRIJVING_ID FROM validated_inschrijvingen")
    assert accepted.fetchall() == [("NIEUW1",)]


@pytest.mark.parametrize(("change", "kolom", "regel", "waarde"), TLV_CASES)
def test_broken_tlv_is_quarantined(
    installation: Installation, change: dict, kolom: str, regel: str, waarde: str | None
) -> None:
    other = {**TLV, "TLV_NUMMER": "PO2304-2024-1"}
    installation.write_extract(tlv=[other, {**TLV, **change}])
    expected = {"REGEL": 3, "KOLOM": kolom, "REGEL_CODE": regel, "WAARDE": waarde}
    _only_quarantined(installation, "tlv.csv", expected)


def test_every_row_sharing_a_duplicate_id_is_quarantined(installation: Installation) -> None:
    rows = [INSCHRIJVING, {**INSCHRIJVING, "INSCHRIJVING_ID": "N2"}, INSCHRIJVING]
    tlvs = [TLV, {**TLV, "TLV_NUMMER": "PO2304-2024-1"}, TLV]
    installation.write_extract(inschrijvingen=rows, tlv=tlvs)
    report = installation.run(accept=FEW_ROWS)
    assert installation.quarantine() == [
        {"BESTAND": b, "REGEL": line, "KOLOM": k, "REGEL_CODE": "UNIEK", "WAARDE": v}
        for b, k, v in [
            ("inschrijvingen.csv", "INSCHRIJVING_ID", "NIEUW1"),
            ("tlv.csv", "TLV_NUMMER", "PO2304-2024-99999"),
        ]
        for line in (2, 4)
    ]
    assert report.files["inschrijvingen"].rijen_geaccepteerd == 1
    assert report.files["tlv"].rijen_geaccepteerd == 1


def test_a_row_breaking_several_rules_is_listed_per_rule_and_counted_once(
    installation: Installation,
) -> None:
    broken = {**INSCHRIJVING, "ONDERWIJSNUMMER": "1", "POSTCODE_LEERLING": "x", "RESIDENTIEEL": "?"}
    installation.write_extract(inschrijvingen=[broken])
    report = installation.run(accept=FEW_ROWS).files["inschrijvingen"]
    assert [row["REGEL_CODE"] for row in installation.quarantine()] == [
        "ONDERWIJSNUMMER_GELDIG",
        "POSTCODE_FORMAAT",
        "RESIDENTIEEL_GELDIG",
    ]
    assert (report.rijen_gelezen, report.rijen_geaccepteerd, report.rijen_gequarantaineerd) == (
        1,
        0,
        1,
    )
    assert report.rijen_per_regel == {
        "ONDERWIJSNUMMER_GELDIG": 1,
        "POSTCODE_FORMAAT": 1,
        "RESIDENTIEEL_GELDIG": 1,
    }


def test_onderwijsnummer_with_remainder_five_is_valid(installation: Installation) -> None:
    # 1*9 + 0*8 + ... + 0*2 - 4 = 5: an onderwijsnummer; the same sum without the 10 is not.
    rows = [
        {**INSCHRIJVING, "ONDERWIJSNUMMER": "100000004"},
        {**INSCHRIJVING, "INSCHRIJVING_ID": "N2", "ONDERWIJSNUMMER": "200000013"},
    ]
    installation.write_extract(inschrijvingen=rows)
    installation.run(accept=FEW_ROWS)
    assert [(row["REGEL"], row["REGEL_CODE"]) for row in installation.quarantine()] == [
        (3, "ONDERWIJSNUMMER_GELDIG")
    ]

"""R4, R5 and R9: which TLV fits, which one decides, and which unused one is shown."""

from __future__ import annotations

from datetime import date

import pytest

from rod_pipeline_tests.rulebook.relations import DAY, T, charged, run_rulebook, the_charged_row

TLV_COLUMNS = [
    "SAMENWERKINGSVERBAND",
    "WIJZE_VAN_BEPALING_SWV",
    "TLV_NUMMER",
    "TLV_BEGINDATUM",
    "TLV_EINDDATUM",
    "TLV_GEBRUIKT",
    "TLV_NIET_GEBRUIKT_REDEN",
    "SIGNALERINGEN",
]


def _tlv_columns(row):
    return {column: row[column] for column in TLV_COLUMNS}


def _used(number, begin=date(2024, 8, 1), end=date(2026, 7, 31), flags=None, swv="PO0004"):
    return {
        "SAMENWERKINGSVERBAND": swv,
        "WIJZE_VAN_BEPALING_SWV": "TLV",
        "TLV_NUMMER": number,
        "TLV_BEGINDATUM": begin,
        "TLV_EINDDATUM": end,
        "TLV_GEBRUIKT": "Ja",
        "TLV_NIET_GEBRUIKT_REDEN": None,
        "SIGNALERINGEN": flags,
    }


def _unused(number, begin, end, reason):
    return {
        "SAMENWERKINGSVERBAND": "PO0003",  # R7 the home partnership (PC4 1000)
        "WIJZE_VAN_BEPALING_SWV": "Woonplaats leerling",
        "TLV_NUMMER": number,
        "TLV_BEGINDATUM": begin,
        "TLV_EINDDATUM": end,
        "TLV_GEBRUIKT": "Nee",
        "TLV_NIET_GEBRUIKT_REDEN": reason,
        "SIGNALERINGEN": None,
    }


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        (T, date(2026, 7, 31)),  # R4 starts on T
        (T - DAY, date(2026, 7, 31)),
        (date(2024, 8, 1), T),  # R4 ends on T
        (date(2024, 8, 1), T + DAY),
        (T, T),
        (date(2020, 8, 1), None),  # R4 indefinite
    ],
)
def test_r4_r5_a_tlv_valid_on_t_decides(begin, end):
    result = run_rulebook(
        [{}], [{"TLV_NUMMER": "PO0004-2024-1", "BEGINDATUM": begin, "EINDDATUM": end}]
    )
    assert _tlv_columns(the_charged_row(result)) == _used("PO0004-2024-1", begin, end)


def test_r9_a_tlv_ending_the_day_before_t_has_expired():
    end = T - DAY
    result = run_rulebook([{}], [{"TLV_NUMMER": "PO0004-2024-1", "EINDDATUM": end}])
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2024-1", date(2024, 8, 1), end, "VERLOPEN"
    )


def test_r9_a_tlv_starting_the_day_after_t_is_not_yet_valid():
    begin = T + DAY
    result = run_rulebook([{}], [{"TLV_NUMMER": "PO0004-2024-1", "BEGINDATUM": begin}])
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2024-1", begin, date(2026, 7, 31), "NOG_NIET_GELDIG"
    )


@pytest.mark.parametrize(
    ("soort", "tlv", "fits"),
    [
        ("SBO", {"SOORT_TLV": "SBO", "SWV_CODE": "PO0004"}, True),
        ("SBO", {"SOORT_TLV": "SO_VSO", "SWV_CODE": "PO0004"}, False),
        ("SO", {"SOORT_TLV": "SO_VSO", "SWV_CODE": "PO0004"}, True),
        ("SO", {"SOORT_TLV": "SBO", "SWV_CODE": "PO0004"}, False),
        ("SO", {"SOORT_TLV": "SO_VSO", "SWV_CODE": "VO0004"}, False),  # from a VO-SWV
        ("VSO", {"SOORT_TLV": "SO_VSO", "SWV_CODE": "VO0004"}, True),
        ("VSO", {"SOORT_TLV": "SO_VSO", "SWV_CODE": "PO0004"}, False),
    ],
)
def test_r4_the_kind_of_tlv_must_match_the_enrolment(soort, tlv, fits):
    row = the_charged_row(run_rulebook([{"ONDERWIJSSOORT": soort}], [tlv]))
    assert (row["WIJZE_VAN_BEPALING_SWV"] == "TLV") is fits
    # R9 a TLV of another kind is not shown either
    assert (row["TLV_NUMMER"] is not None) is fits


def test_r4_another_pupils_tlv_does_not_fit():
    row = the_charged_row(run_rulebook([{}], [{"ONDERWIJSNUMMER": "100000002"}]))
    assert row["WIJZE_VAN_BEPALING_SWV"] == "Woonplaats leerling"
    assert row["TLV_NUMMER"] is None
    assert row["TLV_GEBRUIKT"] is None


def test_r5_several_valid_tlvs_the_latest_begin_decides_and_is_flagged():
    result = run_rulebook(
        [{}],
        [
            {"TLV_NUMMER": "PO0004-2024-9", "BEGINDATUM": date(2024, 8, 1)},
            {"TLV_NUMMER": "PO0002-2024-1", "BEGINDATUM": date(2024, 9, 1), "EINDDATUM": None},
            {"TLV_NUMMER": "PO0003-2024-5", "BEGINDATUM": date(2023, 8, 1)},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _used(
        "PO0002-2024-1", date(2024, 9, 1), None, "MEERDERE_GELDIGE_TLV", swv="PO0002"
    )


def test_r5_several_valid_tlvs_tie_on_begin_the_greatest_number_as_text_decides():
    result = run_rulebook([{}], [{"TLV_NUMMER": "PO0004-2024-10"}, {"TLV_NUMMER": "PO0004-2024-9"}])
    assert _tlv_columns(the_charged_row(result)) == _used(
        "PO0004-2024-9", flags="MEERDERE_GELDIGE_TLV"
    )


def test_r5_an_invalid_tlv_beside_a_valid_one_is_no_second_valid_tlv():
    result = run_rulebook(
        [{}],
        [{"TLV_NUMMER": "PO0004-2024-1"}, {"TLV_NUMMER": "PO0002-2022-1", "EINDDATUM": T - DAY}],
    )
    assert _tlv_columns(the_charged_row(result)) == _used("PO0004-2024-1")


def test_r9_an_expired_tlv_is_shown_before_a_not_yet_valid_one():
    result = run_rulebook(
        [{}],
        [
            {
                "TLV_NUMMER": "PO0004-2022-1",
                "BEGINDATUM": date(2022, 8, 1),
                "EINDDATUM": date(2023, 7, 31),
            },
            {"TLV_NUMMER": "PO0004-2025-1", "BEGINDATUM": T + DAY, "EINDDATUM": None},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2022-1", date(2022, 8, 1), date(2023, 7, 31), "VERLOPEN"
    )


def test_r9_of_the_expired_tlvs_the_latest_end_is_shown():
    result = run_rulebook(
        [{}],
        [
            {
                "TLV_NUMMER": "PO0004-2023-9",
                "BEGINDATUM": date(2023, 8, 1),
                "EINDDATUM": T - 10 * DAY,
            },
            {"TLV_NUMMER": "PO0004-2021-1", "BEGINDATUM": date(2021, 8, 1), "EINDDATUM": T - DAY},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2021-1", date(2021, 8, 1), T - DAY, "VERLOPEN"
    )


def test_r9_expired_tie_on_end_the_greatest_number_as_text_is_shown():
    result = run_rulebook(
        [{}],
        [
            {"TLV_NUMMER": "PO0004-2023-10", "BEGINDATUM": date(2021, 8, 1), "EINDDATUM": T - DAY},
            {"TLV_NUMMER": "PO0004-2023-9", "BEGINDATUM": date(2023, 8, 1), "EINDDATUM": T - DAY},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2023-9", date(2023, 8, 1), T - DAY, "VERLOPEN"
    )


def test_r9_of_the_not_yet_valid_tlvs_the_earliest_begin_is_shown():
    result = run_rulebook(
        [{}],
        [
            {"TLV_NUMMER": "PO0004-2025-1", "BEGINDATUM": T + 10 * DAY},
            {"TLV_NUMMER": "PO0004-2025-2", "BEGINDATUM": T + DAY, "EINDDATUM": None},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2025-2", T + DAY, None, "NOG_NIET_GELDIG"
    )


def test_r9_not_yet_valid_tie_on_begin_the_greatest_number_as_text_is_shown():
    result = run_rulebook(
        [{}],
        [
            {"TLV_NUMMER": "PO0004-2025-10", "BEGINDATUM": T + DAY},
            {"TLV_NUMMER": "PO0004-2025-9", "BEGINDATUM": T + DAY, "EINDDATUM": date(2025, 7, 31)},
        ],
    )
    assert _tlv_columns(the_charged_row(result)) == _unused(
        "PO0004-2025-9", T + DAY, date(2025, 7, 31), "NOG_NIET_GELDIG"
    )


def test_r9_without_any_tlv_the_tlv_columns_are_empty():
    row = the_charged_row(run_rulebook([{}]))
    assert {c: row[c] for c in TLV_COLUMNS[2:]} == dict.fromkeys(TLV_COLUMNS[2:])


def test_r4_r5_each_enrolment_gets_its_own_tlv():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "A", "ONDERWIJSSOORT": "SO"},
            {"INSCHRIJVING_ID": "B", "ONDERWIJSSOORT": "VSO"},
        ],
        [
            {"TLV_NUMMER": "PO0004-2024-1"},
            {"TLV_NUMMER": "VO0004-2024-1", "BEKOSTIGINGSCATEGORIE": "HOOG"},
        ],
    )
    rows = charged(result)
    assert rows["A"]["TLV_NUMMER"] == "PO0004-2024-1"
    assert rows["B"]["TLV_NUMMER"] == "VO0004-2024-1"
    assert rows["B"]["SAMENWERKINGSVERBAND"] == "VO0004"
    assert rows["B"]["BEKOSTIGINGSCATEGORIE"] == "SO_VSO_HOOG"

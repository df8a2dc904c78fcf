"""Dashboard 1a: the charged counts and R11, the pupil base."""

from __future__ import annotations

from datetime import date

from rod_pipeline_tests.rulebook.relations import (
    DAY,
    DEADLINE,
    SAMENWERKINGSVERBANDEN,
    VESTIGINGEN,
    T,
    run_rulebook,
)


def _base(result):
    return {
        row["SAMENWERKINGSVERBAND"]: row["AANTAL"]
        for row in result.counts.to_pylist()
        if row["TELLING"] == "LEERLINGBASIS"
    }


def _ten_laste(result):
    return {
        (
            row["SAMENWERKINGSVERBAND"],
            row["BEKOSTIGINGSCATEGORIE"],
            row["WIJZE_VAN_BEPALING_SWV"],
        ): (row["AANTAL"])
        for row in result.counts.to_pylist()
        if row["TELLING"] == "TEN_LASTE"
    }


def _zero_base(**counts):
    return {row["SWV_CODE"]: 0 for row in SAMENWERKINGSVERBANDEN} | counts


def _pupil(number):
    return f"1000000{number:02d}"


def test_r11_every_partnership_has_a_pupil_base_row_zero_included():
    result = run_rulebook()
    assert _base(result) == _zero_base()
    assert [row["BEKOSTIGINGSCATEGORIE"] for row in result.counts.to_pylist()] == ["REGULIER"] * 8
    assert {row["WIJZE_VAN_BEPALING_SWV"] for row in result.counts.to_pylist()} == {None}


def test_r11_active_regular_pupils_count_at_their_locations_partnership():
    result = run_rulebook(
        [
            {"ONDERWIJSSOORT": "BAO", "ONDERWIJSNUMMER": _pupil(1)},
            {"ONDERWIJSSOORT": "BAO", "ONDERWIJSNUMMER": _pupil(2), "VESTIGING": "02BA00"},
            {"ONDERWIJSSOORT": "BAO", "ONDERWIJSNUMMER": _pupil(3), "DATUM_INSCHRIJVING": T},
            {"ONDERWIJSSOORT": "VO", "ONDERWIJSNUMMER": _pupil(4), "DATUM_UITSCHRIJVING": T},
            # not counted: inactive, special
            {"ONDERWIJSSOORT": "BAO", "ONDERWIJSNUMMER": _pupil(5), "DATUM_INSCHRIJVING": T + DAY},
            {"ONDERWIJSSOORT": "VO", "ONDERWIJSNUMMER": _pupil(6), "DATUM_UITSCHRIJVING": T - DAY},
            {"ONDERWIJSSOORT": "SBO", "ONDERWIJSNUMMER": _pupil(7)},
        ]
    )
    assert _base(result) == _zero_base(PO0001=2, PO0002=1, VO0002=1)


def test_r11_a_pupil_counts_once_per_sector_at_the_latest_start():
    result = run_rulebook(
        [
            {"ONDERWIJSSOORT": "BAO", "DATUM_INSCHRIJVING": date(2024, 8, 1)},
            {
                "ONDERWIJSSOORT": "BAO",
                "DATUM_INSCHRIJVING": date(2024, 9, 1),
                "VESTIGING": "02BA00",
            },
            {"ONDERWIJSSOORT": "VO"},
        ]
    )
    assert _base(result) == _zero_base(PO0002=1, VO0002=1)


def test_r11_tie_on_start_the_smallest_id_as_text_counts():
    result = run_rulebook(
        [
            {"ONDERWIJSSOORT": "BAO", "INSCHRIJVING_ID": "9"},
            {"ONDERWIJSSOORT": "BAO", "INSCHRIJVING_ID": "10", "VESTIGING": "02BA00"},
        ]
    )
    assert _base(result) == _zero_base(PO0002=1)


def test_r11_registration_after_the_deadline_does_not_count():
    result = run_rulebook(
        [
            {"ONDERWIJSSOORT": "BAO", "ONDERWIJSNUMMER": _pupil(1), "REGISTRATIEDATUM": DEADLINE},
            {
                "ONDERWIJSSOORT": "BAO",
                "ONDERWIJSNUMMER": _pupil(2),
                "REGISTRATIEDATUM": DEADLINE + DAY,
            },
        ]
    )
    assert _base(result) == _zero_base(PO0001=1)


def test_r11_a_late_registration_leaves_the_pupils_other_enrolment_to_count():
    result = run_rulebook(
        [
            {"ONDERWIJSSOORT": "BAO", "DATUM_INSCHRIJVING": date(2024, 8, 1)},
            {
                "ONDERWIJSSOORT": "BAO",
                "VESTIGING": "02BA00",
                "DATUM_INSCHRIJVING": T,
                "REGISTRATIEDATUM": DEADLINE + DAY,
            },
        ]
    )
    assert _base(result) == _zero_base(PO0001=1)


def test_ten_laste_counts_charged_rows_per_category_and_way():
    result = run_rulebook(
        [
            {"ONDERWIJSNUMMER": _pupil(1)},
            {"ONDERWIJSNUMMER": _pupil(2), "BEKOSTIGINGSCATEGORIE": "HOOG"},
            {"ONDERWIJSNUMMER": _pupil(3)},
            {"ONDERWIJSNUMMER": _pupil(4), "POSTCODE_LEERLING": None},
            {"ONDERWIJSNUMMER": _pupil(5), "ONDERWIJSSOORT": "SBO"},
            {"ONDERWIJSNUMMER": _pupil(6), "RESIDENTIEEL": "GJI"},  # not charged
        ],
        [{"ONDERWIJSNUMMER": _pupil(3), "SWV_CODE": "PO0003"}],
    )
    assert _ten_laste(result) == {
        ("PO0003", "SO_VSO_LAAG", "Woonplaats leerling"): 1,
        ("PO0003", "SO_VSO_HOOG", "Woonplaats leerling"): 1,
        ("PO0003", "SO_VSO_LAAG", "TLV"): 1,
        ("PO0003", "SBO", "Woonplaats leerling"): 1,
        ("PO0001", "SO_VSO_LAAG", "Vestiging"): 1,
    }
    assert sum(_ten_laste(result).values()) == result.charged.num_rows


def test_counts_are_sorted_and_named():
    result = run_rulebook(
        [{"ONDERWIJSNUMMER": _pupil(1)}, {"ONDERWIJSNUMMER": _pupil(2), "ONDERWIJSSOORT": "SBO"}]
    )
    keys = [
        (r["SAMENWERKINGSVERBAND"], r["TELLING"], r["BEKOSTIGINGSCATEGORIE"])
        for r in result.counts.to_pylist()
    ]
    assert keys == sorted(keys)
    assert keys[:4] == [
        ("PO0001", "LEERLINGBASIS", "REGULIER"),
        ("PO0002", "LEERLINGBASIS", "REGULIER"),
        ("PO0003", "LEERLINGBASIS", "REGULIER"),
        ("PO0003", "TEN_LASTE", "SBO"),
    ]
    assert {r["SAMENWERKINGSVERBAND_NAAM"] for r in result.counts.to_pylist()} == {
        f"SWV {row['SWV_CODE']}" for row in SAMENWERKINGSVERBANDEN
    }


def test_a_partnership_missing_from_the_reference_is_counted_without_a_name():
    result = run_rulebook(
        [
            {"ONDERWIJSNUMMER": _pupil(1), "ONDERWIJSSOORT": "BAO", "VESTIGING": "09BA00"},
            {"ONDERWIJSNUMMER": _pupil(2), "VESTIGING": "09SO00", "POSTCODE_LEERLING": None},
        ],
        vestigingen=[
            *VESTIGINGEN,
            {**VESTIGINGEN[0], "VESTIGING": "09BA00", "SWV_CODE": "PO9999"},
            {**VESTIGINGEN[3], "VESTIGING": "09SO00", "SWV_CODE": "PO9999"},
        ],
    )
    unnamed = [r for r in result.counts.to_pylist() if r["SAMENWERKINGSVERBAND"] == "PO9999"]
    assert [(r["TELLING"], r["AANTAL"], r["SAMENWERKINGSVERBAND_NAAM"]) for r in unnamed] == [
        ("LEERLINGBASIS", 1, None),
        ("TEN_LASTE", 1, None),
    ]
    assert result.charged.to_pylist()[0]["SAMENWERKINGSVERBAND_NAAM"] is None

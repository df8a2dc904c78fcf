"""R1-R3: which enrolments are active, which can be charged, and why the others are not."""

from __future__ import annotations

from datetime import date

import pytest

from rod_pipeline_tests.rulebook.relations import DAY, DEADLINE, T, charged, reasons, run_rulebook


@pytest.mark.parametrize(
    ("start", "end", "active"),
    [
        (T, None, True),  # R1 starts on T
        (T + DAY, None, False),
        (T - DAY, None, True),
        (date(2024, 8, 1), T, True),  # R1 ends on T: still enrolled that day
        (date(2024, 8, 1), T - DAY, False),
        (date(2024, 8, 1), T + DAY, True),
        (T, T, True),
    ],
)
def test_r1_active_on_t_with_both_dates_inclusive(start, end, active):
    result = run_rulebook([{"DATUM_INSCHRIJVING": start, "DATUM_UITSCHRIJVING": end}])
    assert (result.charged.num_rows == 1) is active
    assert result.niet_toegerekend.num_rows == 0


@pytest.mark.parametrize("soort", ["SBO", "SO", "VSO"])
def test_r2_special_enrolments_are_charged(soort):
    result = run_rulebook([{"ONDERWIJSSOORT": soort}])
    assert charged(result)["I001"]["ONDERWIJSSOORT"] == soort


@pytest.mark.parametrize("soort", ["BAO", "VO"])
def test_r2_regular_enrolments_are_neither_charged_nor_listed(soort):
    result = run_rulebook([{"ONDERWIJSSOORT": soort}])
    assert result.charged.num_rows == 0
    assert result.niet_toegerekend.num_rows == 0


@pytest.mark.parametrize(
    ("enrolment", "reason"),
    [
        ({"ONDERWIJSSOORT": "SO", "VESTIGING": "07CL00"}, "CLUSTER_1_2"),
        ({"ONDERWIJSSOORT": "VSO", "VESTIGING": "08CL00"}, "CLUSTER_1_2"),
        ({"RESIDENTIEEL": "GJI"}, "GESLOTEN_PLAATSING"),
        ({"RESIDENTIEEL": "JJI"}, "GESLOTEN_PLAATSING"),
        ({"ONDERWIJSSOORT": "SBO", "RESIDENTIEEL": "JJI"}, "GESLOTEN_PLAATSING"),
        ({"REGISTRATIEDATUM": DEADLINE + DAY}, "NA_REGISTRATIEDEADLINE"),
        # R3 the first reason in the rulebook's order wins
        ({"VESTIGING": "07CL00", "RESIDENTIEEL": "GJI"}, "CLUSTER_1_2"),
        ({"RESIDENTIEEL": "JJI", "REGISTRATIEDATUM": DEADLINE + DAY}, "GESLOTEN_PLAATSING"),
    ],
)
def test_r3_reasons_not_to_charge(enrolment, reason):
    result = run_rulebook([enrolment])
    assert result.charged.num_rows == 0
    assert reasons(result) == {"I001": reason}


@pytest.mark.parametrize("registered", [DEADLINE, DEADLINE - DAY, None])
def test_r3_registration_on_the_deadline_or_unknown_is_charged(registered):
    result = run_rulebook([{"REGISTRATIEDATUM": registered}])
    assert list(charged(result)) == ["I001"]


def test_r3_registration_deadline_is_the_one_given():
    result = run_rulebook(
        [{"REGISTRATIEDATUM": DEADLINE + DAY}], registratiedeadline=DEADLINE + DAY
    )
    assert list(charged(result)) == ["I001"]


def test_r3_cluster_1_2_applies_to_active_enrolments_only():
    result = run_rulebook([{"VESTIGING": "07CL00", "DATUM_UITSCHRIJVING": T - DAY}])
    assert result.niet_toegerekend.num_rows == 0


def test_r3_dual_enrolment_in_one_sector_charges_the_latest_start():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "A", "ONDERWIJSSOORT": "SO", "DATUM_INSCHRIJVING": T - 10 * DAY},
            {"INSCHRIJVING_ID": "B", "ONDERWIJSSOORT": "SBO", "DATUM_INSCHRIJVING": T - 20 * DAY},
            {"INSCHRIJVING_ID": "C", "ONDERWIJSSOORT": "SO", "VESTIGING": "05SO00"},
        ]
    )
    assert list(charged(result)) == ["A"]
    assert reasons(result) == {"B": "DUBBELE_INSCHRIJVING", "C": "DUBBELE_INSCHRIJVING"}


def test_r3_dual_enrolment_tie_charges_the_smallest_id_as_text():
    result = run_rulebook(
        [{"INSCHRIJVING_ID": "9"}, {"INSCHRIJVING_ID": "10", "VESTIGING": "05SO00"}]
    )
    assert list(charged(result)) == ["10"]
    assert reasons(result) == {"9": "DUBBELE_INSCHRIJVING"}


def test_r3_dual_enrolment_is_per_pupil():
    result = run_rulebook(
        [{"INSCHRIJVING_ID": "A"}, {"INSCHRIJVING_ID": "B", "ONDERWIJSNUMMER": "100000002"}]
    )
    assert sorted(charged(result)) == ["A", "B"]


def test_r3_so_and_vso_of_one_pupil_are_both_charged():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "A", "ONDERWIJSSOORT": "SO"},
            {"INSCHRIJVING_ID": "B", "ONDERWIJSSOORT": "VSO"},
        ]
    )
    assert sorted(charged(result)) == ["A", "B"]
    assert result.niet_toegerekend.num_rows == 0


def test_r3_dual_enrolment_is_decided_among_the_survivors_of_the_earlier_reasons():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "A", "DATUM_INSCHRIJVING": T - 100 * DAY},
            {"INSCHRIJVING_ID": "B", "DATUM_INSCHRIJVING": T - DAY, "RESIDENTIEEL": "GJI"},
            {"INSCHRIJVING_ID": "C", "DATUM_INSCHRIJVING": T, "VESTIGING": "07CL00"},
            {
                "INSCHRIJVING_ID": "D",
                "DATUM_INSCHRIJVING": T - 2 * DAY,
                "REGISTRATIEDATUM": DEADLINE + DAY,
            },
        ]
    )
    assert list(charged(result)) == ["A"]
    assert reasons(result) == {
        "B": "GESLOTEN_PLAATSING",
        "C": "CLUSTER_1_2",
        "D": "NA_REGISTRATIEDEADLINE",
    }


def test_r3_inactive_enrolments_do_not_make_a_dual_enrolment():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "A", "DATUM_INSCHRIJVING": T - 100 * DAY},
            {"INSCHRIJVING_ID": "B", "DATUM_INSCHRIJVING": T + DAY},
        ]
    )
    assert list(charged(result)) == ["A"]
    assert result.niet_toegerekend.num_rows == 0


def test_niet_toegerekend_columns_and_order():
    result = run_rulebook(
        [
            {"INSCHRIJVING_ID": "B", "RESIDENTIEEL": "GJI", "ONDERWIJSNUMMER": "100000002"},
            {"INSCHRIJVING_ID": "A", "VESTIGING": "08CL00", "ONDERWIJSSOORT": "VSO"},
        ]
    )
    assert result.niet_toegerekend.to_pylist() == [
        {
            "TELDATUM": T,
            "SAMENWERKINGSVERBAND": "VO0001",
            "INSCHRIJVING_ID": "A",
            "ONDERWIJSNUMMER": "100000001",
            "VESTIGING": "08CL00",
            "ONDERWIJSSOORT": "VSO",
            "REDEN": "CLUSTER_1_2",
        },
        {
            "TELDATUM": T,
            "SAMENWERKINGSVERBAND": "PO0001",
            "INSCHRIJVING_ID": "B",
            "ONDERWIJSNUMMER": "100000002",
            "VESTIGING": "04SV00",
            "ONDERWIJSSOORT": "SO",
            "REDEN": "GESLOTEN_PLAATSING",
        },
    ]

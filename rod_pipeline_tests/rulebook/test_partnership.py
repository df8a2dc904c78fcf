"""R6-R8 and R12: which partnership is charged when no TLV decides."""

from __future__ import annotations

from datetime import date

import pytest

from rod_pipeline_tests.rulebook.relations import DAY, T, charged, run_rulebook

IJH_START = date(2024, 8, 1)


def _how(row):
    return row["SAMENWERKINGSVERBAND"], row["WIJZE_VAN_BEPALING_SWV"], row["SIGNALERINGEN"]


def _ijh_with(*previous, soort="SO", tlv=()):
    """An IJH enrolment 'IJH' plus earlier enrolments of the same pupil."""
    ijh = {"INSCHRIJVING_ID": "IJH", "ONDERWIJSSOORT": soort, "RESIDENTIEEL": "IJH"}
    return charged(run_rulebook([ijh, *previous], tlv))["IJH"]


def _ended(vestiging, soort, end, start=date(2020, 8, 1), **more):
    return {
        "VESTIGING": vestiging,
        "ONDERWIJSSOORT": soort,
        "DATUM_INSCHRIJVING": start,
        "DATUM_UITSCHRIJVING": end,
        **more,
    }


def test_r6_ijh_is_charged_to_the_previous_schools_partnership():
    row = _ijh_with(_ended("02BA00", "BAO", IJH_START - DAY))
    assert _how(row) == ("PO0002", "Vorige school", None)


def test_r6_the_previous_enrolment_may_be_special_and_of_any_soort_in_the_sector():
    row = _ijh_with(_ended("05SO00", "SO", IJH_START - DAY))
    assert _how(row) == ("PO0002", "Vorige school", None)


def test_r6_vso_looks_at_vo_and_vso_only():
    row = _ijh_with(
        _ended("06VO00", "VO", IJH_START - 10 * DAY),
        _ended("02BA00", "BAO", IJH_START - DAY),
        soort="VSO",
    )
    assert _how(row) == ("VO0002", "Vorige school", None)


def test_r6_ijh_without_a_previous_enrolment_is_charged_to_the_home():
    assert _how(_ijh_with()) == ("PO0003", "Woonplaats leerling", None)


@pytest.mark.parametrize(
    "other",
    [
        _ended("06VO00", "VO", IJH_START - DAY),  # another sector
        _ended("02BA00", "BAO", IJH_START),  # ends on this one's start: not before it
        _ended("02BA00", "BAO", None, start=date(2024, 1, 1)),  # still enrolled
        {**_ended("02BA00", "BAO", IJH_START - DAY), "ONDERWIJSNUMMER": "100000002"},
    ],
)
def test_r6_what_is_not_a_previous_enrolment(other):
    assert _how(_ijh_with(other)) == ("PO0003", "Woonplaats leerling", None)


def test_r6_the_latest_end_wins():
    row = _ijh_with(
        _ended("02BA00", "BAO", IJH_START - 10 * DAY),
        _ended("01BA00", "BAO", IJH_START - 5 * DAY, start=date(2018, 8, 1)),
    )
    assert _how(row) == ("PO0001", "Vorige school", None)


def test_r6_tie_on_end_the_latest_start_wins():
    row = _ijh_with(
        _ended("01BA00", "BAO", IJH_START - DAY, start=date(2019, 8, 1)),
        _ended("02BA00", "BAO", IJH_START - DAY, start=date(2020, 8, 1)),
    )
    assert _how(row) == ("PO0002", "Vorige school", None)


def test_r6_tie_on_end_and_start_the_smallest_id_as_text_wins():
    row = _ijh_with(
        _ended("01BA00", "BAO", IJH_START - DAY, INSCHRIJVING_ID="9"),
        _ended("02BA00", "BAO", IJH_START - DAY, INSCHRIJVING_ID="10"),
    )
    assert _how(row) == ("PO0002", "Vorige school", None)


def test_r6_a_fitting_tlv_wins_over_the_previous_school():
    row = _ijh_with(_ended("02BA00", "BAO", IJH_START - DAY), tlv=[{"SWV_CODE": "PO0004"}])
    assert _how(row) == ("PO0004", "TLV", None)


def test_r6_an_unused_tlv_is_shown_beside_the_previous_school():
    row = _ijh_with(_ended("02BA00", "BAO", IJH_START - DAY), tlv=[{"EINDDATUM": T - DAY}])
    assert _how(row) == ("PO0002", "Vorige school", None)
    assert (row["TLV_GEBRUIKT"], row["TLV_NIET_GEBRUIKT_REDEN"]) == ("Nee", "VERLOPEN")


def test_r6_applies_to_ijh_only():
    result = run_rulebook([{"INSCHRIJVING_ID": "A"}, _ended("02BA00", "BAO", IJH_START - DAY)])
    assert _how(charged(result)["A"]) == ("PO0003", "Woonplaats leerling", None)


@pytest.mark.parametrize(
    ("soort", "postcode", "partnership"),
    [
        ("SO", "1000AA", "PO0003"),
        ("SBO", "2000ZZ", "PO0004"),
        ("VSO", "1000AA", "VO0003"),
        ("VSO", "2000BB", "VO0004"),
    ],
)
def test_r7_the_home_partnership_of_the_sector(soort, postcode, partnership):
    result = run_rulebook([{"ONDERWIJSSOORT": soort, "POSTCODE_LEERLING": postcode}])
    assert _how(charged(result)["I001"]) == (partnership, "Woonplaats leerling", None)


@pytest.mark.parametrize(
    ("soort", "postcode", "location_partnership"),
    [
        ("SO", None, "PO0001"),  # unknown or abroad
        ("SO", "9999AA", "PO0001"),  # PC4 absent from the regio-indeling
        ("SO", "3000AA", "PO0001"),  # PC4 without a partnership
        ("VSO", "3000AA", "VO0001"),
        ("SBO", None, "PO0001"),
    ],
)
def test_r8_without_a_home_partnership_the_location_is_charged(
    soort, postcode, location_partnership
):
    result = run_rulebook([{"ONDERWIJSSOORT": soort, "POSTCODE_LEERLING": postcode}])
    assert _how(charged(result)["I001"]) == (
        location_partnership,
        "Vestiging",
        "WOONPLAATS_ONBEKEND",
    )


@pytest.mark.parametrize(("soort", "partnership"), [("SO", "PO0001"), ("VSO", "VO0001")])
def test_r12_a_combined_location_has_a_partnership_per_soort(soort, partnership):
    row = charged(run_rulebook([{"ONDERWIJSSOORT": soort, "VESTIGING": "04SV00"}]))["I001"]
    assert row["SWV_VESTIGING"] == partnership
    assert row["VESTIGING_NAAM"] == f"School 04SV00 {soort}"

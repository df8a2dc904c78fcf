"""R10: the funding category, and the flags of SIGNALERINGEN together."""

from __future__ import annotations

import pytest

from rod_pipeline_tests.rulebook.relations import DAY, T, run_rulebook, the_charged_row


def _category(row):
    return row["BEKOSTIGINGSCATEGORIE"], row["SIGNALERINGEN"]


def test_r10_sbo_is_sbo_with_or_without_tlv():
    assert _category(the_charged_row(run_rulebook([{"ONDERWIJSSOORT": "SBO"}]))) == ("SBO", None)
    with_tlv = run_rulebook([{"ONDERWIJSSOORT": "SBO"}], [{"SOORT_TLV": "SBO"}])
    assert _category(the_charged_row(with_tlv)) == ("SBO", None)


@pytest.mark.parametrize("category", ["LAAG", "MIDDEN", "HOOG"])
def test_r10_without_tlv_the_enrolments_own_category(category):
    result = run_rulebook([{"ONDERWIJSSOORT": "VSO", "BEKOSTIGINGSCATEGORIE": category}])
    assert _category(the_charged_row(result)) == (f"SO_VSO_{category}", None)


def test_r10_the_used_tlvs_category_when_equal():
    result = run_rulebook([{"BEKOSTIGINGSCATEGORIE": "HOOG"}], [{"BEKOSTIGINGSCATEGORIE": "HOOG"}])
    assert _category(the_charged_row(result)) == ("SO_VSO_HOOG", None)


def test_r10_the_used_tlvs_category_wins_and_is_flagged_when_different():
    result = run_rulebook(
        [{"BEKOSTIGINGSCATEGORIE": "LAAG"}], [{"BEKOSTIGINGSCATEGORIE": "MIDDEN"}]
    )
    assert _category(the_charged_row(result)) == ("SO_VSO_MIDDEN", "CATEGORIE_AFWIJKEND")


@pytest.mark.parametrize("unused", [{"EINDDATUM": T - DAY}, {"BEGINDATUM": T + DAY}])
def test_r10_an_unused_tlvs_category_does_not_count(unused):
    result = run_rulebook(
        [{"BEKOSTIGINGSCATEGORIE": "LAAG"}], [{"BEKOSTIGINGSCATEGORIE": "HOOG", **unused}]
    )
    row = the_charged_row(result)
    assert row["TLV_GEBRUIKT"] == "Nee"
    assert _category(row) == ("SO_VSO_LAAG", None)


def test_signaleringen_are_sorted_and_comma_separated():
    result = run_rulebook(
        [{"BEKOSTIGINGSCATEGORIE": "LAAG", "POSTCODE_LEERLING": None}],
        [
            {"TLV_NUMMER": "PO0004-2024-1", "BEKOSTIGINGSCATEGORIE": "HOOG"},
            {"TLV_NUMMER": "PO0004-2024-2", "BEKOSTIGINGSCATEGORIE": "HOOG"},
        ],
    )
    # A TLV decides, so the unknown home is no signal (R8 does not apply).
    assert _category(the_charged_row(result)) == (
        "SO_VSO_HOOG",
        "CATEGORIE_AFWIJKEND,MEERDERE_GELDIGE_TLV",
    )

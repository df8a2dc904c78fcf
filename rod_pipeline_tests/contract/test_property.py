"""Property: mutating rows of a valid extract never rejects an untouched row, and every row read
is either accepted or quarantined."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rod_pipeline_tests.contract.installation import FEW_ROWS, new_installation

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
# (VESTIGING, ONDERWIJSSOORT) of the seed reference; TLV issuers with the kinds they may issue.
LOCATIONS = [("00JH00", "SBO"), ("00SU00", "SO")]
ISSUERS = [("PO2202", "SBO"), ("PO2304", "SO_VSO"), ("VO2307", "SO_VSO"), ("PO2203", "SBO")]
BAD_VALUES = ["", "x", "12345678", "31-2-2024", "00XX00", "1234", "LAAG", "PO0000", "SBO"]
# Any text a field can hold: no separator, quote or line break (those change the table itself).
FIELD_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), exclude_characters=';"'), max_size=6
)


@st.composite
def pupil_numbers(draw: st.DrawFn) -> str:
    """A valid BSN: 8 digits and the check digit that makes the weighted sum divisible by 11."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(w * d for w, d in zip(WEIGHTS, first, strict=True)) % 11
    if check == 10:  # no digit can fix this one: take an onderwijsnummer instead
        return "100000004"
    return "".join(map(str, first)) + str(check)


def written_dates(draw: st.DrawFn, day: dt.date) -> str:
    return draw(st.sampled_from([day.isoformat(), f"{day.day}-{day.month}-{day.year}"]))


@st.composite
def enrolments(draw: st.DrawFn, index: int) -> dict[str, str]:
    vestiging, soort = draw(st.sampled_from(LOCATIONS))
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2025, 3, 1)))
    end = draw(st.none() | st.dates(start, dt.date(2026, 7, 31)))
    postcode = draw(st.from_regex(r"[1-9][0-9]{3} ?[A-Z]{2}", fullmatch=True) | st.just(""))
    return {
        "INSCHRIJVING_ID": f"I{index}",
        "ONDERWIJSNUMMER": draw(pupil_numbers()),
        "VESTIGING": vestiging,
        "ONDERWIJSSOORT": soort,
        "BEKOSTIGINGSCATEGORIE": draw(st.sampled_from(["LAAG", "MIDDEN", "HOOG"]))
        if soort == "SO"
        else "",
        "POSTCODE_LEERLING": postcode,
        "DATUM_INSCHRIJVING": written_dates(draw, start),
        "DATUM_UITSCHRIJVING": written_dates(draw, end) if end else "",
        "RESIDENTIEEL": draw(st.sampled_from(["", "IJH", "GJI", "JJI"])),
        "REGISTRATIEDATUM": "",
    }


@st.composite
def tlvs(draw: st.DrawFn, index: int) -> dict[str, str]:
    swv, soort = draw(st.sampled_from(ISSUERS))
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2025, 3, 1)))
    end = draw(st.none() | st.dates(start, dt.date(2030, 7, 31)))
    return {
        "TLV_NUMMER": f"{swv}-{start.year}-{index}",
        "ONDERWIJSNUMMER": draw(pupil_numbers()),
        "SWV_CODE": swv,
        "SOORT_TLV": soort,
        "BEKOSTIGINGSCATEGORIE": "MIDDEN" if soort == "SO_VSO" else "",
        "BEGINDATUM": written_dates(draw, start),
        "EINDDATUM": written_dates(draw, end) if end else "",
    }


@st.composite
def mutated(draw: st.DrawFn, rows: list[dict[str, str]], key: str) -> tuple[list, set[str]]:
    """Some rows get one field replaced (never the key, so the others stay unique)."""
    touched = draw(st.sets(st.integers(0, len(rows) - 1), max_size=len(rows)))
    result = [dict(row) for row in rows]
    for position in touched:
        column = draw(st.sampled_from([name for name in rows[position] if name != key]))
        result[position][column] = draw(st.sampled_from(BAD_VALUES) | FIELD_TEXT)
    return result, {rows[position][key] for position in touched}


@st.composite
def extracts(draw: st.DrawFn) -> tuple:
    n_enrolments = draw(st.integers(1, 12))
    n_tlvs = draw(st.integers(1, 8))
    inschrijvingen = [draw(enrolments(i)) for i in range(n_enrolments)]
    tlv = [draw(tlvs(i)) for i in range(n_tlvs)]
    return (
        draw(mutated(inschrijvingen, "INSCHRIJVING_ID")),
        draw(mutated(tlv, "TLV_NUMMER")),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extracts())
def test_untouched_rows_are_accepted_and_every_row_is_accounted_for(extract: tuple) -> None:
    (inschrijvingen, touched_ids), (tlv, touched_tlvs) = extract
    with tempfile.TemporaryDirectory() as folder:
        installation = new_installation(Path(folder) / "data")
        try:
            installation.write_extract(inschrijvingen=inschrijvingen, tlv=tlv)
            report = installation.run(accept=FEW_ROWS)
            for name, key, touched in [
                ("inschrijvingen", "INSCHRIJVING_ID", touched_ids),
                ("tlv", "TLV_NUMMER", touched_tlvs),
            ]:
                counts = report.files[name]
                assert counts.rijen_geaccepteerd is not None
                assert counts.rijen_gequarantaineerd is not None
                assert counts.rijen_gelezen == len(inschrijvingen if name != "tlv" else tlv)
                assert counts.rijen_gelezen == (
                    counts.rijen_geaccepteerd + counts.rijen_gequarantaineerd
                )
                assert counts.rijen_gequarantaineerd <= sum(counts.rijen_per_regel.values())
                accepted = {
                    row[0]
                    for row in installation.con.execute(
                        f"SELECT {key} FROM validated_{name}"
                    ).fetchall()
                }
                rows = inschrijvingen if name != "tlv" else tlv
                untouched = {row[key] for row in rows} - touched
                assert untouched <= accepted, "a valid row was rejected"
                quarantined_lines = installation.con.execute(
                    "SELECT count(DISTINCT REGEL) FROM quarantine WHERE BESTAND = $b",
                    {"b": f"{name}.csv"},
                ).fetchone()
                assert quarantined_lines == (counts.rijen_gequarantaineerd,)
        finally:
            installation.con.close()

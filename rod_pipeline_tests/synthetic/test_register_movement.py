"""The register moves the way a real one does (DOMAIN.md S1-S8), seen in the extract files of a
small installation: between consecutive extracts, per INSCHRIJVING_ID of the special-education
enrolments active on a teldatum and registered by its deadline, what changed.

funding: an enrolment came or went, or a field that decides its charge changed (category,
location, home PC4, residential placement, the pupil's TLVs valid on the teldatum);
end_date: only DATUM_UITSCHRIJVING changed (informative).
"""

from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from rod_pipeline.synthetic.timeline import PEILDATA
from rod_pipeline_tests.synthetic.installation import connect, source

DEADLINES = {  # S1, with the date DUO moved in 2024 (reference/teldata.csv)
    date(2023, 2, 1): date(2023, 3, 1),
    date(2024, 2, 1): date(2024, 3, 11),
    date(2025, 2, 1): date(2025, 3, 3),
}


def _counted(data_dir: Path, peildatum: date, teldatum: date) -> str:
    """The enrolments counted on the teldatum in one extract, with what decides their charge."""
    folder = data_dir / "inbox" / peildatum.isoformat()
    dates = """*, as_date(DATUM_INSCHRIJVING) AS begin_, as_date(DATUM_UITSCHRIJVING) AS end_,
        as_date(REGISTRATIEDATUM) AS registered_"""
    valid = f"""as_date(BEGINDATUM) <= DATE '{teldatum}'
        AND (EINDDATUM IS NULL OR as_date(EINDDATUM) >= DATE '{teldatum}')"""
    return f"""
        WITH ins AS (SELECT {dates} FROM {source(folder / "inschrijvingen.csv")}),
        valid_tlvs AS (SELECT * FROM {source(folder / "tlv.csv")} WHERE {valid})
        SELECT INSCHRIJVING_ID, end_,
            (BEKOSTIGINGSCATEGORIE, VESTIGING, left(POSTCODE_LEERLING, 4), RESIDENTIEEL,
             (SELECT list((t.TLV_NUMMER, t.SWV_CODE, t.BEKOSTIGINGSCATEGORIE) ORDER BY t.TLV_NUMMER)
              FROM valid_tlvs t WHERE t.ONDERWIJSNUMMER = i.ONDERWIJSNUMMER)) AS charge
        FROM ins i
        WHERE ONDERWIJSSOORT IN ('SBO', 'SO', 'VSO') AND begin_ <= DATE '{teldatum}'
          AND (end_ IS NULL OR end_ >= DATE '{teldatum}')
          AND (registered_ IS NULL OR registered_ <= DATE '{DEADLINES[teldatum]}')
        QUALIFY count(*) OVER (PARTITION BY INSCHRIJVING_ID) = 1  -- a duplicated id: quarantined
        """


def movement(data_dir: Path, teldatum: date, before: date, after: date) -> dict[str, int]:
    """Counted enrolments of the teldatum that changed from extract `before` to `after`."""
    con = connect(data_dir, after)
    funding, end_date = con.execute(
        f"""SELECT
            count(*) FILTER (a.INSCHRIJVING_ID IS NULL OR b.INSCHRIJVING_ID IS NULL
                             OR a.charge IS DISTINCT FROM b.charge),
            count(*) FILTER (a.charge IS NOT DISTINCT FROM b.charge
                             AND a.end_ IS DISTINCT FROM b.end_)
        FROM ({_counted(data_dir, before, teldatum)}) a
        FULL JOIN ({_counted(data_dir, after, teldatum)}) b USING (INSCHRIJVING_ID)"""
    ).fetchone()
    return {"funding": funding, "end_date": end_date}


def _steps(teldatum: date) -> list[tuple[date, date]]:
    """Consecutive extracts that both publish the teldatum."""
    published = [p for p in PEILDATA if p >= teldatum]
    return list(pairwise(published))


# (teldatum, extract before, extract after) -> funding-relevant changes expected, at most.
FUNDING_CHANGES = {
    # By objection and late registration, inside the window: a late mutation.
    (date(2025, 2, 1), date(2025, 2, 15), date(2025, 3, 15)): (1, 30),
    # Rare corrections after the count became final: afwijkingen na definitief.
    (date(2024, 2, 1), date(2025, 5, 1), date(2025, 10, 1)): (1, 10),
    (date(2025, 2, 1), date(2025, 5, 1), date(2025, 10, 1)): (1, 10),
}
STEPS = [(t, before, after) for t in DEADLINES for before, after in _steps(t)]


@pytest.mark.parametrize(("teldatum", "before", "after"), STEPS, ids=str)
def test_funding_relevant_changes_only_where_expected(small, teldatum, before, after):
    low, high = FUNDING_CHANGES.get((teldatum, before, after), (0, 0))
    assert low <= movement(small.data_dir, teldatum, before, after)["funding"] <= high


def test_a_quiet_teldatum_still_gets_end_dates(small):
    """2023-02-01 is final from its first extract on; pupils who leave later are informative."""
    teldatum = date(2023, 2, 1)
    end_dates = [movement(small.data_dir, teldatum, *step)["end_date"] for step in _steps(teldatum)]
    assert end_dates[-1] > 0  # the leavers of the summer of 2025


def test_end_dates_are_filled_in_late(small):
    """Ends that an extract does not show yet although they lie weeks in its past."""
    before, after = date(2025, 1, 15), date(2025, 2, 15)
    con = connect(small.data_dir, after)
    earlier = small.data_dir / "inbox" / before.isoformat() / "inschrijvingen.csv"
    late = con.execute(
        f"""SELECT count(*) FROM ins i JOIN {source(earlier)} e USING (INSCHRIJVING_ID)
            WHERE e.DATUM_UITSCHRIJVING IS NULL AND i.end_ < DATE '{before}' - 15"""
    ).fetchone()[0]
    assert late > 0


def test_late_registrations_around_the_deadline(small):
    """Regular and special enrolments active on 2025-02-01, registered in the three weeks
    before its deadline (counted) and in the three weeks after it (R3)."""
    con = connect(small.data_dir, date(2025, 5, 1))
    before_deadline, after_deadline = con.execute(
        """SELECT count(*) FILTER (registered_ BETWEEN DATE '2025-02-10' AND DATE '2025-03-03'),
                  count(*) FILTER (registered_ BETWEEN DATE '2025-03-04' AND DATE '2025-03-24')
           FROM ins WHERE begin_ <= DATE '2025-02-01'
             AND (end_ IS NULL OR end_ >= DATE '2025-02-01')"""
    ).fetchone()
    assert before_deadline >= 5  # beyond the hand-written situations (on the deadline)
    assert after_deadline >= 5

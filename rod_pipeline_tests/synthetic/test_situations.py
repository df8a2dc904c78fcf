"""Every situation of the rulebook (DOMAIN.md R1-R12) is in the data at tiny scale, found with
queries on the files themselves (extract 2025-03-15, teldatum 2025-02-01)."""

import pytest

from rod_pipeline_tests.synthetic.installation import connect, scalar

ACTIVE = "begin_ <= DATE '2025-02-01' AND (end_ IS NULL OR end_ >= DATE '2025-02-01')"
SPECIAL = "ONDERWIJSSOORT IN ('SBO', 'SO', 'VSO')"
VALID = "t.begin_ <= DATE '2025-02-01' AND (t.end_ IS NULL OR t.end_ >= DATE '2025-02-01')"
# R4: a TLV of the pupil whose kind and issuing sector match the enrolment.
FITS = """t.ONDERWIJSNUMMER = i.ONDERWIJSNUMMER AND (
    (i.ONDERWIJSSOORT = 'SBO' AND t.SOORT_TLV = 'SBO')
    OR (i.ONDERWIJSSOORT = 'SO' AND t.SOORT_TLV = 'SO_VSO' AND t.sector = 'PO')
    OR (i.ONDERWIJSSOORT = 'VSO' AND t.SOORT_TLV = 'SO_VSO' AND t.sector = 'VO'))"""


def _active_special(condition: str) -> str:
    return f"SELECT count(*) FROM ins i WHERE {ACTIVE} AND {SPECIAL} AND {condition}"


def _fitting(having: str) -> str:
    return _active_special(f"(SELECT {having} FROM tlvs t WHERE {FITS})")


SITUATIONS = {
    "starts on the teldatum": "SELECT count(*) FROM ins WHERE begin_ = DATE '2025-02-01'",
    "starts the day before": "SELECT count(*) FROM ins WHERE begin_ = DATE '2025-01-31'",
    "starts the day after": "SELECT count(*) FROM ins WHERE begin_ = DATE '2025-02-02'",
    "ends on the teldatum": "SELECT count(*) FROM ins WHERE end_ = DATE '2025-02-01'",
    "ends the day before": "SELECT count(*) FROM ins WHERE end_ = DATE '2025-01-31'",
    "ends the day after": "SELECT count(*) FROM ins WHERE end_ = DATE '2025-02-02'",
    "a valid TLV": _fitting(f"bool_or({VALID})"),
    "no TLV (variant B)": _active_special(
        "ONDERWIJSSOORT <> 'SBO' AND NOT EXISTS (SELECT 1 FROM tlvs t"
        " WHERE t.ONDERWIJSNUMMER = i.ONDERWIJSNUMMER)"
        " AND i.VESTIGING IN (SELECT VESTIGING FROM vestigingen WHERE CLUSTER IN ('3', '4'))"
    ),
    "only an expired TLV (variant C)": _fitting(
        "count(*) > 0 AND bool_and(t.end_ < DATE '2025-02-01')"
    ),
    "only a TLV not yet valid": _fitting("count(*) > 0 AND bool_and(t.begin_ > DATE '2025-02-01')"),
    "an expired and a future TLV": _fitting(
        "bool_or(t.end_ < DATE '2025-02-01') AND bool_or(t.begin_ > DATE '2025-02-01')"
        f" AND NOT bool_or({VALID})"
    ),
    "several valid TLVs": _fitting(f"count(*) FILTER ({VALID}) >= 2"),
    "several valid TLVs with the same begin date": _fitting(
        f"count(*) FILTER ({VALID}) > count(DISTINCT t.begin_) FILTER ({VALID})"
    ),
    "an indefinite TLV in use": _fitting(f"bool_or(t.end_ IS NULL AND {VALID})"),
    "a TLV of the other sector only": _active_special(
        "ONDERWIJSSOORT = 'SO' AND EXISTS (SELECT 1 FROM tlvs t WHERE t.ONDERWIJSNUMMER = "
        f"i.ONDERWIJSNUMMER AND t.sector = 'VO') AND NOT EXISTS (SELECT 1 FROM tlvs t WHERE {FITS})"
    ),
    "a TLV whose category differs": _fitting(
        f"bool_or({VALID} AND t.BEKOSTIGINGSCATEGORIE <> i.BEKOSTIGINGSCATEGORIE)"
    ),
    "two special enrolments in PO": f"""SELECT count(*) FROM (SELECT ONDERWIJSNUMMER FROM ins
        WHERE {ACTIVE} AND ONDERWIJSSOORT IN ('SBO', 'SO') GROUP BY 1 HAVING count(*) > 1)""",
    "two special enrolments in PO, same start": f"""SELECT count(*) FROM (SELECT
        ONDERWIJSNUMMER FROM ins WHERE {ACTIVE} AND ONDERWIJSSOORT IN ('SBO', 'SO')
        GROUP BY ONDERWIJSNUMMER, begin_ HAVING count(*) > 1)""",
    "two VSO enrolments": f"""SELECT count(*) FROM (SELECT ONDERWIJSNUMMER FROM ins
        WHERE {ACTIVE} AND ONDERWIJSSOORT = 'VSO' GROUP BY 1 HAVING count(*) > 1)""",
    "special enrolments in both sectors": f"""SELECT count(*) FROM (SELECT ONDERWIJSNUMMER
        FROM ins WHERE {ACTIVE} AND {SPECIAL} GROUP BY 1 HAVING count(DISTINCT sector) = 2)""",
    "IJH after a school in the sector": _active_special(
        "RESIDENTIEEL = 'IJH' AND EXISTS (SELECT 1 FROM ins p WHERE p.ONDERWIJSNUMMER = "
        "i.ONDERWIJSNUMMER AND p.sector = i.sector AND p.end_ < i.begin_)"
    ),
    "IJH without a school in the sector before": _active_special(
        "RESIDENTIEEL = 'IJH' AND NOT EXISTS (SELECT 1 FROM ins p WHERE p.ONDERWIJSNUMMER = "
        "i.ONDERWIJSNUMMER AND p.sector = i.sector AND p.end_ < i.begin_)"
    ),
    "IJH with a valid TLV": _fitting(f"bool_or({VALID})") + " AND RESIDENTIEEL = 'IJH'",
    "GJI": _active_special("RESIDENTIEEL = 'GJI'"),
    "JJI": _active_special("RESIDENTIEEL = 'JJI'"),
    "SO at cluster 1 or 2": _active_special(
        "ONDERWIJSSOORT = 'SO' AND VESTIGING IN "
        "(SELECT VESTIGING FROM vestigingen WHERE ONDERWIJSSOORT = 'SO' AND CLUSTER IN ('1', '2'))"
    ),
    "VSO at cluster 1 or 2": _active_special(
        "ONDERWIJSSOORT = 'VSO' AND VESTIGING IN "
        "(SELECT VESTIGING FROM vestigingen WHERE ONDERWIJSSOORT = 'VSO' AND CLUSTER IN ('1', '2'))"
    ),
    "registered on the deadline": _active_special("registered_ = DATE '2025-03-03'"),
    "registered the day after the deadline": _active_special("registered_ = DATE '2025-03-04'"),
    "regular enrolment registered after the deadline": f"""SELECT count(*) FROM ins WHERE
        {ACTIVE} AND ONDERWIJSSOORT = 'BAO' AND registered_ > DATE '2025-03-03'""",
    "SO at a combined SO/VSO location": _active_special(
        "ONDERWIJSSOORT = 'SO' AND VESTIGING IN (SELECT VESTIGING FROM vestigingen "
        "GROUP BY 1 HAVING count(DISTINCT ONDERWIJSSOORT) = 2)"
    ),
    "VSO at a combined SO/VSO location": _active_special(
        "ONDERWIJSSOORT = 'VSO' AND VESTIGING IN (SELECT VESTIGING FROM vestigingen "
        "GROUP BY 1 HAVING count(DISTINCT ONDERWIJSSOORT) = 2)"
    ),
    "several regular enrolments": f"""SELECT count(*) FROM (SELECT ONDERWIJSNUMMER FROM ins
        WHERE {ACTIVE} AND ONDERWIJSSOORT IN ('BAO', 'VO') GROUP BY ONDERWIJSNUMMER, sector
        HAVING count(*) > 1)""",
    "no postcode": _active_special("POSTCODE_LEERLING IS NULL"),
    "a PC4 absent from the regio-indeling": _active_special(
        "left(POSTCODE_LEERLING, 4) NOT IN (SELECT PC4 FROM regio)"
    ),
    "a PC4 without partnership": _active_special(
        "left(POSTCODE_LEERLING, 4) IN (SELECT PC4 FROM regio WHERE PO_SWV IS NULL)"
    ),
    "a TLV from a partnership not of the home": _fitting(
        f"""bool_or({VALID} AND t.SWV_CODE NOT IN (SELECT r.PO_SWV FROM regio r
        WHERE r.PC4 = left(i.POSTCODE_LEERLING, 4) UNION ALL SELECT r.VO_SWV FROM regio r
        WHERE r.PC4 = left(i.POSTCODE_LEERLING, 4)))"""
    ),
}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_situation_is_in_the_tiny_extract(tiny, situation):
    assert scalar(connect(tiny.data_dir), SITUATIONS[situation]) > 0


def test_extracts_differ_as_the_register_evolves(tiny):
    """Consecutive extracts: new and ended enrolments, new TLVs, corrections, moves."""
    first, later = tiny.peildata[1], tiny.peildata[3]
    con = connect(tiny.data_dir, later)
    earlier = tiny.data_dir / "inbox" / first.isoformat()
    con.execute(
        f"""CREATE VIEW before AS SELECT * FROM read_csv('{earlier}/inschrijvingen.csv',
        delim=';', header=true, all_varchar=true)"""
    )
    new = scalar(
        con,
        """SELECT count(*) FROM inschrijvingen
           WHERE INSCHRIJVING_ID NOT IN (SELECT INSCHRIJVING_ID FROM before)""",
    )
    ended = scalar(
        con,
        """SELECT count(*) FROM inschrijvingen n JOIN before b USING (INSCHRIJVING_ID)
           WHERE b.DATUM_UITSCHRIJVING IS NULL AND n.DATUM_UITSCHRIJVING IS NOT NULL""",
    )
    assert new > 0
    assert ended > 0

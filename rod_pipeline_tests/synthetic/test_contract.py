"""Every file conforms to CONTRACT.md; the only broken rows are the mistakes made on purpose."""

import re

import pytest

from rod_pipeline.synthetic.timeline import PEILDATA
from rod_pipeline_tests.synthetic.installation import (
    BROKEN_INSCHRIJVINGEN,
    BROKEN_TLV,
    connect,
    expected_broken_rows,
    scalar,
)

INSCHRIJVINGEN_HEADER = (
    "INSCHRIJVING_ID;ONDERWIJSNUMMER;VESTIGING;ONDERWIJSSOORT;BEKOSTIGINGSCATEGORIE;"
    "POSTCODE_LEERLING;DATUM_INSCHRIJVING;DATUM_UITSCHRIJVING;RESIDENTIEEL;REGISTRATIEDATUM"
)
TLV_HEADER = (
    "TLV_NUMMER;ONDERWIJSNUMMER;SWV_CODE;SOORT_TLV;BEKOSTIGINGSCATEGORIE;BEGINDATUM;EINDDATUM"
)
REFERENCE_HEADERS = {
    "samenwerkingsverbanden.csv": "SWV_CODE;NAAM",
    "regio_indeling.csv": "PC4;GEMEENTE;PO_SWV;VO_SWV",
    "vestigingen.csv": "VESTIGING;NAAM;ONDERWIJSSOORT;CLUSTER;POSTCODE;SWV_CODE",
    "teldata.csv": "TELDATUM;REGISTRATIEDEADLINE;EINDE_BEZWAARTERMIJN",
}


def _header(path) -> str:
    return path.read_text(encoding="utf-8").split("\n", 1)[0]


def test_the_folder_holds_exactly_the_contract_files(tiny):
    root = tiny.data_dir
    assert sorted(p.name for p in (root / "reference").iterdir()) == sorted(REFERENCE_HEADERS)
    for name, header in REFERENCE_HEADERS.items():
        assert _header(root / "reference" / name) == header
    extracts = sorted(p.name for p in (root / "inbox").iterdir())
    assert extracts == [p.isoformat() for p in PEILDATA]
    for folder in (root / "inbox").iterdir():
        assert sorted(p.name for p in folder.iterdir()) == ["inschrijvingen.csv", "tlv.csv"]
        assert _header(folder / "inschrijvingen.csv") == INSCHRIJVINGEN_HEADER
        assert _header(folder / "tlv.csv") == TLV_HEADER


def test_summary_counts_the_rows_written(tiny):
    for peildatum in tiny.peildata:
        con = connect(tiny.data_dir, peildatum)
        rows = tiny.extract_rows[peildatum]
        assert scalar(con, "SELECT count(*) FROM inschrijvingen") == rows["inschrijvingen.csv"]
        assert scalar(con, "SELECT count(*) FROM tlv") == rows["tlv.csv"]
    assert scalar(con, "SELECT count(*) FROM vestigingen") == tiny.reference_rows["vestigingen.csv"]


@pytest.mark.parametrize("installation", ["tiny", "tiny_many_mistakes", "small"])
def test_only_the_mistakes_made_break_a_rule(installation, request):
    summary = request.getfixturevalue(installation)
    for peildatum in summary.peildata:
        con = connect(summary.data_dir, peildatum)
        made = summary.injected_errors[peildatum]
        assert scalar(con, BROKEN_INSCHRIJVINGEN) == expected_broken_rows(made["inschrijvingen"])
        assert scalar(con, BROKEN_TLV) == expected_broken_rows(made["tlv"])


def test_reference_data_is_valid_and_consistent(small):
    con = connect(small.data_dir)
    assert (
        scalar(
            con, "SELECT count(*) FROM swv WHERE NOT regexp_full_match(SWV_CODE, '(PO|VO)[0-9]{4}')"
        )
        == 0
    )
    assert scalar(con, "SELECT count(DISTINCT SWV_CODE) = count(*) FROM swv")
    assert scalar(con, "SELECT count(DISTINCT PC4) = count(*) FROM regio")
    assert (
        scalar(con, "SELECT count(*) FROM regio WHERE NOT regexp_full_match(PC4, '[0-9]{4}')") == 0
    )
    assert scalar(con, "SELECT count(*) FROM regio WHERE PO_SWV IS NULL AND VO_SWV IS NULL") >= 1
    # Every partnership code in the regio table and on a location is a known partnership.
    assert (
        scalar(
            con,
            """SELECT count(*) FROM (SELECT PO_SWV c FROM regio UNION ALL SELECT VO_SWV FROM regio
           UNION ALL SELECT SWV_CODE FROM vestigingen) WHERE c IS NOT NULL
           AND c NOT IN (SELECT SWV_CODE FROM swv)""",
        )
        == 0
    )
    assert scalar(
        con, "SELECT count(DISTINCT (VESTIGING, ONDERWIJSSOORT)) = count(*) FROM vestigingen"
    )
    assert (
        scalar(
            con,
            """SELECT count(*) FROM vestigingen WHERE
             NOT regexp_full_match(VESTIGING, '[0-9]{2}[A-Z]{2}[0-9]{2}')
             OR NOT regexp_full_match(POSTCODE, '[0-9]{4} ?[A-Z]{2}')
             OR (ONDERWIJSSOORT IN ('SO', 'VSO') AND CLUSTER NOT IN ('1', '2', '3', '4'))
             OR (ONDERWIJSSOORT NOT IN ('SO', 'VSO') AND CLUSTER IS NOT NULL)""",
        )
        == 0
    )
    # A location's partnership is that of its own PC4, in its sector.
    assert (
        scalar(
            con,
            """SELECT count(*) FROM vestigingen v JOIN regio r ON r.PC4 = left(v.POSTCODE, 4)
           WHERE v.SWV_CODE IS DISTINCT FROM CASE WHEN v.ONDERWIJSSOORT IN ('VO', 'VSO')
                 THEN r.VO_SWV ELSE r.PO_SWV END""",
        )
        == 0
    )
    kinds = con.execute(
        "SELECT DISTINCT ONDERWIJSSOORT || COALESCE(CLUSTER, '') FROM vestigingen ORDER BY 1"
    ).fetchall()
    assert [k for (k,) in kinds] == [
        "BAO",
        "SBO",
        "SO1",
        "SO2",
        "SO3",
        "SO4",
        "VO",
        "VSO1",
        "VSO2",
        "VSO3",
        "VSO4",
    ]
    assert (
        scalar(
            con,
            """SELECT count(*) FROM (SELECT VESTIGING FROM vestigingen GROUP BY ALL
           HAVING list_sort(list(ONDERWIJSSOORT)) = ['SO', 'VSO'])""",
        )
        >= 1
    )


def test_teldata_has_several_first_februaries_and_one_override(tiny):
    con = connect(tiny.data_dir)
    rows = con.execute("SELECT * FROM teldata ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == ["2023-02-01", "2024-02-01", "2025-02-01", "2026-02-01"]
    assert sum(r[1] is not None for r in rows) == 1


def test_formats_vary_in_valid_rows(tiny):
    con = connect(tiny.data_dir)
    dates = [r[0] for r in con.execute("SELECT DATUM_INSCHRIJVING FROM ins").fetchall()]
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{1,2}-\d{1,2}-\d{4}", d) for d in dates)
    postcodes = [r[0] for r in con.execute("SELECT POSTCODE_LEERLING FROM ins").fetchall()]
    assert any(p and " " in p for p in postcodes)
    assert any(p and " " not in p for p in postcodes)
    assert None in postcodes

"""At small scale the register is shaped like the real one (DOMAIN.md, "Scale")."""

from rod_pipeline_tests.synthetic.installation import AFTER_DEADLINE, connect, scalar

ACTIVE = "begin_ <= DATE '2025-02-01' AND (end_ IS NULL OR end_ >= DATE '2025-02-01')"


def _share(con, soorten: str, of_sector: str) -> float:
    return scalar(
        con,
        f"""SELECT count(DISTINCT ONDERWIJSNUMMER) FILTER (ONDERWIJSSOORT IN ({soorten}))
              / count(DISTINCT ONDERWIJSNUMMER)
            FROM ins WHERE {ACTIVE} AND sector = '{of_sector}'""",
    )


def test_special_education_shares(small):
    con = connect(small.data_dir)
    assert 0.018 <= _share(con, "'SBO'", "PO") <= 0.030  # ~2.4%
    assert 0.017 <= _share(con, "'SO'", "PO") <= 0.029  # ~2.3%
    assert 0.030 <= _share(con, "'VSO'", "VO") <= 0.050  # ~4%


def test_primary_and_secondary_pupils_in_national_proportion(small):
    con = connect(small.data_dir)
    primary, secondary = (
        scalar(
            con, f"SELECT count(DISTINCT ONDERWIJSNUMMER) FROM ins WHERE {ACTIVE} AND sector = ?", s
        )
        for s in ("PO", "VO")
    )
    assert 1.3 <= primary / secondary <= 1.9  # 1.47M against 0.93M
    assert 10_000 <= small.extract_rows[AFTER_DEADLINE]["inschrijvingen.csv"] <= 99_999


def test_most_special_pupils_have_a_tlv_often_not_from_their_home(small):
    con = connect(small.data_dir)
    with_tlv = scalar(
        con,
        f"""SELECT avg((EXISTS (SELECT 1 FROM tlvs t
                           WHERE t.ONDERWIJSNUMMER = i.ONDERWIJSNUMMER))::INT)
            FROM ins i WHERE {ACTIVE} AND ONDERWIJSSOORT IN ('SO', 'VSO')
            AND VESTIGING IN (SELECT VESTIGING FROM vestigingen WHERE CLUSTER IN ('3', '4'))""",
    )
    assert with_tlv >= 0.8
    from_elsewhere = scalar(
        con,
        """SELECT avg((t.SWV_CODE NOT IN (r.PO_SWV, r.VO_SWV))::INT) FROM tlvs t
           JOIN ins i USING (ONDERWIJSNUMMER) JOIN regio r ON r.PC4 = left(i.POSTCODE_LEERLING, 4)
           WHERE r.PO_SWV IS NOT NULL""",
    )
    assert 0.2 <= from_elsewhere <= 0.8


def test_tlvs_mostly_end_on_31_july_some_indefinite(small):
    con = connect(small.data_dir)
    ends = con.execute(
        """SELECT avg((month(end_) = 7 AND day(end_) = 31)::INT) FILTER (end_ IS NOT NULL),
                  avg((EINDDATUM IS NULL)::INT) FROM tlvs"""
    ).fetchone()
    assert ends[0] >= 0.9
    assert 0.02 <= ends[1] <= 0.4
    sbo_from_vo = "SELECT count(*) FROM tlvs WHERE SOORT_TLV = 'SBO' AND sector = 'VO'"
    made = small.injected_errors[AFTER_DEADLINE]["tlv"]["sbo_tlv_from_vo"]
    assert scalar(con, sbo_from_vo) == made  # only the mistakes


def test_pupil_numbers_are_bsns_and_onderwijsnummers(small):
    con = connect(small.data_dir)
    onderwijsnummers = scalar(
        con,
        """SELECT avg((eleven(ONDERWIJSNUMMER) = 5)::INT) FROM ins
           WHERE valid_pupil_number(ONDERWIJSNUMMER)""",
    )
    assert 0.05 <= onderwijsnummers <= 0.2


def test_some_homes_cannot_be_placed(small):
    con = connect(small.data_dir)
    unknown, absent = con.execute(
        """SELECT avg((POSTCODE_LEERLING IS NULL)::INT),
                  avg((left(POSTCODE_LEERLING, 4) NOT IN (SELECT PC4 FROM regio))::INT)
           FROM ins"""
    ).fetchone()
    assert 0.001 <= unknown <= 0.02
    assert 0.0005 <= absent <= 0.01

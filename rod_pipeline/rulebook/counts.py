"""Dashboard 1a: the charged counts (from rulebook_charged) and R11, the pupil base.

Uses rulebook_active_enrolments (see eligibility.py).

Parameters: $teldatum (T) and $registratiedeadline.
"""

SELECT_COUNTS = """
WITH
-- R11 active (R1) regular enrolments (R2: BAO, VO) not registered after the deadline; a pupil
-- counts once per sector, at the latest DATUM_INSCHRIJVING (tie: the smallest INSCHRIJVING_ID),
-- for the partnership of that enrolment's location (R12).
pupil_base_enrolments AS (
    SELECT ONDERWIJSNUMMER, SWV_VESTIGING AS SWV_CODE
    FROM rulebook_active_enrolments($teldatum)
    WHERE NOT SPECIAAL
      AND (REGISTRATIEDATUM IS NULL OR REGISTRATIEDATUM <= $registratiedeadline)
    QUALIFY row_number() OVER (
        PARTITION BY ONDERWIJSNUMMER, SECTOR ORDER BY DATUM_INSCHRIJVING DESC, INSCHRIJVING_ID
    ) = 1
),
-- A pupil has a row per sector at most, and a BAO location's partnership is a PO-SWV, a VO
-- location's a VO-SWV (reference rule SWV_SECTOR): rows of one partnership are distinct pupils.
pupil_base AS (
    SELECT SWV_CODE, count(*) AS AANTAL
    FROM pupil_base_enrolments
    WHERE SWV_CODE IS NOT NULL
    GROUP BY SWV_CODE
),
-- R11 every partnership of the reference has a pupil base, 0 included.
leerlingbasis AS (
    SELECT
        coalesce(s.SWV_CODE, b.SWV_CODE) AS SAMENWERKINGSVERBAND,
        'LEERLINGBASIS' AS TELLING,
        'REGULIER' AS BEKOSTIGINGSCATEGORIE,
        NULL AS WIJZE_VAN_BEPALING_SWV,
        coalesce(b.AANTAL, 0) AS AANTAL
    FROM samenwerkingsverbanden AS s
    FULL JOIN pupil_base AS b ON b.SWV_CODE = s.SWV_CODE
),
-- Charged enrolments per partnership, category and way of determination (non-zero only).
ten_laste AS (
    SELECT
        SAMENWERKINGSVERBAND,
        'TEN_LASTE' AS TELLING,
        BEKOSTIGINGSCATEGORIE,
        WIJZE_VAN_BEPALING_SWV,
        count(*) AS AANTAL
    FROM rulebook_charged
    GROUP BY ALL
),
counts AS (
    SELECT * FROM ten_laste
    UNION ALL BY NAME
    SELECT * FROM leerlingbasis
)
SELECT
    $teldatum AS TELDATUM,
    c.SAMENWERKINGSVERBAND,
    swv.NAAM AS SAMENWERKINGSVERBAND_NAAM,
    c.TELLING,
    c.BEKOSTIGINGSCATEGORIE,
    c.WIJZE_VAN_BEPALING_SWV,
    c.AANTAL
FROM counts AS c
LEFT JOIN samenwerkingsverbanden AS swv ON swv.SWV_CODE = c.SAMENWERKINGSVERBAND
ORDER BY c.SAMENWERKINGSVERBAND, c.TELLING, c.BEKOSTIGINGSCATEGORIE, c.WIJZE_VAN_BEPALING_SWV
"""

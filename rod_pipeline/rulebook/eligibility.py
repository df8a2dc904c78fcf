"""R1-R3: which active special enrolments can be charged, and why the others are not.

Parameters of the statements: $teldatum (T) and $registratiedeadline.
"""

# Which sector each ONDERWIJSSOORT belongs to (R3, R6); SPECIAAL marks what R2 can charge.
CREATE_ONDERWIJSSOORTEN = """
CREATE OR REPLACE TEMP TABLE rulebook_onderwijssoorten AS
SELECT * FROM (VALUES
    ('BAO', 'PO', false),
    ('SBO', 'PO', true),
    ('SO',  'PO', true),
    ('VO',  'VO', false),
    ('VSO', 'VO', true)
) AS t(ONDERWIJSSOORT, SECTOR, SPECIAAL)
"""

# R1 active on T (both dates inclusive), with the enrolment's sector and its location's row.
CREATE_ACTIVE_ENROLMENTS = """
CREATE OR REPLACE TEMP MACRO rulebook_active_enrolments(teldatum) AS TABLE
SELECT
    i.INSCHRIJVING_ID, i.ONDERWIJSNUMMER, i.VESTIGING, i.ONDERWIJSSOORT,
    i.BEKOSTIGINGSCATEGORIE, i.POSTCODE_LEERLING, i.DATUM_INSCHRIJVING,
    i.DATUM_UITSCHRIJVING, i.RESIDENTIEEL, i.REGISTRATIEDATUM,
    s.SECTOR,
    s.SPECIAAL,
    v.NAAM AS VESTIGING_NAAM,
    v.CLUSTER,
    v.SWV_CODE AS SWV_VESTIGING  -- R12 the location's partnership
FROM inschrijvingen AS i
JOIN rulebook_onderwijssoorten AS s ON s.ONDERWIJSSOORT = i.ONDERWIJSSOORT
LEFT JOIN vestigingen AS v ON v.VESTIGING = i.VESTIGING AND v.ONDERWIJSSOORT = i.ONDERWIJSSOORT
WHERE i.DATUM_INSCHRIJVING <= teldatum
  AND (i.DATUM_UITSCHRIJVING IS NULL OR i.DATUM_UITSCHRIJVING >= teldatum)
"""

# One row per active special enrolment; REDEN is NULL for the ones that go on to be charged.
CREATE_SPECIAL_ENROLMENTS = """
CREATE OR REPLACE TEMP TABLE rulebook_special_enrolments AS
WITH
-- R2 only active SBO, SO and VSO enrolments can be charged;
-- R3 the first reason that applies, in the rulebook's order (duplicates below).
first_reason AS (
    SELECT
        * EXCLUDE (SPECIAAL),
        CASE
            WHEN ONDERWIJSSOORT IN ('SO', 'VSO') AND CLUSTER IN (1, 2) THEN 'CLUSTER_1_2'
            WHEN RESIDENTIEEL IN ('GJI', 'JJI') THEN 'GESLOTEN_PLAATSING'
            WHEN REGISTRATIEDATUM > $registratiedeadline THEN 'NA_REGISTRATIEDEADLINE'
        END AS REDEN
    FROM rulebook_active_enrolments($teldatum)
    WHERE SPECIAAL
)
-- R3 DUBBELE_INSCHRIJVING: of the survivors, one per pupil and sector is charged: the latest
-- DATUM_INSCHRIJVING, tie the smallest INSCHRIJVING_ID. Partitioning on (REDEN IS NULL) keeps
-- enrolments that already have a reason out of the survivors' ranking.
SELECT * REPLACE (
    CASE
        WHEN REDEN IS NULL AND row_number() OVER (
            PARTITION BY ONDERWIJSNUMMER, SECTOR, REDEN IS NULL
            ORDER BY DATUM_INSCHRIJVING DESC, INSCHRIJVING_ID
        ) > 1 THEN 'DUBBELE_INSCHRIJVING'
        ELSE REDEN
    END AS REDEN
)
FROM first_reason
"""

SELECT_NIET_TOEGEREKEND = """
-- Listed under the partnership of the location (R12), so each partnership sees its own.
SELECT $teldatum AS TELDATUM, SWV_VESTIGING AS SAMENWERKINGSVERBAND, INSCHRIJVING_ID,
       ONDERWIJSNUMMER, VESTIGING, ONDERWIJSSOORT, REDEN
FROM rulebook_special_enrolments
WHERE REDEN IS NOT NULL
ORDER BY INSCHRIJVING_ID
"""

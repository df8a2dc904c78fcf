"""R4-R10 and R12: which partnership is charged for each chargeable enrolment, how, and with which
TLV and category.

Reads rulebook_special_enrolments (see eligibility.py). Parameter: $teldatum (T).
"""

CREATE_CHARGED = """
CREATE OR REPLACE TEMP TABLE rulebook_charged AS
WITH
chargeable AS (
    SELECT * FROM rulebook_special_enrolments WHERE REDEN IS NULL
),
-- R4 the pupil's TLVs of the matching kind: an SBO TLV for SBO, an SO_VSO TLV from a PO-SWV for
-- SO, from a VO-SWV for VSO; GELDIG when valid on T (an empty EINDDATUM is indefinite).
matching_tlvs AS (
    SELECT
        c.INSCHRIJVING_ID, t.TLV_NUMMER, t.SWV_CODE, t.BEKOSTIGINGSCATEGORIE,
        t.BEGINDATUM, t.EINDDATUM,
        t.BEGINDATUM <= $teldatum
            AND (t.EINDDATUM IS NULL OR t.EINDDATUM >= $teldatum) AS GELDIG
    FROM chargeable AS c
    JOIN tlv AS t
        ON t.ONDERWIJSNUMMER = c.ONDERWIJSNUMMER
       AND c.ONDERWIJSSOORT = CASE
            WHEN t.SOORT_TLV = 'SBO' THEN 'SBO'
            WHEN t.SWV_CODE LIKE 'PO%' THEN 'SO'
            ELSE 'VSO'
        END
),
-- R5 of the fitting TLVs, the latest BEGINDATUM (tie: the greatest TLV_NUMMER) decides.
used_tlv AS (
    SELECT
        INSCHRIJVING_ID, TLV_NUMMER, SWV_CODE, BEKOSTIGINGSCATEGORIE, BEGINDATUM, EINDDATUM,
        count(*) OVER (PARTITION BY INSCHRIJVING_ID) AS AANTAL_GELDIG
    FROM matching_tlvs
    WHERE GELDIG
    QUALIFY row_number() OVER (
        PARTITION BY INSCHRIJVING_ID ORDER BY BEGINDATUM DESC, TLV_NUMMER DESC
    ) = 1
),
-- R9 without a fitting TLV, the matching TLV closest to T is shown: the latest EINDDATUM before
-- T, else the earliest BEGINDATUM after T; tie: the greatest TLV_NUMMER.
unused_tlv_candidates AS (
    SELECT
        m.INSCHRIJVING_ID, m.TLV_NUMMER, m.BEGINDATUM, m.EINDDATUM,
        CASE WHEN m.EINDDATUM < $teldatum THEN 'VERLOPEN' ELSE 'NOG_NIET_GELDIG' END AS REDEN
    FROM matching_tlvs AS m
    ANTI JOIN used_tlv AS u ON u.INSCHRIJVING_ID = m.INSCHRIJVING_ID
),
unused_tlv AS (
    SELECT * FROM unused_tlv_candidates
    QUALIFY row_number() OVER (
        PARTITION BY INSCHRIJVING_ID
        ORDER BY
            CASE WHEN REDEN = 'VERLOPEN' THEN EINDDATUM END DESC NULLS LAST,
            CASE WHEN REDEN = 'NOG_NIET_GELDIG' THEN BEGINDATUM END ASC NULLS LAST,
            TLV_NUMMER DESC
    ) = 1
),
-- R6 IJH: the partnership of the location of the previous enrolment in the same sector (any
-- enrolment of the extract): the latest DATUM_UITSCHRIJVING before this DATUM_INSCHRIJVING
-- (tie: the latest DATUM_INSCHRIJVING, then the smallest INSCHRIJVING_ID).
previous_school AS (
    SELECT c.INSCHRIJVING_ID, v.SWV_CODE
    FROM chargeable AS c
    JOIN inschrijvingen AS p
        ON p.ONDERWIJSNUMMER = c.ONDERWIJSNUMMER
       AND p.DATUM_UITSCHRIJVING < c.DATUM_INSCHRIJVING
    JOIN rulebook_onderwijssoorten AS s
        ON s.ONDERWIJSSOORT = p.ONDERWIJSSOORT AND s.SECTOR = c.SECTOR
    LEFT JOIN vestigingen AS v  -- R12
        ON v.VESTIGING = p.VESTIGING AND v.ONDERWIJSSOORT = p.ONDERWIJSSOORT
    WHERE c.RESIDENTIEEL = 'IJH'
    QUALIFY row_number() OVER (
        PARTITION BY c.INSCHRIJVING_ID
        ORDER BY p.DATUM_UITSCHRIJVING DESC, p.DATUM_INSCHRIJVING DESC, p.INSCHRIJVING_ID
    ) = 1
),
-- R7 the home partnership: the PC4 of the pupil's postcode in the regio-indeling, PO_SWV for
-- SBO/SO and VO_SWV for VSO.
home_partnership AS (
    SELECT c.INSCHRIJVING_ID, CASE c.SECTOR WHEN 'PO' THEN r.PO_SWV ELSE r.VO_SWV END AS SWV_CODE
    FROM chargeable AS c
    JOIN regio_indeling AS r ON r.PC4 = left(c.POSTCODE_LEERLING, 4)
),
-- R5-R8 the first way that yields a partnership decides; R8 falls back to the location (R12).
decided AS (
    SELECT
        c.*,
        CASE
            WHEN u.INSCHRIJVING_ID IS NOT NULL THEN 'TLV'
            WHEN p.SWV_CODE IS NOT NULL THEN 'Vorige school'
            WHEN h.SWV_CODE IS NOT NULL THEN 'Woonplaats leerling'
            ELSE 'Vestiging'
        END AS WIJZE_VAN_BEPALING_SWV,
        coalesce(u.SWV_CODE, p.SWV_CODE, h.SWV_CODE, c.SWV_VESTIGING) AS SAMENWERKINGSVERBAND,
        u.TLV_NUMMER AS USED_TLV_NUMMER,
        u.BEKOSTIGINGSCATEGORIE AS USED_TLV_CATEGORIE,
        u.AANTAL_GELDIG,
        coalesce(u.TLV_NUMMER, n.TLV_NUMMER) AS TLV_NUMMER,
        coalesce(u.BEGINDATUM, n.BEGINDATUM) AS TLV_BEGINDATUM,
        coalesce(u.EINDDATUM, n.EINDDATUM) AS TLV_EINDDATUM,
        -- R9 a used TLV is shown with Ja, the closest unused one with Nee and its reason
        CASE
            WHEN u.INSCHRIJVING_ID IS NOT NULL THEN 'Ja'
            WHEN n.INSCHRIJVING_ID IS NOT NULL THEN 'Nee'
        END AS TLV_GEBRUIKT,
        n.REDEN AS TLV_NIET_GEBRUIKT_REDEN
    FROM chargeable AS c
    LEFT JOIN used_tlv AS u USING (INSCHRIJVING_ID)
    LEFT JOIN unused_tlv AS n USING (INSCHRIJVING_ID)
    LEFT JOIN previous_school AS p USING (INSCHRIJVING_ID)
    LEFT JOIN home_partnership AS h USING (INSCHRIJVING_ID)
)
SELECT
    $teldatum AS TELDATUM,
    d.SAMENWERKINGSVERBAND,
    swv.NAAM AS SAMENWERKINGSVERBAND_NAAM,
    d.WIJZE_VAN_BEPALING_SWV,
    d.ONDERWIJSNUMMER,
    d.INSCHRIJVING_ID,
    d.VESTIGING,
    d.VESTIGING_NAAM,
    d.SWV_VESTIGING,
    d.ONDERWIJSSOORT,
    -- R10 SBO for SBO; for SO/VSO the used TLV's category, else the enrolment's own
    CASE
        WHEN d.ONDERWIJSSOORT = 'SBO' THEN 'SBO'
        ELSE 'SO_VSO_' || coalesce(d.USED_TLV_CATEGORIE, d.BEKOSTIGINGSCATEGORIE)
    END AS BEKOSTIGINGSCATEGORIE,
    d.DATUM_INSCHRIJVING,
    d.DATUM_UITSCHRIJVING,
    d.TLV_NUMMER,
    d.TLV_BEGINDATUM,
    d.TLV_EINDDATUM,
    d.TLV_GEBRUIKT,
    d.TLV_NIET_GEBRUIKT_REDEN,
    nullif(array_to_string(list_sort(list_filter([
        -- R10 the used TLV's category differs from the enrolment's
        CASE WHEN d.ONDERWIJSSOORT <> 'SBO'
                  AND d.USED_TLV_CATEGORIE <> d.BEKOSTIGINGSCATEGORIE
             THEN 'CATEGORIE_AFWIJKEND' END,
        CASE WHEN d.AANTAL_GELDIG > 1 THEN 'MEERDERE_GELDIGE_TLV' END,  -- R5
        CASE WHEN d.WIJZE_VAN_BEPALING_SWV = 'Vestiging' THEN 'WOONPLAATS_ONBEKEND' END  -- R8
    ], lambda flag: flag IS NOT NULL)), ','), '') AS SIGNALERINGEN
FROM decided AS d
LEFT JOIN samenwerkingsverbanden AS swv ON swv.SWV_CODE = d.SAMENWERKINGSVERBAND
"""

SELECT_CHARGED = """
SELECT * FROM rulebook_charged ORDER BY SAMENWERKINGSVERBAND, INSCHRIJVING_ID
"""

"""A national-scale extract built in DuckDB (range() + hash-based columns), for timing the rulebook.

Run: .venv/bin/python -m rod_pipeline_tests.rulebook.national_scale [ROWS]
"""

from __future__ import annotations

import sys
import time

import duckdb

from rod_pipeline.rulebook import apply_rulebook
from rod_pipeline_tests.rulebook.relations import DEADLINE, T

# ~76 PO and ~74 VO partnerships, ~7,000 locations, ~4,000 PC4 areas (DOMAIN.md "Scale").
_REFERENCE = """
CREATE OR REPLACE TABLE samenwerkingsverbanden AS
SELECT printf('%s%04d', sector, 2000 + n) AS SWV_CODE, printf('SWV %s %d', sector, n) AS NAAM
FROM (VALUES ('PO', 76), ('VO', 74)) AS s(sector, aantal), range(1, aantal + 1) AS r(n);

CREATE OR REPLACE TABLE vestigingen AS
SELECT
    printf('%02dXX%02d', k // 100, k % 100) AS VESTIGING,
    printf('School %d', k) AS NAAM,
    soort AS ONDERWIJSSOORT,
    CASE WHEN soort IN ('SO', 'VSO') THEN [1, 2, 3, 3, 3, 4, 4, 4, 4, 4][1 + k % 10] END AS CLUSTER,
    printf('%04dAA', 1000 + k % 4000) AS POSTCODE,
    CASE WHEN soort IN ('VO', 'VSO')
        THEN printf('VO%04d', 2001 + hash(k) % 74)
        ELSE printf('PO%04d', 2001 + hash(k) % 76)
    END AS SWV_CODE
FROM (
    SELECT k, CASE
        WHEN k < 5000 THEN 'BAO' WHEN k < 5300 THEN 'SBO' WHEN k < 5600 THEN 'SO'
        WHEN k < 5900 THEN 'VSO' ELSE 'VO' END AS soort
    FROM range(7000) AS r(k)
);

CREATE OR REPLACE TABLE regio_indeling AS
SELECT
    (1000 + n)::VARCHAR AS PC4,
    printf('Gemeente %d', n // 10) AS GEMEENTE,
    CASE WHEN n % 50 <> 0 THEN printf('PO%04d', 2001 + n % 76) END AS PO_SWV,
    CASE WHEN n % 50 <> 0 THEN printf('VO%04d', 2001 + n % 74) END AS VO_SWV
FROM range(4000) AS r(n);
"""

# The locations of a soort are a contiguous range of k in vestigingen (see above).
_ENROLMENTS = """
CREATE OR REPLACE TABLE inschrijvingen AS
WITH drawn AS (
    SELECT
        i,
        hash(i, 'soort') % 1000 AS s,
        DATE '2014-08-01' + (hash(i, 'start') % 4200)::INTEGER AS start
    FROM range($rows) AS r(i)
),
typed AS (
    SELECT i, start, t.*
    FROM drawn
    JOIN (VALUES
        ('BAO', 0, 570, 0, 5000), ('SBO', 570, 585, 5000, 300), ('SO', 585, 600, 5300, 300),
        ('VSO', 600, 615, 5600, 300), ('VO', 615, 1000, 5900, 1100)
    ) AS t(soort, s_from, s_to, first_k, locations) ON s >= s_from AND s < s_to
),
located AS (
    SELECT *, first_k + hash(i, 'school') % locations AS k FROM typed
)
SELECT
    printf('I%09d', i) AS INSCHRIJVING_ID,
    printf('%09d', hash(i, 'pupil') % ($rows // 2)) AS ONDERWIJSNUMMER,
    printf('%02dXX%02d', k // 100, k % 100) AS VESTIGING,
    soort AS ONDERWIJSSOORT,
    CASE WHEN soort IN ('SO', 'VSO')
        THEN ['LAAG', 'MIDDEN', 'HOOG'][1 + (hash(i, 'cat') % 3)::INTEGER]
    END AS BEKOSTIGINGSCATEGORIE,
    CASE WHEN hash(i, 'pc') % 50 <> 0
        THEN printf('%04dAB', 1000 + hash(i, 'pc') % 4100) END AS POSTCODE_LEERLING,
    start AS DATUM_INSCHRIJVING,
    CASE WHEN hash(i, 'open') % 100 >= 38
        THEN start + (hash(i, 'end') % 2500)::INTEGER END AS DATUM_UITSCHRIJVING,
    CASE hash(i, 'res') % 1000 WHEN 0 THEN 'GJI' WHEN 1 THEN 'JJI' WHEN 2 THEN 'IJH'
        WHEN 3 THEN 'IJH' END AS RESIDENTIEEL,
    start + (hash(i, 'reg') % 45)::INTEGER AS REGISTRATIEDATUM
FROM located
"""

# Most special enrolments have a TLV, from a partnership of the enrolment's sector.
_TLVS = """
CREATE OR REPLACE TABLE tlv AS
SELECT
    printf('%s-%d-%s', swv, year(BEGINDATUM), substr(INSCHRIJVING_ID, 2)) AS TLV_NUMMER,
    ONDERWIJSNUMMER, swv AS SWV_CODE,
    CASE WHEN ONDERWIJSSOORT = 'SBO' THEN 'SBO' ELSE 'SO_VSO' END AS SOORT_TLV,
    CASE WHEN ONDERWIJSSOORT <> 'SBO'
        THEN ['LAAG', 'MIDDEN', 'HOOG'][1 + (hash(INSCHRIJVING_ID, 'tcat') % 3)::INTEGER] END
        AS BEKOSTIGINGSCATEGORIE,
    BEGINDATUM,
    CASE WHEN hash(INSCHRIJVING_ID, 'tend') % 10 > 0
        THEN BEGINDATUM + (hash(INSCHRIJVING_ID, 'tdur') % 1500)::INTEGER END AS EINDDATUM
FROM (
    SELECT *,
        CASE WHEN ONDERWIJSSOORT = 'VSO'
            THEN printf('VO%04d', 2001 + hash(INSCHRIJVING_ID, 'tswv') % 74)
            ELSE printf('PO%04d', 2001 + hash(INSCHRIJVING_ID, 'tswv') % 76)
        END AS swv,
        DATUM_INSCHRIJVING - (hash(INSCHRIJVING_ID, 'tbegin') % 200)::INTEGER AS BEGINDATUM
    FROM inschrijvingen
    WHERE ONDERWIJSSOORT IN ('SBO', 'SO', 'VSO') AND hash(INSCHRIJVING_ID, 'tlv') % 10 < 9
)
"""


_ACTIVE = """
SELECT count(*) FROM inschrijvingen
WHERE DATUM_INSCHRIJVING <= $teldatum
  AND (DATUM_UITSCHRIJVING IS NULL OR DATUM_UITSCHRIJVING >= $teldatum)
"""


def create_national_relations(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """The five relations with `rows` enrolments (about half of them active on 1-2-2025)."""
    con.execute(_REFERENCE)
    con.execute(_ENROLMENTS, {"rows": rows})
    con.execute(_TLVS)


def main(rows: int) -> None:
    con = duckdb.connect()
    started = time.perf_counter()
    create_national_relations(con, rows)
    built = time.perf_counter()
    result = apply_rulebook(con, T, DEADLINE)
    done = time.perf_counter()
    sizes = {
        name: con.sql(f"SELECT count(*) FROM {name}").fetchall()[0][0]
        for name in ["inschrijvingen", "tlv", "vestigingen"]
    }
    sizes["active on T"] = con.sql(_ACTIVE, params={"teldatum": T}).fetchall()[0][0]
    print(f"relations {sizes}, built in {built - started:.1f} s")
    print(
        f"apply_rulebook: {done - built:.2f} s -> charged {result.charged.num_rows}, "
        f"niet_toegerekend {result.niet_toegerekend.num_rows}, counts {result.counts.num_rows}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000)

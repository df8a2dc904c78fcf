"""Reading a generated installation into DuckDB views, independently of the generator's code:
the files are checked as a consumer of the contract sees them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

TELDATUM = date(2025, 2, 1)
AFTER_DEADLINE = date(2025, 3, 15)  # the first extract after the 2025 registration deadline

_MACROS = """
CREATE MACRO as_date(x) AS
    COALESCE(TRY_STRPTIME(x, '%Y-%m-%d'), TRY_STRPTIME(x, '%d-%m-%Y'))::DATE;
CREATE MACRO eleven(n) AS (
    9 * substr(n, 1, 1)::INT + 8 * substr(n, 2, 1)::INT + 7 * substr(n, 3, 1)::INT
    + 6 * substr(n, 4, 1)::INT + 5 * substr(n, 5, 1)::INT + 4 * substr(n, 6, 1)::INT
    + 3 * substr(n, 7, 1)::INT + 2 * substr(n, 8, 1)::INT - substr(n, 9, 1)::INT + 11
) % 11;
CREATE MACRO valid_pupil_number(n) AS
    regexp_full_match(COALESCE(n, ''), '[0-9]{9}')
    AND (eleven(n) = 0 OR (eleven(n) = 5 AND starts_with(n, '10')));
"""


def source(path: Path) -> str:
    """A DuckDB table expression reading one input file as text."""
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', delim=';', header=true, all_varchar=true, quote='')"


def connect(data_dir: Path, peildatum: date = AFTER_DEADLINE, fmt: str = "csv"):
    """Views: swv, regio, vestigingen, teldata (reference), and raw inschrijvingen and tlv of
    the extract, plus `ins` and `tlvs` with parsed dates (rows of valid dates only)."""
    con = duckdb.connect()
    con.execute(_MACROS)
    reference = data_dir / "reference"
    for view, name in (
        ("swv", "samenwerkingsverbanden"),
        ("regio", "regio_indeling"),
        ("vestigingen", "vestigingen"),
        ("teldata", "teldata"),
    ):
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM {source(reference / f'{name}.csv')}")
    extract = data_dir / "inbox" / peildatum.isoformat()
    for name in ("inschrijvingen", "tlv"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {source(extract / f'{name}.{fmt}')}")
    con.execute(
        """CREATE VIEW ins AS SELECT *, as_date(DATUM_INSCHRIJVING) AS begin_,
        as_date(DATUM_UITSCHRIJVING) AS end_, as_date(REGISTRATIEDATUM) AS registered_,
        CASE WHEN ONDERWIJSSOORT IN ('VO', 'VSO') THEN 'VO' ELSE 'PO' END AS sector
        FROM inschrijvingen WHERE as_date(DATUM_INSCHRIJVING) IS NOT NULL"""
    )
    con.execute(
        """CREATE VIEW tlvs AS SELECT *, as_date(BEGINDATUM) AS begin_,
        as_date(EINDDATUM) AS end_, left(SWV_CODE, 2) AS sector FROM tlv
        WHERE as_date(BEGINDATUM) IS NOT NULL"""
    )
    return con


def scalar(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()[0]


# Rows that break at least one rule of CONTRACT.md ("Input files").
BROKEN_INSCHRIJVINGEN = """
SELECT count(*) FROM (
  SELECT i.*, count(*) OVER (PARTITION BY INSCHRIJVING_ID) AS id_uses FROM inschrijvingen i
) i
WHERE NOT valid_pupil_number(ONDERWIJSNUMMER)
   OR INSCHRIJVING_ID IS NULL OR id_uses > 1
   OR NOT regexp_full_match(COALESCE(VESTIGING, ''), '[0-9]{2}[A-Z]{2}[0-9]{2}')
   OR NOT EXISTS (SELECT 1 FROM vestigingen v
                  WHERE v.VESTIGING = i.VESTIGING AND v.ONDERWIJSSOORT = i.ONDERWIJSSOORT)
   OR ONDERWIJSSOORT NOT IN ('BAO', 'SBO', 'SO', 'VSO', 'VO')
   OR (ONDERWIJSSOORT IN ('SO', 'VSO')
       AND COALESCE(BEKOSTIGINGSCATEGORIE, '') NOT IN ('LAAG', 'MIDDEN', 'HOOG'))
   OR (ONDERWIJSSOORT NOT IN ('SO', 'VSO') AND BEKOSTIGINGSCATEGORIE IS NOT NULL)
   OR NOT regexp_full_match(COALESCE(POSTCODE_LEERLING, '1234AB'), '[0-9]{4} ?[A-Z]{2}')
   OR as_date(DATUM_INSCHRIJVING) IS NULL
   OR (DATUM_UITSCHRIJVING IS NOT NULL AND (as_date(DATUM_UITSCHRIJVING) IS NULL
       OR as_date(DATUM_UITSCHRIJVING) < as_date(DATUM_INSCHRIJVING)))
   OR COALESCE(RESIDENTIEEL, 'IJH') NOT IN ('IJH', 'GJI', 'JJI')
   OR (REGISTRATIEDATUM IS NOT NULL AND as_date(REGISTRATIEDATUM) IS NULL)
"""

BROKEN_TLV = """
SELECT count(*) FROM (
  SELECT t.*, count(*) OVER (PARTITION BY TLV_NUMMER) AS number_uses FROM tlv t
) t
WHERE NOT regexp_full_match(COALESCE(TLV_NUMMER, ''), '(PO|VO)[0-9]{4}-[0-9]{4}-[0-9]+')
   OR number_uses > 1 OR NOT starts_with(TLV_NUMMER, COALESCE(SWV_CODE, '-'))
   OR NOT valid_pupil_number(ONDERWIJSNUMMER)
   OR SWV_CODE NOT IN (SELECT SWV_CODE FROM swv)
   OR SOORT_TLV NOT IN ('SBO', 'SO_VSO')
   OR (SOORT_TLV = 'SBO' AND NOT starts_with(SWV_CODE, 'PO'))
   OR (SOORT_TLV = 'SO_VSO'
       AND COALESCE(BEKOSTIGINGSCATEGORIE, '') NOT IN ('LAAG', 'MIDDEN', 'HOOG'))
   OR (SOORT_TLV = 'SBO' AND BEKOSTIGINGSCATEGORIE IS NOT NULL)
   OR as_date(BEGINDATUM) IS NULL
   OR (EINDDATUM IS NOT NULL AND (as_date(EINDDATUM) IS NULL
       OR as_date(EINDDATUM) < as_date(BEGINDATUM)))
"""


def expected_broken_rows(made: dict[str, int]) -> int:
    """A duplicated INSCHRIJVING_ID breaks the row it was copied into and the original."""
    return sum(made.values()) + made.get("duplicate_id", 0)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every generated file's bytes, by path relative to the folder."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}

"""One Pandera model per input file: its columns, in the users' words, and every rule on them.

A model declares two kinds of columns:
- the file's own columns (text as read, trimmed; empty = null), with at most one value rule each
  (`metadata["regel"]`: the Pandera check's rule), and `nullable=False` for a required field
  (rule VERPLICHT);
- rule columns named `KOLOM__REGEL_CODE`, for rules that need another column, the reference data
  or the whole file, with their SQL (`metadata["sql"]`): true = the rule holds, null = it does
  not apply. They must hold (`rule_holds`).
DuckDB checks a file against all of them in one pass (predicates.py translates the Pandera
checks to SQL), so a rule is declared here and nowhere else.

The SQL sees the trimmed file columns, `parsed_<COLUMN>` (DATE) for every date column, the whole
file as `file_rows` and the query parameter `$peildatum`.
"""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

from rod_pipeline.contract import onderwijsnummer  # noqa: F401  (registers its check)
from rod_pipeline.contract.predicates import str_matches_sql

Text = Annotated[pd.ArrowDtype, pyarrow.string()]
Holds = Annotated[pd.ArrowDtype, pyarrow.bool_()]

SOORTEN = ("BAO", "SBO", "SO", "VSO", "VO")
SPECIAAL = ("SO", "VSO")
CATEGORIEEN = ("LAAG", "MIDDEN", "HOOG")
RESIDENTIEEL = ("IJH", "GJI", "JJI")
SOORTEN_TLV = ("SBO", "SO_VSO")
PO_SOORTEN = ("BAO", "SBO", "SO")

INSCHRIJVING_ID_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$"
VESTIGING_PATTERN = r"^[0-9]{2}[A-Z]{2}[0-9]{2}$"
POSTCODE_PATTERN = r"^[0-9]{4} ?[A-Z]{2}$"
SWV_PATTERN = r"^(PO|VO)[0-9]{4}$"
TLV_NUMMER_PATTERN = r"^(PO|VO)[0-9]{4}-[0-9]{4}-[0-9]+$"


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def column(
    description: str,
    *,
    required: bool = False,
    rule: str | None = None,
    date: bool = False,
    **check: Any,
) -> Any:
    """A column of the file; `check` is the Pandera check of its value rule `rule`."""
    return pa.Field(
        nullable=not required,
        description=description,
        metadata={"regel": rule, "datum": date},
        **check,
    )


def rule(kolom: str, regel: str, sql: str) -> Any:
    """A rule on `kolom` that DuckDB evaluates with `sql` (true = holds, null = not applicable)."""
    return pa.Field(nullable=True, metadata={"kolom": kolom, "regel": regel, "sql": sql})


def date_rule(kolom: str) -> Any:
    return rule(
        kolom, "DATUM_GELDIG", f"CASE WHEN {kolom} IS NOT NULL THEN parsed_{kolom} IS NOT NULL END"
    )


def unique_rule(kolom: str, *key: str) -> Any:
    """`key` (default: `kolom`) is unique; all rows sharing a key are rejected: we cannot know
    which one is right."""
    key = key or (kolom,)
    present = " AND ".join(f"{name} IS NOT NULL" for name in key)
    columns = ", ".join(key)
    # The keys held twice are few: collecting them beats a window over every row.
    return rule(
        kolom,
        "UNIEK",
        f"CASE WHEN {present} THEN ({columns}) NOT IN (SELECT ({columns}) FROM file_rows "
        f"WHERE {present} GROUP BY ALL HAVING count(*) > 1) END",
    )


def matches(column: str, pattern: str) -> str:
    """SQL: `column` has the format; a rule that needs a well-formed value applies only then.

    The same predicate as the format rule's, so DuckDB can evaluate it once for both."""
    return str_matches_sql(column, pattern)


def known_swv_rule(kolom: str) -> Any:
    return rule(
        kolom,
        "SWV_BEKEND",
        f"CASE WHEN {matches(kolom, SWV_PATTERN)} THEN {kolom} IN (SELECT SWV_CODE FROM "
        "ref_samenwerkingsverbanden WHERE PEILDATUM = $peildatum) END",
    )


def plain_text_rule(kolom: str) -> Any:
    """Text for people holds no control or format characters (Unicode Cc, Cf, Zl, Zp): they
    break a page or a spreadsheet, or hide what a name says (U+202E turns text around)."""
    characters = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]"
    return rule(kolom, "GEEN_STUURTEKENS", f"NOT regexp_matches({kolom}, '{characters}')")


def category_required(kind_column: str, kinds: tuple[str, ...]) -> Any:
    """BEKOSTIGINGSCATEGORIE is required for these kinds..."""
    return rule(
        "BEKOSTIGINGSCATEGORIE",
        "CATEGORIE_VERPLICHT",
        f"CASE WHEN {kind_column} IN {_sql_list(kinds)} THEN BEKOSTIGINGSCATEGORIE IS NOT NULL END",
    )


def category_forbidden(kind_column: str, kinds: tuple[str, ...], all_kinds: tuple[str, ...]) -> Any:
    """...and must be empty for every other (valid) kind."""
    others = tuple(kind for kind in all_kinds if kind not in kinds)
    return rule(
        "BEKOSTIGINGSCATEGORIE",
        "CATEGORIE_NIET_TOEGESTAAN",
        f"CASE WHEN {kind_column} IN {_sql_list(others)} THEN BEKOSTIGINGSCATEGORIE IS NULL END",
    )


class ContractModel(pa.DataFrameModel):
    """Shared by all input files: the rule columns must hold."""

    class Config:
        strict = False  # the checked frame also carries BRON_REGEL
        coerce = False

    @pa.check(r"^[A-Z0-9_]+__[A-Z0-9_]+$", regex=True)
    def rule_holds(cls, holds: pd.Series) -> pd.Series:
        return holds


_ONDERWIJSNUMMER = "the pupil's BSN or onderwijsnummer (9 digits)"
_CATEGORIE = "funding category LAAG, MIDDEN or HOOG"


class Inschrijvingen(ContractModel):
    """inschrijvingen.csv: one row per enrolment in the register at the peildatum."""

    INSCHRIJVING_ID: Series[Text] = column(
        "the enrolment's id: 1-40 letters, digits, '.', '_' or '-', unique in the extract",
        required=True,
        rule="INSCHRIJVING_ID_FORMAAT",
        str_matches=INSCHRIJVING_ID_PATTERN,
    )
    ONDERWIJSNUMMER: Series[Text] = column(
        _ONDERWIJSNUMMER, required=True, rule="ONDERWIJSNUMMER_GELDIG", onderwijsnummer=()
    )
    VESTIGING: Series[Text] = column(
        "the school location's code, e.g. 00JH00",
        required=True,
        rule="VESTIGING_FORMAAT",
        str_matches=VESTIGING_PATTERN,
    )
    ONDERWIJSSOORT: Series[Text] = column(
        "type of education: BAO, SBO, SO, VSO or VO",
        required=True,
        rule="ONDERWIJSSOORT_GELDIG",
        isin=SOORTEN,
    )
    BEKOSTIGINGSCATEGORIE: Series[Text] = column(
        f"{_CATEGORIE}; required for SO/VSO, empty for the others",
        rule="CATEGORIE_GELDIG",
        isin=CATEGORIEEN,
    )
    POSTCODE_LEERLING: Series[Text] = column(
        "the pupil's home postcode, 1234AB or 1234 AB; empty when unknown or abroad",
        rule="POSTCODE_FORMAAT",
        str_matches=POSTCODE_PATTERN,
    )
    DATUM_INSCHRIJVING: Series[Text] = column(
        "first day of the enrolment", required=True, date=True
    )
    DATUM_UITSCHRIJVING: Series[Text] = column(
        "last day of the enrolment; empty while it lasts", date=True
    )
    RESIDENTIEEL: Series[Text] = column(
        "residential placement: IJH (open youth care), GJI (closed youth care) or JJI (youth "
        "justice); empty for none",
        rule="RESIDENTIEEL_GELDIG",
        isin=RESIDENTIEEL,
    )
    REGISTRATIEDATUM: Series[Text] = column(
        "the date the school registered the enrolment", date=True
    )

    INSCHRIJVING_ID__UNIEK: Series[Holds] = unique_rule("INSCHRIJVING_ID")
    VESTIGING__VESTIGING_BEKEND: Series[Holds] = rule(
        "VESTIGING",
        "VESTIGING_BEKEND",
        f"CASE WHEN {matches('VESTIGING', VESTIGING_PATTERN)} "
        f"AND ONDERWIJSSOORT IN {_sql_list(SOORTEN)} THEN "
        # EXISTS joins on the two columns; IN would compare them as a struct (slower).
        "EXISTS (SELECT 1 FROM ref_vestigingen AS r WHERE r.PEILDATUM = $peildatum "
        "AND r.VESTIGING = file_rows.VESTIGING "
        "AND r.ONDERWIJSSOORT = file_rows.ONDERWIJSSOORT) END",
    )
    BEKOSTIGINGSCATEGORIE__CATEGORIE_VERPLICHT: Series[Holds] = category_required(
        "ONDERWIJSSOORT", SPECIAAL
    )
    BEKOSTIGINGSCATEGORIE__CATEGORIE_NIET_TOEGESTAAN: Series[Holds] = category_forbidden(
        "ONDERWIJSSOORT", SPECIAAL, SOORTEN
    )
    DATUM_INSCHRIJVING__DATUM_GELDIG: Series[Holds] = date_rule("DATUM_INSCHRIJVING")
    DATUM_UITSCHRIJVING__DATUM_GELDIG: Series[Holds] = date_rule("DATUM_UITSCHRIJVING")
    REGISTRATIEDATUM__DATUM_GELDIG: Series[Holds] = date_rule("REGISTRATIEDATUM")
    DATUM_UITSCHRIJVING__NIET_VOOR_INSCHRIJVING: Series[Holds] = rule(
        "DATUM_UITSCHRIJVING",
        "NIET_VOOR_INSCHRIJVING",
        "parsed_DATUM_UITSCHRIJVING >= parsed_DATUM_INSCHRIJVING",
    )


class Tlv(ContractModel):
    """tlv.csv: one row per TLV (toelaatbaarheidsverklaring)."""

    TLV_NUMMER: Series[Text] = column(
        "the TLV's number: issuing partnership, year, sequence, e.g. PO2304-2021-11111",
        required=True,
        rule="TLV_NUMMER_FORMAAT",
        str_matches=TLV_NUMMER_PATTERN,
    )
    ONDERWIJSNUMMER: Series[Text] = column(
        _ONDERWIJSNUMMER, required=True, rule="ONDERWIJSNUMMER_GELDIG", onderwijsnummer=()
    )
    SWV_CODE: Series[Text] = column(
        "the issuing partnership", required=True, rule="SWV_FORMAAT", str_matches=SWV_PATTERN
    )
    SOORT_TLV: Series[Text] = column(
        "SBO (only from a PO partnership) or SO_VSO",
        required=True,
        rule="SOORT_TLV_GELDIG",
        isin=SOORTEN_TLV,
    )
    BEKOSTIGINGSCATEGORIE: Series[Text] = column(
        f"{_CATEGORIE}; required for SO_VSO, empty for SBO",
        rule="CATEGORIE_GELDIG",
        isin=CATEGORIEEN,
    )
    BEGINDATUM: Series[Text] = column("first day the TLV is valid", required=True, date=True)
    EINDDATUM: Series[Text] = column("last day the TLV is valid; empty: indefinite", date=True)

    TLV_NUMMER__UNIEK: Series[Holds] = unique_rule("TLV_NUMMER")
    TLV_NUMMER__TLV_NUMMER_VAN_SWV: Series[Holds] = rule(
        "TLV_NUMMER",
        "TLV_NUMMER_VAN_SWV",
        f"CASE WHEN {matches('SWV_CODE', SWV_PATTERN)} "
        "THEN starts_with(TLV_NUMMER, SWV_CODE || '-') END",
    )
    SWV_CODE__SWV_BEKEND: Series[Holds] = known_swv_rule("SWV_CODE")
    SOORT_TLV__SBO_ALLEEN_PO: Series[Holds] = rule(
        "SOORT_TLV",
        "SBO_ALLEEN_PO",
        f"CASE WHEN SOORT_TLV = 'SBO' AND {matches('SWV_CODE', SWV_PATTERN)} "
        "THEN starts_with(SWV_CODE, 'PO') END",
    )
    BEKOSTIGINGSCATEGORIE__CATEGORIE_VERPLICHT: Series[Holds] = category_required(
        "SOORT_TLV", ("SO_VSO",)
    )
    BEKOSTIGINGSCATEGORIE__CATEGORIE_NIET_TOEGESTAAN: Series[Holds] = category_forbidden(
        "SOORT_TLV", ("SO_VSO",), SOORTEN_TLV
    )
    BEGINDATUM__DATUM_GELDIG: Series[Holds] = date_rule("BEGINDATUM")
    EINDDATUM__DATUM_GELDIG: Series[Holds] = date_rule("EINDDATUM")
    EINDDATUM__NIET_VOOR_BEGINDATUM: Series[Holds] = rule(
        "EINDDATUM", "NIET_VOOR_BEGINDATUM", "parsed_EINDDATUM >= parsed_BEGINDATUM"
    )


class Samenwerkingsverbanden(ContractModel):
    """samenwerkingsverbanden.csv: the partnerships (reference data)."""

    SWV_CODE: Series[Text] = column(
        "partnership code: PO or VO and 4 digits",
        required=True,
        rule="SWV_FORMAAT",
        str_matches=SWV_PATTERN,
    )
    NAAM: Series[Text] = column("the partnership's name", required=True)

    SWV_CODE__UNIEK: Series[Holds] = unique_rule("SWV_CODE")
    NAAM__GEEN_STUURTEKENS: Series[Holds] = plain_text_rule("NAAM")


class RegioIndeling(ContractModel):
    """regio_indeling.csv: which partnerships cover each 4-digit postcode area (reference data)."""

    PC4: Series[Text] = column(
        "4-digit postcode area", required=True, rule="PC4_FORMAAT", str_matches=r"^[0-9]{4}$"
    )
    GEMEENTE: Series[Text] = column("municipality")
    PO_SWV: Series[Text] = column(
        "the PO partnership covering the area; empty: none",
        rule="SWV_FORMAAT",
        str_matches=SWV_PATTERN,
    )
    VO_SWV: Series[Text] = column(
        "the VO partnership covering the area; empty: none",
        rule="SWV_FORMAAT",
        str_matches=SWV_PATTERN,
    )

    PC4__UNIEK: Series[Holds] = unique_rule("PC4")
    GEMEENTE__GEEN_STUURTEKENS: Series[Holds] = plain_text_rule("GEMEENTE")
    PO_SWV__SWV_BEKEND: Series[Holds] = known_swv_rule("PO_SWV")
    VO_SWV__SWV_BEKEND: Series[Holds] = known_swv_rule("VO_SWV")
    PO_SWV__SWV_SECTOR: Series[Holds] = rule(
        "PO_SWV",
        "SWV_SECTOR",
        f"CASE WHEN {matches('PO_SWV', SWV_PATTERN)} THEN PO_SWV[1:2] = 'PO' END",
    )
    VO_SWV__SWV_SECTOR: Series[Holds] = rule(
        "VO_SWV",
        "SWV_SECTOR",
        f"CASE WHEN {matches('VO_SWV', SWV_PATTERN)} THEN VO_SWV[1:2] = 'VO' END",
    )


class Vestigingen(ContractModel):
    """vestigingen.csv: one row per school location and type of education (reference data)."""

    VESTIGING: Series[Text] = column(
        "the school location's code, e.g. 00JH00",
        required=True,
        rule="VESTIGING_FORMAAT",
        str_matches=VESTIGING_PATTERN,
    )
    NAAM: Series[Text] = column("the location's name", required=True)
    ONDERWIJSSOORT: Series[Text] = column(
        "type of education at this location: BAO, SBO, SO, VSO or VO",
        required=True,
        rule="ONDERWIJSSOORT_GELDIG",
        isin=SOORTEN,
    )
    CLUSTER: Series[Text] = column(
        "cluster 1-4 for SO/VSO, empty otherwise",
        rule="CLUSTER_GELDIG",
        isin=("1", "2", "3", "4"),
    )
    POSTCODE: Series[Text] = column(
        "the location's postcode", rule="POSTCODE_FORMAAT", str_matches=POSTCODE_PATTERN
    )
    SWV_CODE: Series[Text] = column(
        "the location's partnership: PO for BAO/SBO/SO, VO for VO/VSO",
        rule="SWV_FORMAAT",
        str_matches=SWV_PATTERN,
    )

    VESTIGING__UNIEK: Series[Holds] = unique_rule("VESTIGING", "VESTIGING", "ONDERWIJSSOORT")
    NAAM__GEEN_STUURTEKENS: Series[Holds] = plain_text_rule("NAAM")
    CLUSTER__CLUSTER_VERPLICHT: Series[Holds] = rule(
        "CLUSTER",
        "CLUSTER_VERPLICHT",
        f"CASE WHEN ONDERWIJSSOORT IN {_sql_list(SPECIAAL)} THEN CLUSTER IS NOT NULL END",
    )
    CLUSTER__CLUSTER_NIET_TOEGESTAAN: Series[Holds] = rule(
        "CLUSTER",
        "CLUSTER_NIET_TOEGESTAAN",
        f"CASE WHEN ONDERWIJSSOORT IS NOT NULL AND ONDERWIJSSOORT NOT IN {_sql_list(SPECIAAL)} "
        "THEN CLUSTER IS NULL END",
    )
    SWV_CODE__SWV_BEKEND: Series[Holds] = known_swv_rule("SWV_CODE")
    SWV_CODE__SWV_SECTOR: Series[Holds] = rule(
        "SWV_CODE",
        "SWV_SECTOR",
        f"CASE WHEN ONDERWIJSSOORT IN {_sql_list(SOORTEN)} AND {matches('SWV_CODE', SWV_PATTERN)} "
        "THEN starts_with(SWV_CODE, "
        f"CASE WHEN ONDERWIJSSOORT IN {_sql_list(PO_SOORTEN)} THEN 'PO' ELSE 'VO' END) END",
    )


class Teldata(ContractModel):
    """teldata.csv: the count dates, with DUO's overrides of their deadlines (reference data)."""

    TELDATUM: Series[Text] = column("count date (1 February)", required=True, date=True)
    REGISTRATIEDEADLINE: Series[Text] = column(
        "registration deadline when DUO moved it; empty: 28 days after TELDATUM (next Monday "
        "when that is a weekend day)",
        date=True,
    )
    EINDE_BEZWAARTERMIJN: Series[Text] = column(
        "end of the objection window when DUO moved it; empty: 6 weeks after the deadline",
        date=True,
    )

    TELDATUM__DATUM_GELDIG: Series[Holds] = date_rule("TELDATUM")
    TELDATUM__UNIEK: Series[Holds] = unique_rule("TELDATUM", "parsed_TELDATUM")
    REGISTRATIEDEADLINE__DATUM_GELDIG: Series[Holds] = date_rule("REGISTRATIEDEADLINE")
    EINDE_BEZWAARTERMIJN__DATUM_GELDIG: Series[Holds] = date_rule("EINDE_BEZWAARTERMIJN")
    REGISTRATIEDEADLINE__NA_TELDATUM: Series[Holds] = rule(
        "REGISTRATIEDEADLINE", "NA_TELDATUM", "parsed_REGISTRATIEDEADLINE > parsed_TELDATUM"
    )
    EINDE_BEZWAARTERMIJN__NA_REGISTRATIEDEADLINE: Series[Holds] = rule(
        "EINDE_BEZWAARTERMIJN",
        "NA_REGISTRATIEDEADLINE",
        "parsed_EINDE_BEZWAARTERMIJN > coalesce(parsed_REGISTRATIEDEADLINE, parsed_TELDATUM)",
    )


def _columns(model: type[ContractModel]) -> dict[str, Any]:
    return dict(model.to_schema().columns)


def file_columns(model: type[ContractModel]) -> list[str]:
    """The file's own columns, in the contract's order (without the rule columns)."""
    return [name for name, col in _columns(model).items() if "sql" not in col.metadata]


def required_columns(model: type[ContractModel]) -> list[str]:
    """Columns a file must have: the ones whose field may not be empty."""
    return [name for name in file_columns(model) if not _columns(model)[name].nullable]


def date_columns(model: type[ContractModel]) -> list[str]:
    return [name for name, col in _columns(model).items() if col.metadata.get("datum")]


def rule_sql(model: type[ContractModel]) -> dict[str, str]:
    """Rule column -> the DuckDB expression that evaluates it."""
    return {
        name: col.metadata["sql"] for name, col in _columns(model).items() if "sql" in col.metadata
    }

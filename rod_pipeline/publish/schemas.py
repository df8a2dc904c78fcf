"""Pandera models of the published datasets (CONTRACT.md, "Published datasets").

Declared once: they validate the staged tables before commit, give the Parquet files their Arrow
types, and their descriptions (Dutch / English) become the catalog's column comments and the
Dagster column schemas. Column order is the contract's order.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

String = Annotated[pd.ArrowDtype, pyarrow.string()]
Date = Annotated[pd.ArrowDtype, pyarrow.date32()]
# Counts fit 32 bits; DuckDB still sums any integer as HUGEINT (DATASETS.md: cast the sum).
Int = Annotated[pd.ArrowDtype, pyarrow.int32()]
Bool = Annotated[pd.ArrowDtype, pyarrow.bool_()]

SWV_CODE = r"^(PO|VO)[0-9]{4}$"
MUTATIES_1B = ["NIEUW", "GEWIJZIGD", "ONGEWIJZIGD"]
MUTATIES = ["NIEUW", "GEWIJZIGD", "VERVALLEN"]
STATUSES = ["VOORLOPIG", "VASTGESTELD", "DEFINITIEF"]

_TELDATUM = "Teldatum waarop geteld is / count date the funding is based on"
_PEILDATUM = "Peildatum van de levering / date of the extract this publication is made from"
_SWV = "Code van het samenwerkingsverband / code of the partnership (PO/VO + 4 digits)"
_SWV_NAAM = "Naam van het samenwerkingsverband / name of the partnership"
_WIJZE = (
    "Hoe het samenwerkingsverband bepaald is (TLV, Vorige school, Woonplaats leerling, Vestiging)"
    " / how the partnership was determined"
)
_ONDERWIJSNUMMER = "Onderwijsnummer of BSN van de leerling / pupil number (personal data)"
_INSCHRIJVING_ID = "Sleutel van de inschrijving in ROD / enrolment key in the register"
# Field metadata read by the data dictionary (DATASETS.md): columns that identify a pupil.
PERSONAL = {"personal": True}
_VESTIGING = "Code van de schoolvestiging / school location code"
_ONDERWIJSSOORT = "Onderwijssoort (BAO, SBO, SO, VSO, VO) / type of education"
_CATEGORIE = "Bekostigingscategorie / funding category"


class Dashboard1b(pa.DataFrameModel):
    """Dashboard 1b: one row per charged enrolment, with the TLV behind the charge."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    SAMENWERKINGSVERBAND: Series[String] = pa.Field(
        str_matches=SWV_CODE, description="Samenwerkingsverband dat betaalt / charged partnership"
    )
    SAMENWERKINGSVERBAND_NAAM: Series[String] = pa.Field(nullable=True, description=_SWV_NAAM)
    WIJZE_VAN_BEPALING_SWV: Series[String] = pa.Field(
        isin=["TLV", "Vorige school", "Woonplaats leerling", "Vestiging"], description=_WIJZE
    )
    ONDERWIJSNUMMER: Series[String] = pa.Field(description=_ONDERWIJSNUMMER, metadata=PERSONAL)
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID, metadata=PERSONAL)
    VESTIGING: Series[String] = pa.Field(description=_VESTIGING)
    VESTIGING_NAAM: Series[String] = pa.Field(
        nullable=True, description="Naam van de schoolvestiging / school location name"
    )
    SWV_VESTIGING: Series[String] = pa.Field(
        nullable=True,
        description="Samenwerkingsverband van de vestiging / partnership of the school location",
    )
    ONDERWIJSSOORT: Series[String] = pa.Field(
        isin=["SBO", "SO", "VSO"], description=_ONDERWIJSSOORT
    )
    BEKOSTIGINGSCATEGORIE: Series[String] = pa.Field(
        isin=["SBO", "SO_VSO_LAAG", "SO_VSO_MIDDEN", "SO_VSO_HOOG"], description=_CATEGORIE
    )
    DATUM_INSCHRIJVING: Series[Date] = pa.Field(description="Datum inschrijving / enrolment date")
    DATUM_UITSCHRIJVING: Series[Date] = pa.Field(
        nullable=True, description="Datum uitschrijving / deregistration date (empty: none)"
    )
    TLV_NUMMER: Series[String] = pa.Field(
        nullable=True, description="Getoonde TLV / TLV shown (used or not), empty when none"
    )
    TLV_BEGINDATUM: Series[Date] = pa.Field(
        nullable=True, description="Begindatum van de TLV / start date of the TLV"
    )
    TLV_EINDDATUM: Series[Date] = pa.Field(
        nullable=True, description="Einddatum van de TLV / end date of the TLV (empty: indefinite)"
    )
    TLV_GEBRUIKT: Series[String] = pa.Field(
        nullable=True,
        isin=["Ja", "Nee"],
        description="Of de TLV de toerekening bepaalde / whether the TLV decided the charge",
    )
    TLV_NIET_GEBRUIKT_REDEN: Series[String] = pa.Field(
        nullable=True,
        isin=["VERLOPEN", "NOG_NIET_GELDIG"],
        description="Waarom de TLV niet gebruikt is / why the shown TLV was not used",
    )
    SIGNALERINGEN: Series[String] = pa.Field(
        nullable=True,
        description="Signaleringen, gesorteerd en kommagescheiden / rulebook flags, sorted",
    )
    MUTATIE: Series[String] = pa.Field(
        isin=MUTATIES_1B,
        description="Verschil met de vorige publicatie / change against the previous publication",
    )

    class Config:
        unique: ClassVar[list[str]] = ["SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"]


class Dashboard1a(pa.DataFrameModel):
    """Dashboard 1a: the counts that drive a partnership's funding."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    SAMENWERKINGSVERBAND: Series[String] = pa.Field(str_matches=SWV_CODE, description=_SWV)
    SAMENWERKINGSVERBAND_NAAM: Series[String] = pa.Field(nullable=True, description=_SWV_NAAM)
    TELLING: Series[String] = pa.Field(
        isin=["TEN_LASTE", "LEERLINGBASIS"],
        description="Soort telling: ten laste of leerlingbasis / kind of count",
    )
    BEKOSTIGINGSCATEGORIE: Series[String] = pa.Field(
        isin=["SBO", "SO_VSO_LAAG", "SO_VSO_MIDDEN", "SO_VSO_HOOG", "REGULIER"],
        description=_CATEGORIE + " (REGULIER for LEERLINGBASIS)",
    )
    WIJZE_VAN_BEPALING_SWV: Series[String] = pa.Field(
        nullable=True, description=_WIJZE + " (empty for LEERLINGBASIS)"
    )
    AANTAL: Series[Int] = pa.Field(ge=0, description="Aantal / count")
    VERSCHIL: Series[Int] = pa.Field(
        nullable=True,
        description="AANTAL min dat van de vorige publicatie / AANTAL minus the previous "
        "publication's (empty for the first)",
    )

    class Config:
        unique: ClassVar[list[str]] = [
            "SAMENWERKINGSVERBAND",
            "TELLING",
            "BEKOSTIGINGSCATEGORIE",
            "WIJZE_VAN_BEPALING_SWV",
        ]


class NietToegerekend(pa.DataFrameModel):
    """Active special enrolments that are not charged, with the reason (R3), per partnership of
    their location (R12)."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    SAMENWERKINGSVERBAND: Series[String] = pa.Field(
        nullable=True,
        str_matches=SWV_CODE,
        description="Samenwerkingsverband van de vestiging (R12) / partnership of the location; "
        "empty (folder GEEN) when the location has none",
    )
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID, metadata=PERSONAL)
    ONDERWIJSNUMMER: Series[String] = pa.Field(description=_ONDERWIJSNUMMER, metadata=PERSONAL)
    VESTIGING: Series[String] = pa.Field(description=_VESTIGING)
    ONDERWIJSSOORT: Series[String] = pa.Field(description=_ONDERWIJSSOORT)
    REDEN: Series[String] = pa.Field(
        isin=[
            "CLUSTER_1_2",
            "GESLOTEN_PLAATSING",
            "NA_REGISTRATIEDEADLINE",
            "DUBBELE_INSCHRIJVING",
        ],
        description="Reden van niet toerekenen (R3) / reason the enrolment is not charged",
    )


class Mutaties(pa.DataFrameModel):
    """What changed in dashboard 1b against the previous publication of the teldatum."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    VORIGE_PEILDATUM: Series[Date] = pa.Field(
        nullable=True,
        description="Peildatum van de vergeleken publicatie / peildatum of the publication "
        "compared with (empty for the first)",
    )
    SAMENWERKINGSVERBAND: Series[String] = pa.Field(str_matches=SWV_CODE, description=_SWV)
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID, metadata=PERSONAL)
    ONDERWIJSNUMMER: Series[String] = pa.Field(description=_ONDERWIJSNUMMER, metadata=PERSONAL)
    MUTATIE: Series[String] = pa.Field(
        isin=MUTATIES, description="Soort mutatie / kind of change (NIEUW, GEWIJZIGD, VERVALLEN)"
    )
    BEKOSTIGINGSRELEVANT: Series[Bool] = pa.Field(
        description="Verandert wie voor wat betaalt (S6): NIEUW, VERVALLEN, of GEWIJZIGD in "
        "BEKOSTIGINGSCATEGORIE of WIJZE_VAN_BEPALING_SWV / funding-relevant change"
    )
    ANDER_SAMENWERKINGSVERBAND: Series[String] = pa.Field(
        nullable=True,
        str_matches=SWV_CODE,
        description="Bij een verhuizing: het samenwerkingsverband waar de leerling vandaan komt of "
        "heen gaat (S5) / the other partnership of a move, empty when none",
    )
    GEWIJZIGDE_KOLOMMEN: Series[String] = pa.Field(
        nullable=True,
        description="Gewijzigde kolommen in de volgorde van dashboard 1b / changed columns "
        "(GEWIJZIGD only)",
    )
    VORIGE_WAARDEN: Series[String] = pa.Field(
        nullable=True,
        metadata=PERSONAL,
        description="Vorige waarden van de gewijzigde kolommen, KOLOM=waarde gescheiden door "
        "'; ' / previous values of the changed columns (GEWIJZIGD only)",
    )

    class Config:
        unique: ClassVar[list[str]] = ["SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"]


class AfwijkingenNaDefinitief(Mutaties):
    """For a final teldatum: what the latest extract would change against the final publication
    (S8). PEILDATUM is the extract compared, VORIGE_PEILDATUM the final publication's."""


class Dashboard1aHistorie(Dashboard1a):
    """Dashboard 1a of every current publication of the teldatum (S9): how the counts moved from
    peildatum to peildatum."""

    class Config:
        unique: ClassVar[list[str]] = [
            "PEILDATUM",
            "SAMENWERKINGSVERBAND",
            "TELLING",
            "BEKOSTIGINGSCATEGORIE",
            "WIJZE_VAN_BEPALING_SWV",
        ]


class Stabiliteit(pa.DataFrameModel):
    """One row per publication of a teldatum: how stable its numbers are."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    STATUS: Series[String] = pa.Field(
        isin=STATUSES, description="Status van de telling / status (VOORLOPIG..DEFINITIEF)"
    )
    REGISTRATIEDEADLINE: Series[Date] = pa.Field(
        description="Registratiedeadline / registration deadline"
    )
    EINDE_BEZWAARTERMIJN: Series[Date] = pa.Field(
        description="Einde bezwaartermijn / end of the objection window"
    )
    AANTAL_TEN_LASTE: Series[Int] = pa.Field(ge=0, description="Rijen in 1b / charged enrolments")
    AANTAL_NIEUW: Series[Int] = pa.Field(ge=0, description="Nieuwe rijen / new rows")
    AANTAL_GEWIJZIGD: Series[Int] = pa.Field(ge=0, description="Gewijzigde rijen / changed rows")
    AANTAL_VERVALLEN: Series[Int] = pa.Field(
        ge=0, description="Vervallen rijen / rows that disappeared"
    )
    AANTAL_BEKOSTIGINGSRELEVANT: Series[Int] = pa.Field(
        ge=0, description="Bekostigingsrelevante mutaties (S6) / funding-relevant changes"
    )
    ONGEWIJZIGD_SINDS: Series[Date] = pa.Field(
        description="Peildatum van de laatste publicatie met een mutatie / unchanged since (S7)"
    )
    BEKOSTIGING_ONGEWIJZIGD_SINDS: Series[Date] = pa.Field(
        description="Peildatum van de laatste publicatie met een bekostigingsrelevante mutatie / "
        "funding unchanged since (S7)"
    )
    LATE_MUTATIE: Series[Bool] = pa.Field(
        description="Bekostigingsrelevante mutatie op of na de registratiedeadline (S7) / "
        "funding-relevant change on or after the deadline"
    )
    HEROPEND_REDEN: Series[String] = pa.Field(
        nullable=True,
        description="Waarom een definitieve teldatum heropend is (S8) / why a final teldatum was "
        "reopened; empty unless reopened",
    )
    INHOUD_HASH: Series[String] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$",
        description="SHA-256 van de inhoud / content hash of 1b, 1a and niet_toegerekend",
    )

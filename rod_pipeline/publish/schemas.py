"""Pandera models of the five published datasets (CONTRACT.md, "Published datasets").

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
Int = Annotated[pd.ArrowDtype, pyarrow.int64()]
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
    ONDERWIJSNUMMER: Series[String] = pa.Field(description=_ONDERWIJSNUMMER)
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID)
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
    """Active special enrolments that are not charged, with the reason (R3)."""

    TELDATUM: Series[Date] = pa.Field(description=_TELDATUM)
    PEILDATUM: Series[Date] = pa.Field(description=_PEILDATUM)
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID)
    ONDERWIJSNUMMER: Series[String] = pa.Field(description=_ONDERWIJSNUMMER)
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
        description="Peildatum van de vorige publicatie / peildatum of the previous publication",
    )
    SAMENWERKINGSVERBAND: Series[String] = pa.Field(str_matches=SWV_CODE, description=_SWV)
    INSCHRIJVING_ID: Series[String] = pa.Field(description=_INSCHRIJVING_ID)
    MUTATIE: Series[String] = pa.Field(
        isin=MUTATIES, description="Soort mutatie / kind of change (NIEUW, GEWIJZIGD, VERVALLEN)"
    )
    GEWIJZIGDE_KOLOMMEN: Series[String] = pa.Field(
        nullable=True,
        description="Gewijzigde kolommen, gesorteerd / changed columns, sorted (GEWIJZIGD only)",
    )

    class Config:
        unique: ClassVar[list[str]] = ["SAMENWERKINGSVERBAND", "INSCHRIJVING_ID"]


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
    ONGEWIJZIGD_SINDS: Series[Date] = pa.Field(
        description="Peildatum sinds wanneer de inhoud niet veranderde / unchanged since"
    )
    LATE_MUTATIE: Series[Bool] = pa.Field(
        description="Wijziging op of na de registratiedeadline / change on or after the deadline"
    )
    INHOUD_HASH: Series[String] = pa.Field(
        str_matches=r"^[0-9a-f]{64}$",
        description="SHA-256 van de inhoud / content hash of 1b, 1a and niet_toegerekend",
    )

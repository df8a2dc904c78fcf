"""What the rulebook hands on: three Arrow tables with fixed columns, order and types."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

_STRING: pa.DataType = pa.string()
_DATE: pa.DataType = pa.date32()
_COUNT: pa.DataType = pa.int64()

CHARGED_SCHEMA = pa.schema(
    {
        "TELDATUM": _DATE,
        "SAMENWERKINGSVERBAND": _STRING,
        "SAMENWERKINGSVERBAND_NAAM": _STRING,
        "WIJZE_VAN_BEPALING_SWV": _STRING,
        "ONDERWIJSNUMMER": _STRING,
        "INSCHRIJVING_ID": _STRING,
        "VESTIGING": _STRING,
        "VESTIGING_NAAM": _STRING,
        "SWV_VESTIGING": _STRING,
        "ONDERWIJSSOORT": _STRING,
        "BEKOSTIGINGSCATEGORIE": _STRING,
        "DATUM_INSCHRIJVING": _DATE,
        "DATUM_UITSCHRIJVING": _DATE,
        "TLV_NUMMER": _STRING,
        "TLV_BEGINDATUM": _DATE,
        "TLV_EINDDATUM": _DATE,
        "TLV_GEBRUIKT": _STRING,
        "TLV_NIET_GEBRUIKT_REDEN": _STRING,
        "SIGNALERINGEN": _STRING,
    }
)

NIET_TOEGEREKEND_SCHEMA = pa.schema(
    {
        "TELDATUM": _DATE,
        "SAMENWERKINGSVERBAND": _STRING,
        "INSCHRIJVING_ID": _STRING,
        "ONDERWIJSNUMMER": _STRING,
        "VESTIGING": _STRING,
        "ONDERWIJSSOORT": _STRING,
        "REDEN": _STRING,
    }
)

COUNTS_SCHEMA = pa.schema(
    {
        "TELDATUM": _DATE,
        "SAMENWERKINGSVERBAND": _STRING,
        "SAMENWERKINGSVERBAND_NAAM": _STRING,
        "TELLING": _STRING,
        "BEKOSTIGINGSCATEGORIE": _STRING,
        "WIJZE_VAN_BEPALING_SWV": _STRING,
        "AANTAL": _COUNT,
    }
)


@dataclass(frozen=True)
class RulebookResult:
    """The rulebook's outcome for one teldatum (PEILDATUM, MUTATIE and VERSCHIL come later)."""

    charged: pa.Table  # dashboard 1b rows
    niet_toegerekend: pa.Table  # active special enrolments that are not charged, with REDEN
    counts: pa.Table  # dashboard 1a rows

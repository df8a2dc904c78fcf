"""Column lineage (dagster/column_lineage): where each published column comes from.

Static, because the rulebook's columns do not depend on the data; BI developers follow a column
from the dashboard back to the input file in the asset's metadata.
"""

import dagster as dg

from rod_pipeline.publish import datasets

# Rulebook output column -> (upstream asset, column) it is taken from.
_CHARGED_FROM = {
    "ONDERWIJSNUMMER": [("inschrijvingen", "ONDERWIJSNUMMER")],
    "INSCHRIJVING_ID": [("inschrijvingen", "INSCHRIJVING_ID")],
    "VESTIGING": [("inschrijvingen", "VESTIGING")],
    "ONDERWIJSSOORT": [("inschrijvingen", "ONDERWIJSSOORT")],
    "DATUM_INSCHRIJVING": [("inschrijvingen", "DATUM_INSCHRIJVING")],
    "DATUM_UITSCHRIJVING": [("inschrijvingen", "DATUM_UITSCHRIJVING")],
    "VESTIGING_NAAM": [("reference_data", "vestigingen.NAAM")],
    "SWV_VESTIGING": [("reference_data", "vestigingen.SWV_CODE")],
    "TLV_NUMMER": [("tlv", "TLV_NUMMER")],
    "TLV_BEGINDATUM": [("tlv", "BEGINDATUM")],
    "TLV_EINDDATUM": [("tlv", "EINDDATUM")],
    "BEKOSTIGINGSCATEGORIE": [
        ("inschrijvingen", "BEKOSTIGINGSCATEGORIE"),
        ("tlv", "BEKOSTIGINGSCATEGORIE"),
    ],
    "SAMENWERKINGSVERBAND": [
        ("tlv", "SWV_CODE"),
        ("inschrijvingen", "POSTCODE_LEERLING"),
        ("reference_data", "regio_indeling.PO_SWV"),
        ("reference_data", "regio_indeling.VO_SWV"),
        ("reference_data", "vestigingen.SWV_CODE"),
    ],
    "SAMENWERKINGSVERBAND_NAAM": [("reference_data", "samenwerkingsverbanden.NAAM")],
}


def _lineage(deps: dict[str, list[tuple[str, str]]]) -> dg.TableColumnLineage:
    return dg.TableColumnLineage(
        deps_by_column={
            column: [dg.TableColumnDep(asset_key=dg.AssetKey(a), column_name=c) for a, c in found]
            for column, found in deps.items()
        }
    )


CHARGED_ENROLMENTS = _lineage(_CHARGED_FROM)
# Dashboard 1b takes every rulebook column as it is; PEILDATUM and MUTATIE are publishing's own.
DASHBOARD_1B = _lineage(
    {
        column: [("charged_enrolments", column)]
        for column in datasets.DASHBOARD_1B.columns
        if column not in ("PEILDATUM", "MUTATIE")
    }
)

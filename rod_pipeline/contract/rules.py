"""Every rule of the contract by its stable REGEL_CODE, with what it means for the operator.

A quarantine row names the rule it broke by this code; counts per rule use it too.
"""

from __future__ import annotations

REQUIRED = "VERPLICHT"

RULES: dict[str, str] = {
    REQUIRED: "a required field is empty",
    "UNIEK": "the value occurs more than once in the file (every row holding it is rejected)",
    "INSCHRIJVING_ID_FORMAAT": (
        "not an id of 1 to 40 letters, digits, '.', '_' or '-' that starts with a letter or digit"
    ),
    "GEEN_STUURTEKENS": (
        "the text holds a control character (e.g. a tab, line break, escape, NUL, byte-order "
        "mark or right-to-left override)"
    ),
    "ONDERWIJSNUMMER_GELDIG": (
        "not 9 digits passing the BSN 11-test or the onderwijsnummer test (starts with 10, "
        "remainder 5)"
    ),
    "VESTIGING_FORMAAT": "not a location code of 2 digits, 2 capitals and 2 digits (00AB00)",
    "VESTIGING_BEKEND": "location not in vestigingen.csv for this ONDERWIJSSOORT",
    "ONDERWIJSSOORT_GELDIG": "not one of BAO, SBO, SO, VSO, VO",
    "CATEGORIE_GELDIG": "not one of LAAG, MIDDEN, HOOG",
    "CATEGORIE_VERPLICHT": "a funding category is required for SO/VSO (SO_VSO for a TLV)",
    "CATEGORIE_NIET_TOEGESTAAN": "a funding category is only allowed for SO/VSO (SO_VSO for a TLV)",
    "POSTCODE_FORMAAT": "not a postcode written as 1234AB or 1234 AB",
    "DATUM_GELDIG": "not a real date written as YYYY-MM-DD or D-M-YYYY (years 1900-2099)",
    "NIET_VOOR_INSCHRIJVING": "DATUM_UITSCHRIJVING is before DATUM_INSCHRIJVING",
    "RESIDENTIEEL_GELDIG": "not one of IJH, GJI, JJI",
    "TLV_NUMMER_FORMAAT": "not a TLV number like PO2304-2021-11111",
    "TLV_NUMMER_VAN_SWV": "the TLV number does not start with its SWV_CODE",
    "SWV_FORMAAT": "not a partnership code of PO or VO and 4 digits",
    "SWV_BEKEND": "partnership not in samenwerkingsverbanden.csv",
    "SOORT_TLV_GELDIG": "not one of SBO, SO_VSO",
    "SBO_ALLEEN_PO": "an SBO TLV can only be issued by a PO partnership",
    "NIET_VOOR_BEGINDATUM": "EINDDATUM is before BEGINDATUM",
    "PC4_FORMAAT": "not a 4-digit postcode area",
    "CLUSTER_GELDIG": "not a cluster 1, 2, 3 or 4",
    "CLUSTER_VERPLICHT": "a cluster is required for SO/VSO",
    "CLUSTER_NIET_TOEGESTAAN": "a cluster is only allowed for SO/VSO",
    "SWV_SECTOR": "a PO partnership is needed for BAO/SBO/SO, a VO partnership for VO/VSO",
    "NA_TELDATUM": "the date is not after TELDATUM",
    "NA_REGISTRATIEDEADLINE": "EINDE_BEZWAARTERMIJN is not after the registration deadline",
}

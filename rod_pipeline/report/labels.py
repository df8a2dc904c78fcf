"""The partnerships' own words for what the report shows (Dutch, as on their dashboards)."""

from __future__ import annotations

from datetime import date

# Fixed order and colours, so a category looks the same on every page; the dash patterns keep
# the lines apart on a black-and-white print.
CATEGORIES = {
    "SBO": ("SBO", "#0072b2", ""),
    "SO_VSO_LAAG": ("SO/VSO laag", "#e69f00", "6 3"),
    "SO_VSO_MIDDEN": ("SO/VSO midden", "#009e73", "2 3"),
    "SO_VSO_HOOG": ("SO/VSO hoog", "#cc79a7", "8 3 2 3"),
}

STATUS_MEANING = {
    "VOORLOPIG": "Voorlopig: scholen kunnen tot de registratiedeadline nog inschrijvingen"
    " registreren en corrigeren.",
    "VASTGESTELD": "Vastgesteld: tot het einde van de bezwaartermijn kan het aantal nog door"
    " bezwaar veranderen.",
    "DEFINITIEF": "Definitief: de telling verandert niet meer; wat latere leveringen anders"
    " zouden tellen staat bij de afwijkingen na definitief.",
}

# DOMAIN.md R5, R8 and R10, in one line each.
SIGNALS = {
    "CATEGORIE_AFWIJKEND": "De categorie van de gebruikte TLV verschilt van die van de"
    " inschrijving; de categorie van de TLV telt (R10).",
    "MEERDERE_GELDIGE_TLV": "De leerling had op de teldatum meer dan één geldige TLV; de TLV met"
    " de laatste begindatum is gebruikt (R5).",
    "WOONPLAATS_ONBEKEND": "Het woonadres gaf geen samenwerkingsverband (geen, onbekende of"
    " buitenlandse postcode); dat van de schoolvestiging is genomen (R8).",
}

TLV_NOT_USED = {
    "VERLOPEN": "verlopen",
    "NOG_NIET_GELDIG": "nog niet geldig",
}


def datum(day: date | None) -> str:
    """A date as DUO prints it (1-2-2025); an empty date as a dash."""
    return "–" if day is None else f"{day.day}-{day.month}-{day.year}"


def category_label(category: str) -> str:
    return CATEGORIES[category][0]

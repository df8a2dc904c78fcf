"""The report's pages: what each partnership sees per teldatum, rendered with Jinja2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import jinja2
from markupsafe import Markup

from rod_pipeline.report import labels
from rod_pipeline.report.chart import Marker, Series, line_chart
from rod_pipeline.report.published import Published, Row, Teldatum


@dataclass(frozen=True)
class Section:
    """One teldatum on a partnership's page."""

    teldatum: Teldatum
    chart: Markup | None  # None: no pupils charged at any peildatum
    ten_laste: int  # at the current publication
    late: bool
    relevante_mutaties: list[Row]  # of a first publication only the first row
    aantal_relevant: int
    overige_mutaties: int
    ongebruikte_tlvs: list[Row]
    signaleringen: dict[str, int]
    afwijkingen: list[Row]


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("rod_pipeline.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # An empty value (null) shows as an empty cell, not as 'None'.
        finalize=lambda value: "" if value is None else value,
    )
    environment.filters["datum"] = labels.datum
    environment.filters["categorie"] = labels.category_label
    environment.globals.update(
        status_meaning=labels.STATUS_MEANING,
        signals=labels.SIGNALS,
        tlv_not_used=labels.TLV_NOT_USED,
    )
    return environment


def is_late(mutaties: list[Row], teldatum: Teldatum) -> bool:
    """DOMAIN S7 for one partnership: a funding-relevant mutation in a publication made on or
    after the registration deadline (the rows passed in are the funding-relevant ones)."""
    return any(row["PEILDATUM"] >= teldatum.registratiedeadline for row in mutaties)


def _chart(counts: dict[tuple[str, date], int], teldatum: Teldatum, code: str) -> Markup | None:
    if not counts:
        return None
    categories = sorted({category for category, _ in counts}, key=list(labels.CATEGORIES).index)
    series = [
        Series(
            label=labels.CATEGORIES[category][0],
            # A category without a row at a peildatum had no pupils then (1a omits zeros).
            points=tuple((day, counts.get((category, day), 0)) for day in teldatum.peildata),
            colour=labels.CATEGORIES[category][1],
            dash=labels.CATEGORIES[category][2],
        )
        for category in categories
    ]
    markers = [
        Marker("Registratiedeadline", teldatum.registratiedeadline),
        Marker("Einde bezwaartermijn", teldatum.einde_bezwaartermijn),
    ]
    title = f"Ten laste van {code} per peildatum, teldatum {labels.datum(teldatum.teldatum)}"
    return line_chart(series, markers, title)


def _section(published: Published, code: str, teldatum: Teldatum) -> Section:
    key = (code, teldatum.teldatum)
    counts = published.ten_laste.get(key, {})
    mutaties = published.relevante_mutaties.get(key, [])
    return Section(
        teldatum=teldatum,
        chart=_chart(counts, teldatum, code),
        ten_laste=sum(n for (_, day), n in counts.items() if day == teldatum.peildatum),
        late=is_late(mutaties, teldatum),
        relevante_mutaties=mutaties,
        aantal_relevant=published.aantal_relevant.get(key, 0),
        overige_mutaties=published.overige_mutaties.get(key, 0),
        ongebruikte_tlvs=published.ongebruikte_tlvs.get(key, []),
        signaleringen=published.signaleringen.get(key, {}),
        afwijkingen=published.afwijkingen.get(key, []),
    )


def _stand(published: Published) -> str:
    """What the report reflects, from the data itself: the newest peildatum published."""
    return labels.datum(max(t.peildatum for t in published.teldata)) if published.teldata else "–"


def render_index(published: Published) -> str:
    late = {
        (code, t.teldatum): is_late(published.relevante_mutaties.get((code, t.teldatum), []), t)
        for code in published.partnerships
        for t in published.teldata
    }
    return (
        _environment()
        .get_template("index.html")
        .render(published=published, late=late, stand=_stand(published))
    )


def render_partnership(published: Published, code: str) -> str:
    sections = [_section(published, code, teldatum) for teldatum in published.teldata]
    return (
        _environment()
        .get_template("samenwerkingsverband.html")
        .render(
            code=code,
            naam=published.partnerships[code],
            sections=sections,
            stand=_stand(published),
        )
    )

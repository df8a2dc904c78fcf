from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rod_pipeline.report import ReportSummary, write_report
from rod_pipeline.report.labels import SIGNALS, datum
from rod_pipeline_tests.report.published_fixture import (
    ESCAPE_NAME,
    ESCAPE_SCHOOL,
    PublishedFixture,
    write_published,
)

PUPIL_NUMBER = re.compile(r"(?<!\d)\d{9}(?!\d)")


class _Page(HTMLParser):
    """Links, sections and table rows of a page, as a browser would see them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sections: list[str] = []
        self.external: list[str] = []
        self.late_rows = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self.links.append(attributes["href"] or "")
        if tag == "section":
            self.sections.append(attributes["id"] or "")
        if tag == "tr" and attributes.get("class") == "laat":
            self.late_rows += 1
        for name in ("src", "href"):
            value = attributes.get(name) or ""
            if "//" in value:
                self.external.append(value)


def _html(report: ReportSummary, code: str) -> str:
    return (report.index.parent / f"{code}.html").read_text(encoding="utf-8")


def _section(html: str, teldatum: object) -> str:
    start = html.index(f'id="teldatum-{teldatum}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def test_every_partnership_has_a_page_and_the_index_links_to_each(
    published: PublishedFixture, report: ReportSummary
) -> None:
    assert [page.name for page in report.pages] == [f"{c}.html" for c in published.partnerships]
    assert all(page.is_file() for page in report.pages)
    index = _Page(report.index.read_text(encoding="utf-8"))
    assert sorted(set(index.links)) == sorted(page.name for page in report.pages)
    for page in report.pages:
        assert _Page(page.read_text(encoding="utf-8")).links == ["index.html"]


def test_a_page_shows_only_its_own_pupils_and_the_index_none(
    published: PublishedFixture, report: ReportSummary
) -> None:
    assert not PUPIL_NUMBER.findall(report.index.read_text(encoding="utf-8"))
    for code in published.partnerships:
        shown = set(PUPIL_NUMBER.findall(_html(report, code)))
        others = set().union(*(p for c, p in published.pupils.items() if c != code))
        assert shown, code  # the test would pass vacuously on a page without pupils
        assert shown <= published.pupils[code], code
        assert not shown & (others - published.pupils[code]), code


def test_the_pages_are_self_contained(report: ReportSummary) -> None:
    for path in (report.index, *report.pages):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html and "@import" not in html and "url(" not in html
        assert _Page(html).external == []
        assert "@media print" in html


def test_teldata_newest_first_with_status_and_dates(
    published: PublishedFixture, report: ReportSummary
) -> None:
    html = _html(report, published.partnerships[0])
    newest, older = published.teldata
    assert _Page(html).sections == [f"teldatum-{newest}", f"teldatum-{older}"]
    assert "VOORLOPIG" in _section(html, newest) and "nog niet" in _section(html, newest)
    final = _section(html, older)
    for label, day in (
        ("Registratiedeadline", "29-2-2024"),  # 1-2-2024 + 28 days, a Thursday
        ("Einde bezwaartermijn", "11-4-2024"),
        ("Definitief sinds", datum(published.peildata[older][-1])),
    ):
        assert f"<dt>{label}</dt><dd>{day}</dd>" in final


def test_one_line_per_category_with_a_point_per_peildatum(
    published: PublishedFixture, report: ReportSummary
) -> None:
    for code in published.partnerships:
        html = _html(report, code)
        for teldatum in published.teldata:
            section = _section(html, teldatum)
            lines = re.findall(r'<polyline class="lijn"[^>]*points="([^"]*)"', section)
            assert len(lines) == len(published.categories[code, teldatum])
            assert {len(points.split()) for points in lines} == {len(published.peildata[teldatum])}
            assert section.count('<g class="markering">') == 2


def test_late_funding_relevant_mutations_are_flagged_and_highlighted(
    published: PublishedFixture, report: ReportSummary
) -> None:
    index = report.index.read_text(encoding="utf-8")
    for code in published.partnerships:
        start = index.index(f'<a href="{code}.html">')
        row = index[start : index.index("</tr>", start)]
        expected = sum((code, t) in published.late for t in published.teldata)
        assert row.count("late mutatie") == expected, code
        html = _html(report, code)
        for teldatum in published.teldata:
            section = _section(html, teldatum)
            late = (code, teldatum) in published.late
            assert ('class="melding"' in section) == late, (code, teldatum)
            assert (_Page(section).late_rows > 0) == late, (code, teldatum)


def test_only_funding_relevant_mutations_are_listed(
    published: PublishedFixture, report: ReportSummary
) -> None:
    code, other = published.partnerships[0], published.partnerships[1]
    section = _section(_html(report, code), published.teldata[0])
    mutaties = section[section.index("Bekostigingsrelevante mutaties") : section.index("TLV's")]
    assert "BEKOSTIGINGSCATEGORIE=" in mutaties  # a category change
    assert "<td>VERVALLEN</td>" in mutaties and f"<td>{other}</td>" in mutaties  # a move
    assert "VESTIGING_NAAM" not in mutaties  # informative: counted, not listed
    assert "1 informatieve mutatie" in mutaties


def test_unused_tlvs_signals_and_afwijkingen(
    published: PublishedFixture, report: ReportSummary
) -> None:
    code = published.partnerships[0]
    html = _html(report, code)
    newest, final = (_section(html, t) for t in published.teldata)
    assert "<td>verlopen</td>" in newest and "<td>nog niet geldig</td>" in newest
    assert f"{code}-2024-00004" in newest  # the TLV number of pupil 3
    for signal, meaning in SIGNALS.items():
        assert f'<td>{signal}</td><td class="aantal">1</td><td>{meaning}</td>' in newest
    afwijkingen = final[final.index("Afwijkingen na definitief") : final.index("Signaleringen")]
    # The funding-relevant afwijkingen are listed, the informative ones counted.
    counted = re.search(r"(\d+) bekostigingsrelevant, (\d+)\s+informatief", afwijkingen)
    assert counted is not None and int(counted[1]) >= 1 and int(counted[2]) >= 1
    assert afwijkingen.count("<tr><td>") == int(counted[1])
    newest_afwijkingen = newest[newest.index("Afwijkingen na definitief") :]
    assert "Geen." in newest_afwijkingen.split("<h3>")[0]


def test_names_and_values_are_html_escaped(report: ReportSummary) -> None:
    for html in (report.index.read_text(encoding="utf-8"), report.pages[0].read_text("utf-8")):
        assert ESCAPE_NAME not in html
        assert "Passend Onderwijs &lt;Noord&gt; &amp; Zuid" in html
    page = report.pages[0].read_text(encoding="utf-8")
    assert ESCAPE_SCHOOL not in page and "De Kleine &amp; &lt;Grote&gt; Beer" in page
    assert "None" not in page  # a null is an empty cell


def test_same_published_data_same_bytes(published: PublishedFixture, tmp_path: Path) -> None:
    first = write_report(published.published_dir, tmp_path / "a")
    second = write_report(published.published_dir, tmp_path / "b")
    for a, b in zip((first.index, *first.pages), (second.index, *second.pages), strict=True):
        assert a.read_bytes() == b.read_bytes()
    mtime = first.index.stat().st_mtime_ns
    write_report(published.published_dir, tmp_path / "a")
    assert first.index.stat().st_mtime_ns == mtime  # unchanged pages are left alone


def test_missing_afwijkingen_show_geen(tmp_path: Path) -> None:
    fixture = write_published(tmp_path / "published", afwijkingen=False)
    report = write_report(fixture.published_dir, tmp_path / "rapport")
    for page in report.pages:
        html = page.read_text(encoding="utf-8")
        for teldatum in fixture.teldata:
            section = _section(html, teldatum)
            afwijkingen = section[section.index("Afwijkingen na definitief") :].split("<h3>")[0]
            assert "Geen." in afwijkingen


def test_int64_and_int32_counts_mix(
    published: PublishedFixture, report: ReportSummary, tmp_path: Path
) -> None:
    copy = tmp_path / "published"
    shutil.copytree(published.published_dir, copy, ignore=shutil.ignore_patterns("rapport"))
    path = copy / "dashboard_1a_historie" / f"teldatum={published.teldata[0]}" / "part-0.parquet"
    table = pq.read_table(path)
    wide = table.schema.set(table.schema.get_field_index("AANTAL"), pa.field("AANTAL", pa.int64()))
    pq.write_table(table.cast(wide), path)
    mixed = write_report(copy, tmp_path / "rapport")
    for page, original in zip(mixed.pages, report.pages, strict=True):
        assert page.read_bytes() == original.read_bytes()


def test_a_file_of_an_older_version_without_a_column_is_read_by_name(
    published: PublishedFixture, report: ReportSummary, tmp_path: Path
) -> None:
    """The files are read by column name, cast to the first file's types; one that lacks a
    column (written before it existed, kept as a link) has it empty, and the report still
    comes out: here the same, as the partnership's name comes from its other teldatum."""
    copy = tmp_path / "published"
    shutil.copytree(published.published_dir, copy, ignore=shutil.ignore_patterns("rapport"))
    path = copy / "dashboard_1a" / f"teldatum={published.teldata[0]}" / "part-0.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["SAMENWERKINGSVERBAND_NAAM"]), path)
    older = write_report(copy, tmp_path / "rapport")
    for page, original in zip(older.pages, report.pages, strict=True):
        assert page.read_bytes() == original.read_bytes()


def test_nothing_published_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="publish a teldatum first"):
        write_report(tmp_path / "published", tmp_path / "rapport")


def test_a_first_publication_is_summed_up_not_listed(
    published: PublishedFixture, tmp_path: Path
) -> None:
    """A first publication lists every pupil as NIEUW: the page gives their number only."""
    copy = tmp_path / "published"
    shutil.copytree(published.published_dir, copy, ignore=shutil.ignore_patterns("rapport"))
    code, teldatum = published.partnerships[0], published.teldata[0]
    path = (
        copy
        / "mutaties"
        / f"teldatum={teldatum}"
        / f"samenwerkingsverband={code}"
        / "part-0.parquet"
    )
    table = pq.read_table(path)
    row = table.slice(0, 1).to_pylist()[0]
    first = [
        {
            **row,
            "VORIGE_PEILDATUM": None,
            "INSCHRIJVING_ID": f"N{i:05d}",
            "ONDERWIJSNUMMER": f"9{i:08d}",
            "MUTATIE": "NIEUW",
            "BEKOSTIGINGSRELEVANT": True,
            "GEWIJZIGDE_KOLOMMEN": None,
            "VORIGE_WAARDEN": None,
        }
        for i in range(7)
    ]
    pq.write_table(pa.Table.from_pylist(first, schema=table.schema), path)
    html = _html(write_report(copy, tmp_path / "rapport"), code)
    section = _section(html, teldatum)
    mutaties = section[section.index("Bekostigingsrelevante mutaties") : section.index("TLV's")]
    assert "de eerste van deze\nteldatum: alle 7 leerlingen zijn nieuw" in mutaties
    assert "N00000" not in mutaties and "<table" not in mutaties

"""A real headless Chromium opens a page from disk: the chart is drawn and nothing is fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from rod_pipeline.report import ReportSummary
from rod_pipeline_tests.report.published_fixture import PublishedFixture

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium (Debian package chromium)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def test_the_chart_is_drawn_and_no_request_leaves_the_file(
    browser: Browser, published: PublishedFixture, report: ReportSummary
) -> None:
    code, path = published.partnerships[0], report.pages[0]
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    assert requests == [path.as_uri()]
    for teldatum in published.teldata:
        chart = page.locator(f"#teldatum-{teldatum} svg.grafiek")
        series = chart.locator("g.reeks")
        assert series.count() == len(published.categories[code, teldatum])
        for nth in range(series.count()):
            dots = series.nth(nth).locator("circle.punt")
            assert dots.count() == len(published.peildata[teldatum])
            assert all(dots.nth(i).is_visible() for i in range(dots.count()))
            line = series.nth(nth).locator("polyline").bounding_box()
            assert line is not None and line["width"] > 0  # laid out, not only in the markup
        markers = chart.locator("g.markering line")
        assert markers.count() == 2
        assert all((markers.nth(i).bounding_box() or {"height": 0})["height"] > 0 for i in (0, 1))
    page.close()


def test_the_index_links_to_a_page_and_print_hides_the_navigation(
    browser: Browser, published: PublishedFixture, report: ReportSummary
) -> None:
    page = browser.new_page()
    page.goto(report.index.as_uri())
    page.locator(f'a[href="{published.partnerships[1]}.html"]').first.click()
    assert page.url == report.pages[1].as_uri()
    assert page.locator("nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    page.close()

"""Save a screenshot of a partnership's report page to docs/report-example.png.

    .venv/bin/python benchmarks/report_screenshot.py [--out docs/report-example.png]

Writes a small published folder with the report tests' fixture, renders the report, and opens
the first partnership's page in Debian's headless Chromium (/usr/bin/chromium); the picture
shows the page down to the end of its newest teldatum.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# The fixture lives in the test package, which is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from rod_pipeline.report import write_report
from rod_pipeline_tests.report.published_fixture import write_published

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/report-example.png"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        fixture = write_published(Path(temporary) / "published", peildata=6, pupils=24)
        report = write_report(fixture.published_dir, Path(temporary) / "rapport")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(report.pages[0].as_uri())
            box = page.locator("section.teldatum").first.bounding_box()
            assert box is not None
            page.screenshot(
                path=str(args.out),
                clip={"x": 0, "y": 0, "width": 1000, "height": box["y"] + box["height"]},
                full_page=True,
            )
            browser.close()
    print(f"{args.out}: {args.out.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()

"""Write the partnerships' report: index.html and one page per partnership."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rod_pipeline import atomic
from rod_pipeline.report.pages import render_index, render_partnership
from rod_pipeline.report.published import read_published

# Codes become file names: only what the contract allows, so no code can point elsewhere.
SWV_CODE = re.compile(r"^(PO|VO)[0-9]{4}$")


@dataclass(frozen=True)
class ReportSummary:
    index: Path
    pages: tuple[Path, ...]  # one per partnership, in code order
    teldata: tuple[date, ...]  # newest first


def _write(path: Path, text: str) -> None:
    """A new page is written as it is: the report goes into a snapshot being built, which is
    fsynced and switched to as a whole (one fsync per page here cost 0.2-0.8 s nationally).
    A page that exists is replaced atomically, or left untouched when it would not change."""
    data = text.encode("utf-8")
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    elif path.read_bytes() != data:
        atomic.write_bytes(path, data)


def write_report(published_dir: Path, out_dir: Path) -> ReportSummary:
    """Read the published datasets and write out_dir/index.html and out_dir/<SWV_CODE>.html.

    The same published data gives the same bytes: every date shown comes from the data.
    """
    published = read_published(published_dir)
    pages = []
    for code in published.partnerships:
        if not SWV_CODE.match(code):
            raise ValueError(f"partnership code {code!r} is not PO/VO + 4 digits")
        page = out_dir / f"{code}.html"
        _write(page, render_partnership(published, code))
        pages.append(page)
    index = out_dir / "index.html"
    _write(index, render_index(published))
    return ReportSummary(
        index=index,
        pages=tuple(pages),
        teldata=tuple(t.teldatum for t in published.teldata),
    )

from __future__ import annotations

import pytest

from rod_pipeline.report import ReportSummary, write_report
from rod_pipeline_tests.report.published_fixture import PublishedFixture, write_published


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> PublishedFixture:
    return write_published(tmp_path_factory.mktemp("report") / "published")


@pytest.fixture(scope="module")
def report(published: PublishedFixture) -> ReportSummary:
    return write_report(published.published_dir, published.published_dir / "rapport")

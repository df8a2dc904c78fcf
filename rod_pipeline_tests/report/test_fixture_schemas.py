"""The report is tested on a folder the fixture writes; this keeps that folder the contract's."""

from __future__ import annotations

import pyarrow as pa
import pytest

from rod_pipeline.publish import datasets
from rod_pipeline_tests.report import published_fixture


@pytest.mark.parametrize(
    ("dataset", "schema"),
    [
        (datasets.DASHBOARD_1B, published_fixture.DASHBOARD_1B),
        (datasets.DASHBOARD_1A, published_fixture.DASHBOARD_1A),
        (datasets.DASHBOARD_1A_HISTORIE, published_fixture.DASHBOARD_1A),
        (datasets.MUTATIES, published_fixture.MUTATIES),
        (datasets.AFWIJKINGEN_NA_DEFINITIEF, published_fixture.MUTATIES),
        (datasets.STABILITEIT, published_fixture.STABILITEIT),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_fixture_columns_and_types_are_the_published_ones(
    dataset: datasets.Dataset, schema: pa.Schema
) -> None:
    assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in dataset.arrow_schema]

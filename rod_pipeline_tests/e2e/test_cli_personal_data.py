"""No pupil number or postcode of the input leaks into what operators and BI tools see besides
the data itself: the CLI's output, manifest.json, the Parquet files' key-value metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from rod_pipeline_tests.e2e.helpers import (
    CliResult,
    key_value_metadata,
    published,
    read_semicolon_csv,
)

pytestmark = pytest.mark.e2e

PERSONAL_COLUMNS = ("ONDERWIJSNUMMER", "POSTCODE_LEERLING")
# Shorter fragments (a mistaken "12", a bare PC4) also occur in counts and dates by chance.
MIN_LENGTH = 6


def personal_values(data_dir: Path) -> set[str]:
    """Every pupil number and postcode in the inbox, as written and without spaces."""
    found: set[str] = set()
    for path in (data_dir / "inbox").glob("*/*.csv"):
        for row in read_semicolon_csv(path):
            for column in PERSONAL_COLUMNS:
                value = (row.get(column) or "").strip()
                found |= {value, value.replace(" ", "")}
    return {value for value in found if len(value) >= MIN_LENGTH}


def leaks(text: str, values: set[str]) -> list[str]:
    return sorted(value for value in values if value in text)


def _installation(request: pytest.FixtureRequest, name: str) -> tuple[Path, CliResult]:
    return request.getfixturevalue(name)


@pytest.mark.parametrize("installation", ["seed_published", "tiny_published"])
def test_no_pupil_number_or_postcode_outside_the_data(
    request: pytest.FixtureRequest, installation: str
) -> None:
    data_dir, run = _installation(request, installation)
    values = personal_values(data_dir)
    assert values
    assert leaks(run.output, values) == [], "the CLI printed personal data"
    manifest = (published(data_dir) / "manifest.json").read_text()
    assert leaks(manifest, values) == [], "manifest.json holds personal data"
    for path in sorted(published(data_dir).rglob("*.parquet")):
        metadata = "\n".join(f"{k}={v}" for k, v in key_value_metadata(path).items())
        assert leaks(metadata, values) == [], f"{path} metadata holds personal data"

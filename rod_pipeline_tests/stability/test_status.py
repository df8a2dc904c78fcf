"""`rod-pipeline status` answers the users' two questions with the numbers of the published data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rod_pipeline.publish import datasets as ds
from rod_pipeline.status import render_status
from rod_pipeline_tests.stability.extracts import deliver, new_folder, rows, run_ok, seed_enrolments

pytestmark = pytest.mark.slow

A, B = date(2025, 2, 15), date(2025, 3, 15)  # before and after the deadline of 2025-03-03
FINAL, LATER = date(2025, 4, 20), date(2025, 5, 1)  # after the objection window (2025-04-14)


def _changed() -> dict[str, dict[str, str]]:
    enrolments = seed_enrolments()
    enrolments["PAR705272"]["POSTCODE_LEERLING"] = "7761 AA"  # Emmen: charged to PO2202
    enrolments["PAR705271"]["BEKOSTIGINGSCATEGORIE"] = "MIDDEN"
    enrolments["2459428"]["DATUM_UITSCHRIJVING"] = "31-3-2025"
    return enrolments


def _counted(rows_: list[dict]) -> tuple[int, int, int, int, int]:
    """(funding-relevant, new, gone, relevant changes, informative) of mutaties-shaped rows."""
    relevant = [r for r in rows_ if r["BEKOSTIGINGSRELEVANT"]]
    return (
        len(relevant),
        sum(r["MUTATIE"] == "NIEUW" for r in rows_),
        sum(r["MUTATIE"] == "VERVALLEN" for r in rows_),
        sum(r["MUTATIE"] == "GEWIJZIGD" for r in relevant),
        len(rows_) - len(relevant),
    )


def _said(text: str, label: str) -> tuple[int, int, int, int, int]:
    found = re.search(
        label + r".*?(\d+) funding-relevant \((\d+) new, (\d+) gone, (\d+) changed in category "
        r"or way of determination\), (\d+) informative",
        text,
    )
    assert found, text
    return tuple(int(n) for n in found.groups())  # type: ignore[return-value]


@pytest.fixture(scope="module")
def no_dagster_home() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("DAGSTER_HOME", raising=False)
        yield


def test_status_numbers_are_the_published_numbers(tmp_path: Path, no_dagster_home: None):
    folder = new_folder(tmp_path / "data")
    deliver(folder, A, seed_enrolments())
    deliver(folder, B, _changed())
    run_ok(folder)

    text = render_status(folder, today=date(2025, 3, 20))
    stabiliteit = rows(folder, ds.STABILITEIT)[-1]
    mutaties = rows(folder, ds.MUTATIES)
    assert "teldatum 2025-02-01  VASTGESTELD today: can still change by objection until " in text
    assert f"{len(rows(folder, ds.DASHBOARD_1B)):,} charged (extract {B}, VASTGESTELD)" in text
    assert f"funding unchanged since {stabiliteit['BEKOSTIGING_ONGEWIJZIGD_SINDS']}" in text
    assert stabiliteit["LATE_MUTATIE"]
    assert (
        f"LATE MUTATION in extract {B}: {stabiliteit['AANTAL_BEKOSTIGINGSRELEVANT']} "
        "funding-relevant changes after the deadline 2025-03-03"
    ) in text
    assert _said(text, "changes in the latest publication") == _counted(mutaties)
    assert _counted(mutaties)[0] == stabiliteit["AANTAL_BEKOSTIGINGSRELEVANT"] > 0

    deliver(folder, FINAL, _changed())
    deliver(folder, LATER, seed_enrolments())  # the register moves back after the count is final
    run_ok(folder)
    text = render_status(folder, today=date(2025, 6, 1))
    afwijkingen = rows(folder, ds.AFWIJKINGEN_NA_DEFINITIEF)
    assert f"final since extract {FINAL}: its counts no longer change" in text
    assert "changes in the latest publication: none" in text
    assert _said(text, f"after it became final, extract {LATER} differs") == _counted(afwijkingen)
    assert _counted(afwijkingen)[0] > 0

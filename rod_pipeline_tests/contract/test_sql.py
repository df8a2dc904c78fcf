"""The SQL fragments of the CSV dialect."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rod_pipeline.contract.sql import read_date

# Text near the two date formats: digits and dashes, sometimes something else.
DATE_LIKE = st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,5}\Z") | st.text(
    "0123456789-/ ", max_size=11
)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


@settings(max_examples=200, deadline=None)
@given(text=DATE_LIKE | st.text(max_size=11))
def test_a_date_reads_as_with_both_formats_tried_in_order(
    con: duckdb.DuckDBPyConnection, text: str
) -> None:
    """read_date skips a format that cannot match; what it reads stays what trying both reads."""
    found = con.execute(
        f"SELECT {read_date('$text')}, try_strptime($text, ['%Y-%m-%d', '%d-%m-%Y'])::DATE",
        {"text": text},
    ).fetchone()
    assert found is not None
    assert found[0] == found[1]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-02-29", "2024-02-29"),
        ("29-2-2024", "2024-02-29"),
        ("01-08-2024", "2024-08-01"),
        ("31-2-2024", None),
        ("2023-02-29", None),
        ("1-8-24", "0001-08-24"),
        ("01/08/2024", None),
    ],
)
def test_both_formats(con: duckdb.DuckDBPyConnection, text: str, day: str | None) -> None:
    found = con.execute(f"SELECT {read_date('$text')}::VARCHAR", {"text": text}).fetchone()
    assert found == (day,)

"""The dates of the synthetic installation: teldata, peildata and day arithmetic.

Dates are held as int32 days since 1970-01-01 so that whole registers shift and compare as
numpy arrays.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

# An open end (no end date) sorts after every real date.
OPEN = np.int32(np.iinfo(np.int32).max)

# Teldata in reference/teldata.csv: (TELDATUM, REGISTRATIEDEADLINE, EINDE_BEZWAARTERMIJN).
# DUO moved the dates of 2024, so that teldatum carries an override.
TELDATA: tuple[tuple[date, date | None, date | None], ...] = (
    (date(2023, 2, 1), None, None),
    (date(2024, 2, 1), date(2024, 3, 11), date(2024, 4, 22)),
    (date(2025, 2, 1), None, None),
    (date(2026, 2, 1), None, None),
)

# Extracts: one after the moved 2024 deadline, then before, around and after the 2025 deadline
# (2025-03-03) and one in the next school year.
PEILDATA: tuple[date, ...] = (
    date(2024, 3, 15),
    date(2025, 1, 15),
    date(2025, 2, 15),
    date(2025, 3, 15),
    date(2025, 5, 1),
    date(2025, 10, 1),
)


def day(value: date | str) -> np.int32:
    return np.int32(np.datetime64(value, "D").astype(np.int64))


def august_first(year: np.ndarray) -> np.ndarray:
    """1 August of each year: the first day of a school year."""
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + 7
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)


def school_year(days: np.ndarray) -> np.ndarray:
    """The year in which the school year holding each day started (August to July)."""
    months = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return ((months.astype(np.int64) - 7) // 12 + 1970).astype(np.int32)


def calendar_year(days: np.ndarray) -> np.ndarray:
    years = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[Y]")
    return (years.astype(np.int64) + 1970).astype(np.int32)


def registration_deadline(teldatum: date) -> date:
    """S1: the teldatum + 28 days, a weekend moved to the Monday, unless TELDATA moves it."""
    moved = {t: deadline for t, deadline, _ in TELDATA if deadline}
    if teldatum in moved:
        return moved[teldatum]
    deadline = teldatum + timedelta(days=28)
    weekend = deadline.weekday() >= 5
    return deadline + timedelta(days=7 - deadline.weekday()) if weekend else deadline


def published_teldata() -> tuple[date, ...]:
    """The teldata some extract is published for (on or before the last peildatum)."""
    return tuple(t for t, _, _ in TELDATA if t <= PEILDATA[-1])


def first_february_after(days: np.ndarray) -> np.ndarray:
    """The first teldatum (1 February) strictly after each day."""
    year = calendar_year(days)
    february = _first_of_february(year)
    return np.where(february > days, february, _first_of_february(year + 1)).astype(np.int32)


def _first_of_february(year: np.ndarray) -> np.ndarray:
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + 1
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)

"""Stability calendar of a teldatum (DOMAIN.md, "When are the numbers stable?")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

VOORLOPIG = "VOORLOPIG"
VASTGESTELD = "VASTGESTELD"
DEFINITIEF = "DEFINITIEF"

REGISTRATION_DAYS = 28
OBJECTION_WEEKS = 6


def default_registration_deadline(teldatum: date) -> date:
    """T + 28 days, moved to the next Monday when it falls on a weekend."""
    deadline = teldatum + timedelta(days=REGISTRATION_DAYS)
    weekday = deadline.weekday()  # Monday = 0
    if weekday >= 5:
        deadline += timedelta(days=7 - weekday)
    return deadline


@dataclass(frozen=True)
class StabilityDates:
    teldatum: date
    registratiedeadline: date
    einde_bezwaartermijn: date

    @classmethod
    def for_teldatum(
        cls,
        teldatum: date,
        registratiedeadline: date | None = None,
        einde_bezwaartermijn: date | None = None,
    ) -> StabilityDates:
        """Calendar file overrides win; an empty override falls back to the rule."""
        deadline = registratiedeadline or default_registration_deadline(teldatum)
        end = einde_bezwaartermijn or deadline + timedelta(weeks=OBJECTION_WEEKS)
        return cls(teldatum, deadline, end)

    def status(self, peildatum: date) -> str:
        if peildatum < self.registratiedeadline:
            return VOORLOPIG
        if peildatum < self.einde_bezwaartermijn:
            return VASTGESTELD
        return DEFINITIEF

    def is_late(self, peildatum: date) -> bool:
        """A change published on or after the deadline is a late mutation."""
        return peildatum >= self.registratiedeadline

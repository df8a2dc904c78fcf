"""The register over time: pupils, their enrolments and TLVs, with every date they carry.

Built once for all extracts; an extract is this register seen at its peildatum (extracts.py).
The population follows school careers: pupils enter primary school when they turn four, some
move to SBO or SO, leave for VO or VSO, change school, move house, are placed residentially.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rod_pipeline.synthetic.columns import Columns
from rod_pipeline.synthetic.geography import NONE, Geography
from rod_pipeline.synthetic.locations import BAO, SBO, SO, VO, VSO, Locations, choose_locations
from rod_pipeline.synthetic.timeline import (
    OPEN,
    TELDATA,
    august_first,
    day,
    first_february_after,
    registration_deadline,
    school_year,
)

# Codes of the small value sets (0: empty field).
CATEGORIES = (None, "LAAG", "MIDDEN", "HOOG")
LAAG, MIDDEN, HOOG = 1, 2, 3
RESIDENTIEEL = (None, "IJH", "GJI", "JJI")
IJH, GJI, JJI = 1, 2, 3
TLV_SOORTEN = ("SBO", "SO_VSO")
SBO_TLV, SO_VSO_TLV = 0, 1

# Where a pupil's postcode points (Pupils.postcode_kind).
HOME, UNKNOWN, NOT_IN_TABLE = 0, 1, 2

FIRST_COHORT = 2007  # pupils who turned four in school year 2007/08: history back to 2007


@dataclass(frozen=True)
class Pupils(Columns):
    number: np.ndarray  # int64, 9-digit BSN or onderwijsnummer
    home: np.ndarray  # int64, row of the regio-indeling
    moved_home: np.ndarray  # int64, row of the regio-indeling after a house move
    moved_on: np.ndarray  # int32 day of the house move, OPEN when none
    postcode_kind: np.ndarray  # int8: HOME, UNKNOWN (empty field) or NOT_IN_TABLE

    def home_on(self, pupil: np.ndarray, days: np.ndarray) -> np.ndarray:
        return np.where(days >= self.moved_on[pupil], self.moved_home[pupil], self.home[pupil])


@dataclass(frozen=True)
class Enrolments(Columns):
    pupil: np.ndarray  # int64, row of Pupils
    location: np.ndarray  # int64, row of Locations
    start: np.ndarray  # int32 day
    end: np.ndarray  # int32 day, OPEN when not ended
    end_known: np.ndarray  # int32 day from which the register shows the end date
    registered: np.ndarray  # int32 day the school registered it: from then on in the register
    registration_shown: np.ndarray  # bool: REGISTRATIEDATUM filled in
    category: np.ndarray  # int8 code of CATEGORIES as first registered
    corrected_category: np.ndarray  # int8 code of CATEGORIES after a correction
    corrected_on: np.ndarray  # int32 day of the category correction, OPEN when none
    residential: np.ndarray  # int8 code of RESIDENTIEEL
    duo_dates: np.ndarray  # bool: dates printed D-M-YYYY
    fixed: np.ndarray  # bool: a rulebook situation or a correction, never made a mistake of


@dataclass(frozen=True)
class Tlvs(Columns):
    pupil: np.ndarray  # int64, row of Pupils
    swv: np.ndarray  # int64, issuing partnership (index into Geography.swv_codes)
    soort: np.ndarray  # int8 code of TLV_SOORTEN
    category: np.ndarray  # int8 code of CATEGORIES (0 for SBO)
    begin: np.ndarray  # int32 day
    end: np.ndarray  # int32 day, OPEN when indefinite
    issued: np.ndarray  # int32 day the partnership issued it: from then on in the register
    duo_dates: np.ndarray  # bool
    fixed: np.ndarray  # bool, as for Enrolments


@dataclass(frozen=True)
class Register:
    pupils: Pupils
    enrolments: Enrolments
    tlvs: Tlvs


def _between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A random day in [low, high] for each pair (high >= low)."""
    span = np.asarray(high, dtype=np.int64) - low + 1
    return (low + (rng.random(span.shape) * span).astype(np.int64)).astype(np.int32)


def draw_pupils(
    rng: np.random.Generator, geography: Geography, numbers: np.ndarray, first_day: np.ndarray
) -> Pupils:
    """Pupils living in the regio-indeling's PC4s (unevenly populated); some move house."""
    count = numbers.size
    weights = rng.gamma(2.0, size=geography.pc4.size)
    home = rng.choice(geography.pc4.size, size=count, p=weights / weights.sum())
    moves = rng.random(count) < 0.06
    moved_on = np.where(moves, _between(rng, first_day + 200, first_day + 12 * 365), OPEN).astype(
        np.int32
    )
    moved_home = np.where(moves, rng.choice(geography.pc4.size, size=count), home)
    kind = rng.choice(
        np.array([HOME, UNKNOWN, NOT_IN_TABLE], dtype=np.int8), size=count, p=(0.992, 0.005, 0.003)
    )
    return Pupils(numbers, home, moved_home, moved_on, kind)


def _sector_enrolments(
    rng: np.random.Generator,
    pupils: Pupils,
    locations: Locations,
    sector_swv: np.ndarray,
    careers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One or two enrolments per career in a sector: `first` soort from `start`, and where
    `switch_on` is set, `second` soort from then (SBO/SO/VSO after regular school, or a change
    of school). Returns pupil, location, start, end of each enrolment."""
    pupil, start, end, first, second, switch_on = careers
    switched = switch_on != OPEN
    # A change of school ends the day before the next starts, sometimes on the same day.
    same_day = switched & (first == second) & (rng.random(pupil.size) < 0.2)
    first_end = np.where(switched, switch_on - 1 + same_day, end).astype(np.int32)
    pupil = np.r_[pupil, pupil[switched]]
    soort = np.r_[first, second[switched]]
    starts = np.r_[start, switch_on[switched]].astype(np.int32)
    ends = np.r_[first_end, end[switched]].astype(np.int32)
    home_swv = sector_swv[pupils.home_on(pupil, starts)]
    location = np.empty(pupil.size, dtype=np.int64)
    for kind in np.unique(soort):
        rows = np.flatnonzero(soort == kind)
        location[rows] = choose_locations(rng, locations, int(kind), home_swv[rows], 0.9)
    return pupil, location, starts, ends


def simulate_careers(
    rng: np.random.Generator,
    pupils: Pupils,
    geography: Geography,
    locations: Locations,
    cohort: np.ndarray,
    turns_four: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Primary and secondary enrolments of each pupil: pupil, location, start, end."""
    count = cohort.size
    pupil = np.arange(count)
    leaves_primary = cohort + 8 + rng.choice([-1, 0, 1], size=count, p=(0.03, 0.89, 0.08))
    early_leave = (rng.random(count) < 0.3) * rng.integers(0, 21, size=count)
    primary_end = august_first(leaves_primary) - 1 - early_leave
    # Shares tuned so that SBO ~2.4% and SO ~2.3% of primary pupils are in them at any time.
    path = rng.random(count)
    so_from_start = path < 0.012
    so_later = (path >= 0.012) & (path < 0.0315)
    sbo = (path >= 0.0315) & (path < 0.0795)
    special_on = august_first(
        cohort + np.where(sbo, rng.integers(2, 7, count), rng.integers(1, 7, count))
    ) + rng.integers(0, 300, size=count)
    changes_school = ~(so_from_start | so_later | sbo) & (rng.random(count) < 0.08)
    changes_on = _between(rng, turns_four + 60, primary_end - 60)
    # Some SO pupils stay on in SO a few months into their VSO time: dual across sectors.
    to_vso = rng.random(count)
    goes_to_vso = ((so_from_start | so_later) & (to_vso < 0.8)) | (sbo & (to_vso < 0.2))
    stays_longer = (so_from_start | so_later) & goes_to_vso & (rng.random(count) < 0.03)
    primary_end = primary_end + stays_longer * rng.integers(30, 250, size=count)
    primary = (
        pupil,
        turns_four,
        primary_end,
        np.where(so_from_start, SO, BAO),
        np.where(sbo, SBO, np.where(so_later, SO, BAO)),
        np.where(
            so_later | sbo,
            np.clip(special_on, turns_four + 1, primary_end),
            np.where(changes_school, changes_on, OPEN),
        ).astype(np.int32),
    )
    secondary_start = august_first(leaves_primary)
    years = rng.choice([4, 5, 6], size=count, p=(0.35, 0.35, 0.30))
    secondary_end = august_first(leaves_primary + years) - 1 - (rng.random(count) < 0.2) * 14
    to_vso_later = ~goes_to_vso & (rng.random(count) < 0.012)
    vso_on = august_first(leaves_primary + rng.integers(1, 4, count)) + rng.integers(0, 200, count)
    changes_vo = ~goes_to_vso & ~to_vso_later & (rng.random(count) < 0.10)
    secondary = (
        pupil,
        secondary_start,
        secondary_end,
        np.where(goes_to_vso, VSO, VO),
        np.where(goes_to_vso | to_vso_later, VSO, VO),
        np.where(
            to_vso_later,
            np.clip(vso_on, secondary_start + 1, secondary_end),
            np.where(changes_vo, _between(rng, secondary_start + 30, secondary_end - 30), OPEN),
        ).astype(np.int32),
    )
    parts = [
        _sector_enrolments(rng, pupils, locations, swv, careers)
        for swv, careers in ((geography.po_swv, primary), (geography.vo_swv, secondary))
    ]
    return tuple(np.concatenate(columns) for columns in zip(*parts, strict=True))  # type: ignore[return-value]


def _registered(rng: np.random.Generator, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The day each enrolment was registered, and whether it was registered late.

    Most are registered within days of the start, a quarter ahead of it. Of the enrolments that
    start in the months before a teldatum, some are registered late: schools catch up around
    the count's registration deadline, some just before it, some just after (R3).
    """
    count = start.size
    teldata = np.array([day(t) for t, _, _ in TELDATA], dtype=np.int32)
    deadlines = np.array([day(registration_deadline(t)) for t, _, _ in TELDATA], dtype=np.int32)
    next_count = np.minimum(np.searchsorted(teldata, start), teldata.size - 1)
    before_count = (teldata[next_count] >= start) & (teldata[next_count] - start < 120)
    late = before_count & (rng.random(count) < 0.05)
    around_deadline = deadlines[next_count] + rng.integers(-21, 22, size=count)
    timing = rng.random(count)
    registered = np.where(
        late,
        around_deadline,
        np.where(
            timing < 0.25,
            start - rng.integers(1, 46, size=count),
            start + rng.integers(0, 11, size=count),
        ),
    )
    return registered, late


def describe_enrolments(
    rng: np.random.Generator,
    locations: Locations,
    pupil: np.ndarray,
    location: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> Enrolments:
    """Registration, category, corrections and residential placement of simulated enrolments.

    Only what happens around the start and the end moves: a category is corrected within six
    weeks of the start, an end date is filled in before the next teldatum at the latest. So a
    teldatum's count moves until its deadline, and after that only by the corrections of
    corrections.py.
    """
    count = pupil.size
    soort = locations.soort[location]
    special = (soort == SO) | (soort == VSO)
    category = np.where(
        special, rng.choice([LAAG, MIDDEN, HOOG], size=count, p=(0.55, 0.3, 0.15)), 0
    ).astype(np.int8)
    corrected = special & (rng.random(count) < 0.06)
    corrected_category = np.where(corrected, category % 3 + 1, category).astype(np.int8)
    corrected_on = np.where(corrected, start + rng.integers(7, 43, size=count), OPEN)
    residential = np.where(
        special, rng.choice([0, IJH, GJI, JJI], size=count, p=(0.955, 0.03, 0.0075, 0.0075)), 0
    ).astype(np.int8)
    registered, late = _registered(rng, start)
    # An end date is known around the end; a fifth are filled in weeks or months later, but
    # before the next count, so that it never shows a pupil who left as active on a teldatum.
    delay = np.where(
        rng.random(count) < 0.2,
        rng.integers(16, 241, size=count),
        rng.integers(-30, 16, size=count),
    )
    end_known = np.where(end == OPEN, OPEN, np.minimum(end + delay, first_february_after(end)))
    return Enrolments(
        pupil=pupil,
        location=location,
        start=start.astype(np.int32),
        end=end.astype(np.int32),
        end_known=end_known.astype(np.int32),
        registered=registered.astype(np.int32),
        # A late registration always carries its date: that is what R3 judges it by.
        registration_shown=late | (rng.random(count) < 0.92),
        category=category,
        corrected_category=corrected_category,
        corrected_on=corrected_on.astype(np.int32),
        residential=residential,
        duo_dates=rng.random(count) < 0.3,
        fixed=np.zeros(count, dtype=bool),
    )


def issue_tlvs(
    rng: np.random.Generator,
    pupils: Pupils,
    geography: Geography,
    locations: Locations,
    enrolments: Enrolments,
    horizon: np.int32,
) -> Tlvs:
    """TLV chains for special enrolments: issued for 1-3 school years (some indefinitely) and
    renewed while the pupil stays; some end early, leaving a gap without a valid TLV."""
    soort = locations.soort[enrolments.location]
    cluster = locations.cluster[enrolments.location]
    residential = enrolments.residential
    needs_tlv = (
        np.isin(soort, (SBO, SO, VSO))
        & ~np.isin(cluster, (1, 2))  # clusters 1 and 2 admit their own pupils
        & ~np.isin(residential, (GJI, JJI))
        & ~((residential == IJH) & (rng.random(len(enrolments)) < 0.7))
        & (rng.random(len(enrolments)) < 0.95)
    )
    rows = np.flatnonzero(needs_tlv)
    e = enrolments.take(rows)
    soort = soort[rows]
    count = rows.size
    kind = np.where(soort == SBO, SBO_TLV, SO_VSO_TLV).astype(np.int8)
    vo = soort == VSO
    sector_indices = (geography.po_indices, geography.vo_indices)
    home = pupils.home_on(e.pupil, e.start)
    home_swv = np.where(vo, geography.vo_swv[home], geography.po_swv[home])
    location_swv = locations.swv[e.location]
    any_swv = np.where(
        vo,
        rng.choice(sector_indices[1], size=count),
        rng.choice(sector_indices[0], size=count),
    )
    # Often not the partnership of the pupil's home: that of the school, or another one.
    who = rng.random(count)
    swv = np.where(
        (who < 0.55) & (home_swv != NONE), home_swv, np.where(who < 0.85, location_swv, any_swv)
    )
    swv = np.where(swv == NONE, location_swv, swv)
    indefinite = rng.random(count) < np.where(kind == SBO_TLV, 0.3, 0.12)
    period = rng.choice([1, 2, 3], size=count, p=(0.3, 0.4, 0.3))
    first_begin = e.start - (rng.random(count) < 0.5) * rng.integers(1, 31, size=count)
    first_year = school_year(first_begin)
    last_needed = np.minimum(e.end, horizon)
    chain = np.where(
        indefinite, 1, 1 + np.maximum(school_year(last_needed) - first_year, 0) // period
    )
    link = np.repeat(np.arange(count), chain)
    nth = np.arange(link.size) - np.repeat(np.cumsum(chain) - chain, chain)
    begin = np.where(
        nth == 0, first_begin[link], august_first(first_year[link] + nth * period[link])
    )
    scheduled_end = august_first(first_year[link] + (nth + 1) * period[link]) - 1
    ends_early = rng.random(link.size) < 0.03
    end = np.where(
        ends_early,
        np.maximum(scheduled_end - rng.integers(150, 200, link.size), begin),
        scheduled_end,
    )
    end = np.where(indefinite[link], OPEN, end)
    category = np.where(
        kind[link] == SBO_TLV,
        0,
        np.where(
            rng.random(link.size) < 0.08,
            e.corrected_category[link] % 3 + 1,
            e.corrected_category[link],
        ),
    )
    issued = begin - np.where(
        nth == 0, rng.integers(0, 30, link.size), rng.integers(0, 120, link.size)
    )
    tlvs = Tlvs(
        pupil=e.pupil[link],
        swv=swv[link].astype(np.int64),
        soort=kind[link],
        category=category.astype(np.int8),
        begin=begin.astype(np.int32),
        end=end.astype(np.int32),
        issued=issued.astype(np.int32),
        duo_dates=rng.random(link.size) < 0.3,
        fixed=np.zeros(link.size, dtype=bool),
    )
    return tlvs.take(np.flatnonzero(tlvs.issued <= horizon))

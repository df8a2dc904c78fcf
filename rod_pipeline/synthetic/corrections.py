"""Funding-relevant corrections that reach the register after a teldatum's deadline.

Everything else in the register stops moving a count after its deadline (register.py), so
these are the only funding-relevant changes of a counted teldatum: a few by objection inside
the objection window (a late mutation, S7), and rare ones after it, once the count is final
(afwijkingen na definitief, S8). Each is one of two kinds:

- a TLV registered retroactively: the pupil was charged without one (R6-R8) and now by the TLV
  (R5), often to another partnership;
- a corrected category: an SO/VSO enrolment charged on its own category gets another (R10).

Corrected enrolments started after the previous teldatum, so no other count moves with them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from rod_pipeline.synthetic.geography import NONE, Geography
from rod_pipeline.synthetic.locations import SBO, SO, VSO, Locations
from rod_pipeline.synthetic.register import (
    GJI,
    JJI,
    SBO_TLV,
    SO_VSO_TLV,
    Enrolments,
    Pupils,
    Tlvs,
)
from rod_pipeline.synthetic.timeline import (
    OPEN,
    august_first,
    day,
    published_teldata,
    registration_deadline,
    school_year,
)


@dataclass(frozen=True)
class Correction:
    teldatum: date
    after: date  # the last extract that does not show the corrections yet
    shown_from: date  # the first extract that shows them
    share: float  # corrections per enrolment counted on the teldatum (at least one)


CORRECTIONS = (
    # By objection, inside the window of 2025-02-01 (deadline 2025-03-03, end 2025-04-14).
    Correction(
        date(2025, 2, 1), after=date(2025, 2, 15), shown_from=date(2025, 3, 15), share=0.005
    ),
    # Rare, after the count became final (2024-02-01 at 2025-01-15, 2025-02-01 at 2025-05-01).
    Correction(date(2024, 2, 1), after=date(2025, 5, 1), shown_from=date(2025, 10, 1), share=0.004),
    Correction(date(2025, 2, 1), after=date(2025, 5, 1), shown_from=date(2025, 10, 1), share=0.004),
)

# Which TLVs fit which enrolment (R4): SBO, SO (SO_VSO from a PO partnership), VSO (from VO).
_FITS_SBO, _FITS_SO, _FITS_VSO = 0, 1, 2


def _fitting_tlv_keys(geography: Geography, tlvs: Tlvs, teldatum: np.int32) -> np.ndarray:
    """pupil * 3 + the kind of enrolment it fits, of every TLV valid on the teldatum."""
    valid = (tlvs.begin <= teldatum) & (tlvs.end >= teldatum)
    fits = np.where(
        tlvs.soort == SBO_TLV,
        _FITS_SBO,
        np.where(np.isin(tlvs.swv, geography.vo_indices), _FITS_VSO, _FITS_SO),
    )
    return (tlvs.pupil * 3 + fits)[valid]


def _candidates(
    geography: Geography,
    locations: Locations,
    special: Enrolments,
    tlvs: Tlvs,
    correction: Correction,
) -> tuple[np.ndarray, int]:
    """Rows of `special` (SBO, SO and VSO enrolments) charged on the teldatum without a TLV
    that a correction may change, and how many are counted on it in all."""
    e = special
    t = day(correction.teldatum)
    soort = locations.soort[e.location]
    counted = (
        ~np.isin(locations.cluster[e.location], (1, 2))
        & ~np.isin(e.residential, (GJI, JJI))
        & (e.start <= t)
        & (e.end >= t)
        & (e.registered <= day(registration_deadline(correction.teldatum)))
    )
    # One counted enrolment per pupil and sector (R3): a second one could hide the change.
    sector_key = e.pupil * 2 + (soort == VSO)
    keys, uses = np.unique(sector_key[counted], return_counts=True)
    alone = np.isin(sector_key, keys[uses == 1])
    fits = np.select([soort == SBO, soort == SO], [_FITS_SBO, _FITS_SO], _FITS_VSO)
    with_tlv = np.isin(e.pupil * 3 + fits, _fitting_tlv_keys(geography, tlvs, t))
    earlier = [day(p) for p in published_teldata() if p < correction.teldatum]
    candidates = (
        counted
        & alone
        & ~with_tlv
        & ~e.fixed
        & (e.registered <= day(correction.after))
        & (e.start > (max(earlier) if earlier else np.iinfo(np.int32).min))
    )
    return np.flatnonzero(candidates), int(counted.sum())


def _arrival(rng: np.random.Generator, correction: Correction, count: int) -> np.ndarray:
    """Days after the extract `after`, up to the extract `shown_from`."""
    first, last = day(correction.after) + 1, day(correction.shown_from)
    return rng.integers(first, last + 1, size=count).astype(np.int32)


def _retroactive_tlvs(
    rng: np.random.Generator,
    geography: Geography,
    locations: Locations,
    pupils: Pupils,
    e: Enrolments,
    correction: Correction,
) -> Tlvs:
    """TLVs for the school year of the teldatum only, issued when the correction arrives: half
    by the partnership of the pupil's home (which may pay already), half by any other."""
    count = len(e)
    soort = locations.soort[e.location]
    year = school_year(np.full(count, day(correction.teldatum)))
    home = pupils.home_on(e.pupil, e.start)
    home_swv = np.where(soort == VSO, geography.vo_swv[home], geography.po_swv[home])
    po, vo = geography.po_indices, geography.vo_indices
    other_swv = np.where(soort == VSO, rng.choice(vo, size=count), rng.choice(po, size=count))
    by_home = (rng.random(count) < 0.5) & (home_swv != NONE)
    swv = np.where(by_home, home_swv, other_swv)
    return Tlvs(
        pupil=e.pupil,
        swv=swv.astype(np.int64),
        soort=np.where(soort == SBO, SBO_TLV, SO_VSO_TLV).astype(np.int8),
        category=np.where(soort == SBO, 0, e.corrected_category).astype(np.int8),
        begin=np.maximum(august_first(year), e.start).astype(np.int32),
        end=(august_first(year + 1) - 1).astype(np.int32),
        issued=_arrival(rng, correction, count),
        duo_dates=rng.random(count) < 0.3,
        fixed=np.ones(count, dtype=bool),
    )


def _recategorised(
    rng: np.random.Generator, enrolments: Enrolments, rows: np.ndarray, correction: Correction
) -> Enrolments:
    """The enrolments with another category for `rows` from the day the correction arrives."""
    corrected_category = enrolments.corrected_category.copy()
    corrected_category[rows] = enrolments.category[rows] % 3 + 1
    corrected_on = enrolments.corrected_on.copy()
    corrected_on[rows] = _arrival(rng, correction, rows.size)
    return replace(enrolments, corrected_category=corrected_category, corrected_on=corrected_on)


def correct_after_deadlines(
    rng: np.random.Generator,
    geography: Geography,
    locations: Locations,
    pupils: Pupils,
    enrolments: Enrolments,
    tlvs: Tlvs,
) -> tuple[Enrolments, Tlvs]:
    """The register with the CORRECTIONS made: categories corrected, retroactive TLVs added,
    about half of each. Corrected rows are marked fixed, so that no mistake hides them."""
    special = np.flatnonzero(np.isin(locations.soort[enrolments.location], (SBO, SO, VSO)))
    added = []
    for correction in CORRECTIONS:
        e = enrolments.take(special)
        candidates, counted = _candidates(geography, locations, e, tlvs, correction)
        total = max(1, round(correction.share * counted))
        # A category only of an SO/VSO enrolment that no later count includes.
        later = [day(p) for p in published_teldata() if p > correction.teldatum]
        only_this_count = e.end < min(later) if later else np.ones(len(e), dtype=bool)
        with_category = candidates[
            (locations.soort[e.location[candidates]] != SBO)
            & (e.corrected_on[candidates] == OPEN)
            & only_this_count[candidates]
        ]
        recategorised = rng.permutation(with_category)[: total // 2]
        others = np.setdiff1d(candidates, recategorised)
        retroactive = rng.permutation(others)[: total - recategorised.size]
        enrolments = _recategorised(rng, enrolments, special[recategorised], correction)
        fixed = enrolments.fixed.copy()
        fixed[special[np.r_[recategorised, retroactive]]] = True
        enrolments = replace(enrolments, fixed=fixed)
        added.append(
            _retroactive_tlvs(
                rng, geography, locations, pupils, enrolments.take(special[retroactive]), correction
            )
        )
    return enrolments, Tlvs.concat([tlvs, *added])

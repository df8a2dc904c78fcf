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

from rod_pipeline.synthetic.geography import Geography
from rod_pipeline.synthetic.locations import SBO, SO, VSO, Locations
from rod_pipeline.synthetic.register import (
    GJI,
    JJI,
    SBO_TLV,
    SO_VSO_TLV,
    Enrolments,
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
    seen_from: date  # the first extract that shows the corrections
    not_before: date  # the extract before it, which does not show them yet
    share: float  # corrections per enrolment charged on the teldatum (at least one)


CORRECTIONS = (
    # By objection, inside the window of 2025-02-01 (deadline 2025-03-03, end 2025-04-14).
    Correction(date(2025, 2, 1), date(2025, 3, 15), date(2025, 2, 15), 0.005),
    # Rare, after the count became final (2024-02-01 at 2025-01-15, 2025-02-01 at 2025-05-01).
    Correction(date(2024, 2, 1), date(2025, 10, 1), date(2025, 5, 1), 0.002),
    Correction(date(2025, 2, 1), date(2025, 10, 1), date(2025, 5, 1), 0.002),
)

# Which TLVs fit which enrolment (R4): SBO, SO (SO_VSO from a PO partnership), VSO (from VO).
_FITS_SBO, _FITS_SO, _FITS_VSO = 0, 1, 2


def _fitting_kind(soort: np.ndarray) -> np.ndarray:
    return np.select([soort == SBO, soort == SO], [_FITS_SBO, _FITS_SO], _FITS_VSO)


def _charged_without_tlv(
    geography: Geography,
    locations: Locations,
    enrolments: Enrolments,
    tlvs: Tlvs,
    correction: Correction,
) -> tuple[np.ndarray, int]:
    """Enrolments charged on the teldatum without a TLV that a correction may change, and how
    many enrolments are charged on it in all."""
    e = enrolments
    t = day(correction.teldatum)
    soort = locations.soort[e.location]
    earlier = [day(p) for p in published_teldata() if p < correction.teldatum]
    counted = (
        np.isin(soort, (SBO, SO, VSO))
        & ~np.isin(locations.cluster[e.location], (1, 2))
        & ~np.isin(e.residential, (GJI, JJI))
        & (e.start <= t)
        & (e.end >= t)
        & (e.registered <= day(registration_deadline(correction.teldatum)))
    )
    # One charged enrolment per pupil and sector (R3): a second one could hide the change.
    sector_key = e.pupil * 2 + (soort == VSO)
    keys, uses = np.unique(sector_key[counted], return_counts=True)
    alone = np.isin(sector_key, keys[uses == 1])
    fit_key = e.pupil * 3 + _fitting_kind(soort)
    valid = (tlvs.begin <= t) & (tlvs.end >= t)
    tlv_fits = np.where(
        tlvs.soort == SBO_TLV,
        _FITS_SBO,
        np.where(np.isin(tlvs.swv, geography.vo_indices), _FITS_VSO, _FITS_SO),
    )
    with_tlv = np.isin(fit_key, tlvs.pupil[valid] * 3 + tlv_fits[valid])
    candidates = (
        counted
        & alone
        & ~with_tlv
        & ~e.fixed
        & (e.registered <= day(correction.not_before))
        & (e.start > (max(earlier) if earlier else np.iinfo(np.int32).min))
    )
    return np.flatnonzero(candidates), int(counted.sum())


def _retroactive_tlvs(
    rng: np.random.Generator,
    geography: Geography,
    e: Enrolments,
    soort: np.ndarray,
    correction: Correction,
    arrives: np.ndarray,
) -> Tlvs:
    """TLVs for the school year of the teldatum only, issued when the correction arrives."""
    count = len(e)
    year = school_year(np.full(count, day(correction.teldatum)))
    po, vo = geography.po_indices, geography.vo_indices
    swv = np.where(soort == VSO, rng.choice(vo, size=count), rng.choice(po, size=count))
    return Tlvs(
        pupil=e.pupil,
        swv=swv.astype(np.int64),
        soort=np.where(soort == SBO, SBO_TLV, SO_VSO_TLV).astype(np.int8),
        category=np.where(soort == SBO, 0, e.corrected_category).astype(np.int8),
        begin=np.maximum(august_first(year), e.start).astype(np.int32),
        end=(august_first(year + 1) - 1).astype(np.int32),
        issued=arrives,
        duo_dates=rng.random(count) < 0.3,
        fixed=np.ones(count, dtype=bool),
    )


def _arrival_days(rng: np.random.Generator, correction: Correction, count: int) -> np.ndarray:
    first, last = day(correction.not_before) + 1, day(correction.seen_from)
    return rng.integers(first, last + 1, size=count).astype(np.int32)


def correct_after_deadlines(
    rng: np.random.Generator,
    geography: Geography,
    locations: Locations,
    enrolments: Enrolments,
    tlvs: Tlvs,
) -> tuple[Enrolments, Tlvs]:
    """The register with the CORRECTIONS made: enrolments corrected, retroactive TLVs added.

    Corrected rows are marked fixed, so that no mistake hides them."""
    added = []
    for correction in CORRECTIONS:
        candidates, charged = _charged_without_tlv(
            geography, locations, enrolments, tlvs, correction
        )
        total = max(1, round(correction.share * charged))
        soort = locations.soort[enrolments.location]
        # Categories only on enrolments that no later count includes either.
        later = [day(p) for p in published_teldata() if p > correction.teldatum]
        alone_in_count = enrolments.end < min(later) if later else np.ones(len(enrolments), bool)
        with_category = candidates[
            np.isin(soort[candidates], (SO, VSO))
            & (enrolments.corrected_on[candidates] == OPEN)
            & alone_in_count[candidates]
        ]
        recategorised = rng.permutation(with_category)[: total // 2]
        retroactive = rng.permutation(np.setdiff1d(candidates, recategorised))[
            : total - recategorised.size
        ]
        corrected_category = enrolments.corrected_category.copy()
        corrected_category[recategorised] = enrolments.category[recategorised] % 3 + 1
        corrected_on = enrolments.corrected_on.copy()
        corrected_on[recategorised] = _arrival_days(rng, correction, recategorised.size)
        fixed = enrolments.fixed.copy()
        fixed[np.r_[recategorised, retroactive]] = True
        enrolments = replace(
            enrolments,
            corrected_category=corrected_category,
            corrected_on=corrected_on,
            fixed=fixed,
        )
        added.append(
            _retroactive_tlvs(
                rng,
                geography,
                enrolments.take(retroactive),
                soort[retroactive],
                correction,
                _arrival_days(rng, correction, retroactive.size),
            )
        )
    return enrolments, Tlvs.concat([tlvs, *added])

"""Hand-written pupils that put every situation of the rulebook (R1-R12) in the register around
teldatum 2025-02-01 (registration deadline 2025-03-03), at every scale.

Locations and partnerships are named by role; `Roles` finds them in the generated geography.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rod_pipeline.synthetic.geography import NONE, Geography
from rod_pipeline.synthetic.locations import BAO, SBO, SO, VO, VSO, Locations
from rod_pipeline.synthetic.register import (
    GJI,
    HOME,
    HOOG,
    IJH,
    JJI,
    LAAG,
    MIDDEN,
    NOT_IN_TABLE,
    SBO_TLV,
    SO_VSO_TLV,
    UNKNOWN,
    Enrolments,
    Pupils,
    Tlvs,
)
from rod_pipeline.synthetic.timeline import OPEN, day


@dataclass(frozen=True)
class Enrolment:
    pupil: str
    at: str  # location role
    start: str
    end: str | None = None
    category: int = 0
    residential: int = 0
    registered: str | None = None  # default: on the start date


@dataclass(frozen=True)
class Tlv:
    pupil: str
    by: str  # partnership role
    soort: int
    category: int
    begin: str
    end: str | None


# Pupils whose postcode does not lead to a partnership (R8); all others live at the home PC4.
POSTCODE_KIND = {
    "no_postcode": UNKNOWN,
    "pc4_not_in_table": NOT_IN_TABLE,
    "pc4_without_partnership": HOME,
}

ENROLMENTS = (
    # R1: active from DATUM_INSCHRIJVING to DATUM_UITSCHRIJVING, both inclusive.
    Enrolment("starts_on_teldatum", "bao", "2025-02-01"),
    Enrolment("starts_day_before_teldatum", "bao", "2025-01-31"),
    Enrolment("starts_day_after_teldatum", "bao", "2025-02-02"),
    Enrolment("ends_on_teldatum", "so", "2022-08-01", "2025-02-01", LAAG),
    Enrolment("ends_day_before_teldatum", "so", "2022-08-01", "2025-01-31", MIDDEN),
    Enrolment("ends_day_after_teldatum", "sbo", "2021-08-01", "2025-02-02"),
    # R5 and the users' example: A (valid TLV), B (no TLV), C (expired TLV).
    Enrolment("valid_tlv", "sbo", "2021-08-01"),
    Enrolment("no_tlv", "so", "2024-08-01", category=LAAG),
    Enrolment("expired_tlv", "so", "2024-08-01", category=LAAG),
    Enrolment("tlv_not_yet_valid", "so", "2024-11-01", category=MIDDEN),
    Enrolment("tlv_ends_on_teldatum", "vso", "2023-08-01", category=HOOG),
    Enrolment("tlv_begins_on_teldatum", "vso", "2024-09-01", category=LAAG),
    Enrolment("several_valid_tlvs", "so", "2023-08-01", category=MIDDEN),
    Enrolment("several_valid_tlvs_same_begin", "so", "2023-08-01", category=LAAG),
    Enrolment("indefinite_tlv", "vso", "2022-08-01", category=MIDDEN),
    Enrolment("tlv_of_other_sector", "so", "2024-08-01", category=LAAG),
    Enrolment("expired_and_future_tlv", "so", "2022-08-01", category=LAAG),
    # R3: two special enrolments in one sector, and across sectors.
    Enrolment("dual_po", "sbo", "2023-08-01"),
    Enrolment("dual_po", "so", "2024-08-01", category=LAAG),
    Enrolment("dual_po_same_start", "so", "2024-08-01", category=MIDDEN),
    Enrolment("dual_po_same_start", "so_combined", "2024-08-01", category=MIDDEN),
    Enrolment("dual_vo", "vso", "2023-08-01", category=LAAG),
    Enrolment("dual_vo", "vso_combined", "2024-03-01", category=LAAG),
    Enrolment("dual_sectors", "so", "2019-08-01", category=HOOG),
    Enrolment("dual_sectors", "vso", "2024-08-01", category=HOOG),
    # R6: open residential youth care, with and without a previous school in the sector.
    Enrolment("ijh_after_bao", "bao_other", "2019-08-01", "2024-10-31"),
    Enrolment("ijh_after_bao", "so", "2024-11-01", category=LAAG, residential=IJH),
    Enrolment("ijh_without_previous", "so", "2024-09-01", category=MIDDEN, residential=IJH),
    Enrolment("ijh_previous_in_other_sector", "bao_other", "2016-08-01", "2024-07-31"),
    Enrolment("ijh_previous_in_other_sector", "vso", "2024-08-01", category=LAAG, residential=IJH),
    Enrolment("ijh_with_valid_tlv", "so", "2024-08-01", category=LAAG, residential=IJH),
    # R3: closed youth care and youth justice.
    Enrolment("gji", "vso", "2024-10-01", category=MIDDEN, residential=GJI),
    Enrolment("jji", "vso", "2024-12-01", category=HOOG, residential=JJI),
    # R3: SO/VSO at cluster 1 and 2 locations.
    Enrolment("so_cluster_2", "so_cluster_2", "2023-08-01", category=MIDDEN),
    Enrolment("vso_cluster_1", "vso_cluster_1", "2022-08-01", category=HOOG),
    # R3 and R11: registered on the deadline, and one day after it.
    Enrolment("registered_on_deadline", "so", "2025-01-06", category=LAAG, registered="2025-03-03"),
    Enrolment(
        "registered_after_deadline", "so", "2025-01-06", category=LAAG, registered="2025-03-04"
    ),
    Enrolment("bao_registered_after_deadline", "bao", "2025-01-13", registered="2025-03-04"),
    # R10: the TLV's category differs from the enrolment's.
    Enrolment("category_differs", "so", "2023-08-01", category=MIDDEN),
    # R12: a combined SO/VSO location, both rows.
    Enrolment("so_at_combined_location", "so_combined", "2023-08-01", category=LAAG),
    Enrolment("vso_at_combined_location", "vso_combined", "2023-08-01", category=MIDDEN),
    # R11: several regular enrolments of one pupil, and regular next to special.
    Enrolment("two_bao", "bao", "2020-08-01"),
    Enrolment("two_bao", "bao_other", "2024-09-01"),
    Enrolment("two_vo", "vo", "2022-08-01"),
    Enrolment("two_vo", "vo_other", "2023-08-01"),
    Enrolment("bao_and_sbo", "bao", "2020-08-01"),
    Enrolment("bao_and_sbo", "sbo", "2024-08-01"),
    # R8: no home partnership.
    Enrolment("no_postcode", "so", "2024-08-01", category=LAAG),
    Enrolment("pc4_not_in_table", "sbo", "2024-08-01"),
    Enrolment("pc4_without_partnership", "so", "2024-08-01", category=HOOG),
)

TLVS = (
    Tlv("ends_on_teldatum", "other_po", SO_VSO_TLV, LAAG, "2022-08-01", "2026-07-31"),
    Tlv("ends_day_before_teldatum", "other_po", SO_VSO_TLV, MIDDEN, "2022-08-01", "2026-07-31"),
    Tlv("ends_day_after_teldatum", "other_po", SBO_TLV, 0, "2021-08-01", None),
    Tlv("valid_tlv", "other_po", SBO_TLV, 0, "2021-08-01", "2026-07-31"),
    Tlv("expired_tlv", "other_po", SO_VSO_TLV, LAAG, "2022-08-01", "2024-07-31"),
    Tlv("tlv_not_yet_valid", "other_po", SO_VSO_TLV, MIDDEN, "2025-02-02", "2026-07-31"),
    Tlv("tlv_ends_on_teldatum", "other_vo", SO_VSO_TLV, HOOG, "2023-08-01", "2025-02-01"),
    Tlv("tlv_begins_on_teldatum", "other_vo", SO_VSO_TLV, LAAG, "2025-02-01", "2027-07-31"),
    Tlv("several_valid_tlvs", "home_po", SO_VSO_TLV, MIDDEN, "2023-08-01", "2026-07-31"),
    Tlv("several_valid_tlvs", "other_po", SO_VSO_TLV, MIDDEN, "2024-08-01", "2027-07-31"),
    Tlv("several_valid_tlvs_same_begin", "home_po", SO_VSO_TLV, LAAG, "2024-08-01", "2025-07-31"),
    Tlv("several_valid_tlvs_same_begin", "other_po", SO_VSO_TLV, LAAG, "2024-08-01", "2026-07-31"),
    Tlv("indefinite_tlv", "other_vo", SO_VSO_TLV, MIDDEN, "2022-08-01", None),
    Tlv("tlv_of_other_sector", "other_vo", SO_VSO_TLV, LAAG, "2024-08-01", "2026-07-31"),
    Tlv("expired_and_future_tlv", "other_po", SO_VSO_TLV, LAAG, "2022-08-01", "2024-12-31"),
    Tlv("expired_and_future_tlv", "other_po", SO_VSO_TLV, LAAG, "2025-03-01", "2026-07-31"),
    Tlv("dual_po", "home_po", SBO_TLV, 0, "2023-08-01", "2025-07-31"),
    Tlv("dual_po", "other_po", SO_VSO_TLV, LAAG, "2024-08-01", "2026-07-31"),
    Tlv("dual_po_same_start", "other_po", SO_VSO_TLV, MIDDEN, "2024-08-01", "2026-07-31"),
    Tlv("dual_vo", "other_vo", SO_VSO_TLV, LAAG, "2023-08-01", "2026-07-31"),
    Tlv("dual_sectors", "other_po", SO_VSO_TLV, HOOG, "2019-08-01", "2025-07-31"),
    Tlv("dual_sectors", "home_vo", SO_VSO_TLV, HOOG, "2024-08-01", "2028-07-31"),
    Tlv("ijh_with_valid_tlv", "other_po", SO_VSO_TLV, LAAG, "2024-08-01", "2026-07-31"),
    Tlv("registered_on_deadline", "home_po", SO_VSO_TLV, LAAG, "2025-01-06", "2026-07-31"),
    Tlv("registered_after_deadline", "home_po", SO_VSO_TLV, LAAG, "2025-01-06", "2026-07-31"),
    Tlv("category_differs", "other_po", SO_VSO_TLV, HOOG, "2023-08-01", "2026-07-31"),
    Tlv("so_at_combined_location", "home_po", SO_VSO_TLV, LAAG, "2023-08-01", "2026-07-31"),
    Tlv("vso_at_combined_location", "home_vo", SO_VSO_TLV, MIDDEN, "2023-08-01", None),
    Tlv("bao_and_sbo", "other_po", SBO_TLV, 0, "2024-08-01", "2026-07-31"),
)

SITUATION_PUPILS = tuple(dict.fromkeys(e.pupil for e in ENROLMENTS))


def _pick(candidates: np.ndarray, avoid: np.ndarray) -> int:
    """The first candidate not in `avoid`, else the first candidate."""
    preferred = candidates[~np.isin(candidates, avoid)]
    return int(preferred[0] if preferred.size else candidates[0])


def _location_roles(locations: Locations) -> dict[str, int]:
    codes, counts = np.unique(locations.code.astype(str), return_counts=True)
    combined = np.isin(locations.code.astype(str), codes[counts > 1])
    charged_cluster = np.isin(locations.cluster, (3, 4))

    def rows(soort: int, where: np.ndarray) -> np.ndarray:
        return np.flatnonzero((locations.soort == soort) & where)

    everywhere = np.ones(len(locations.soort), dtype=bool)
    roles = {
        "sbo": int(rows(SBO, everywhere)[0]),
        "so": int(rows(SO, charged_cluster & ~combined)[0]),
        "vso": int(rows(VSO, charged_cluster & ~combined)[0]),
        "so_combined": int(rows(SO, charged_cluster & combined)[0]),
        "so_cluster_2": int(rows(SO, (locations.cluster == 2) & ~combined)[0]),
        "vso_cluster_1": int(rows(VSO, (locations.cluster == 1) & ~combined)[0]),
    }
    roles["vso_combined"] = int(
        np.flatnonzero(
            (locations.code == locations.code[roles["so_combined"]]) & (locations.soort == VSO)
        )[0]
    )
    for name, soort in (("bao", BAO), ("vo", VO)):
        candidates = rows(soort, everywhere)
        roles[name] = int(candidates[0])
        other_swv = candidates[locations.swv[candidates] != locations.swv[candidates[0]]]
        roles[f"{name}_other"] = int(other_swv[0] if other_swv.size else candidates[1])
    return roles


def _partnership_roles(
    geography: Geography, locations: Locations, at: dict[str, int]
) -> tuple[int, dict[str, int]]:
    """A home PC4 whose partnerships differ from the schools', so that the charged partnership
    shows which rule decided it; and an 'other' partnership that is neither."""
    school_po = locations.swv[[at["so"], at["sbo"]]]
    school_vo = locations.swv[[at["vso"]]]
    placed = np.flatnonzero((geography.po_swv != NONE) & (geography.vo_swv != NONE))
    apart = placed[
        ~np.isin(geography.po_swv[placed], school_po)
        & ~np.isin(geography.vo_swv[placed], school_vo)
    ]
    home = int(apart[0] if apart.size else placed[0])
    home_po, home_vo = int(geography.po_swv[home]), int(geography.vo_swv[home])
    partnerships = {
        "home_po": home_po,
        "home_vo": home_vo,
        "other_po": _pick(geography.po_indices, np.r_[school_po, home_po]),
        "other_vo": _pick(geography.vo_indices, np.r_[school_vo, home_vo]),
    }
    return home, partnerships


def situation_register(
    rng: np.random.Generator,
    geography: Geography,
    locations: Locations,
    numbers: np.ndarray,
    first_pupil: int,
) -> tuple[Pupils, Enrolments, Tlvs]:
    """The hand-written situations as register rows; pupils are numbered from `first_pupil`."""
    at = _location_roles(locations)
    home, by = _partnership_roles(geography, locations, at)
    without_partnership = np.flatnonzero(geography.po_swv == NONE)
    pupil_homes = np.full(len(SITUATION_PUPILS), home)
    kinds = np.array([POSTCODE_KIND.get(p, HOME) for p in SITUATION_PUPILS], dtype=np.int8)
    orphan = SITUATION_PUPILS.index("pc4_without_partnership")
    if without_partnership.size:
        pupil_homes[orphan] = without_partnership[0]
    else:  # a hand-written regio table may place every PC4: the PC4 is then unknown instead
        kinds[orphan] = NOT_IN_TABLE
    pupils = Pupils(
        number=numbers,
        home=pupil_homes,
        moved_home=pupil_homes,
        moved_on=np.full(len(SITUATION_PUPILS), OPEN, dtype=np.int32),
        postcode_kind=kinds,
    )
    pupil_of = {name: first_pupil + i for i, name in enumerate(SITUATION_PUPILS)}
    start = np.array([day(e.start) for e in ENROLMENTS], dtype=np.int32)
    end = np.array([day(e.end) if e.end else OPEN for e in ENROLMENTS], dtype=np.int32)
    category = np.array([e.category for e in ENROLMENTS], dtype=np.int8)
    count = len(ENROLMENTS)
    enrolments = Enrolments(
        pupil=np.array([pupil_of[e.pupil] for e in ENROLMENTS], dtype=np.int64),
        location=np.array([at[e.at] for e in ENROLMENTS], dtype=np.int64),
        start=start,
        end=end,
        end_known=end,
        registered=np.array(
            [day(e.registered) if e.registered else day(e.start) for e in ENROLMENTS],
            dtype=np.int32,
        ),
        registration_shown=np.ones(count, dtype=bool),
        category=category,
        corrected_category=category,
        corrected_on=np.full(count, OPEN, dtype=np.int32),
        residential=np.array([e.residential for e in ENROLMENTS], dtype=np.int8),
        duo_dates=rng.random(count) < 0.3,
        fixed=np.ones(count, dtype=bool),
    )
    begin = np.array([day(t.begin) for t in TLVS], dtype=np.int32)
    tlvs = Tlvs(
        pupil=np.array([pupil_of[t.pupil] for t in TLVS], dtype=np.int64),
        swv=np.array([by[t.by] for t in TLVS], dtype=np.int64),
        soort=np.array([t.soort for t in TLVS], dtype=np.int8),
        category=np.array([t.category for t in TLVS], dtype=np.int8),
        begin=begin,
        end=np.array([day(t.end) if t.end else OPEN for t in TLVS], dtype=np.int32),
        issued=np.minimum(begin, day("2025-01-10")),
        duo_dates=rng.random(len(TLVS)) < 0.3,
        fixed=np.ones(len(TLVS), dtype=bool),
    )
    return pupils, enrolments, tlvs

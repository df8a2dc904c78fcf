"""How big each synthetic installation is (`--scale tiny|small|national`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    pupils_per_cohort: int  # pupils who turn four in one school year
    po_partnerships: int
    vo_partnerships: int
    postcodes: int  # PC4s in the synthetic regio-indeling
    without_partnership: int  # PC4s in the table that belong to no partnership
    bao_locations: int
    sbo_locations: int
    so_locations: int
    vso_locations: int
    so_vso_locations: int  # combined locations: one SO row and one VSO row
    vo_locations: int


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale("tiny", 14, 4, 4, 40, 1, 8, 2, 5, 5, 2, 4),
        Scale("small", 1_600, 20, 18, 800, 2, 240, 12, 14, 12, 6, 60),
        # About 1.47M primary and 0.93M secondary active pupils at ~7,000 locations.
        Scale("national", 185_000, 76, 74, 4_000, 3, 5_800, 190, 150, 110, 180, 1_400),
    )
}


def scale_named(name: str) -> Scale:
    try:
        return SCALES[name]
    except KeyError:
        raise ValueError(f"unknown scale {name!r}: choose one of {', '.join(SCALES)}") from None

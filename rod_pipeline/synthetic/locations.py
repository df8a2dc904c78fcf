"""School locations (vestigingen): one row per location and type of education."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.formatting import LETTERS, codes_as_text, postcodes
from rod_pipeline.synthetic.geography import NONE, Geography, invented_place_names
from rod_pipeline.synthetic.scales import Scale

# Type of education, by code (the order is used as an integer code throughout).
BAO, SBO, SO, VSO, VO = range(5)
SOORTEN = ("BAO", "SBO", "SO", "VSO", "VO")
PO_SOORTEN = (BAO, SBO, SO)

# Injected "unknown location" mistakes use this BRIN letter pair, never given to a real one.
UNUSED_BRIN_LETTERS = "ZZ"

_CLUSTER_SHARES = (0.04, 0.14, 0.40, 0.42)
_NAME_PREFIX = {
    BAO: "Basisschool",
    SBO: "SBO",
    SO: "SO",
    VSO: "VSO",
    VO: "College",
}


@dataclass(frozen=True)
class Locations:
    """One row per location and ONDERWIJSSOORT; a combined SO/VSO location has two rows."""

    code: np.ndarray  # str, ^[0-9]{2}[A-Z]{2}[0-9]{2}$
    name: np.ndarray  # str
    soort: np.ndarray  # int, index into SOORTEN
    cluster: np.ndarray  # int 1-4 for SO/VSO, 0 otherwise
    pc4_index: np.ndarray  # int, row of the regio-indeling the location lies in
    postcode: pa.Array
    swv: np.ndarray  # int, index into Geography.swv_codes

    def table(self, geography: Geography) -> pa.Table:
        cluster = pa.array(self.cluster).cast(pa.string())
        return pa.table(
            {
                "VESTIGING": pa.array(self.code, pa.string()),
                "NAAM": pa.array(self.name, pa.string()),
                "ONDERWIJSSOORT": codes_as_text(SOORTEN, self.soort),
                "CLUSTER": pc.if_else(
                    pa.array(self.cluster == 0), pa.scalar(None, pa.string()), cluster
                ),
                "POSTCODE": self.postcode,
                "SWV_CODE": pa.array(geography.swv_codes[self.swv], pa.string()),
            }
        )

    def of_soort(self, soort: int) -> np.ndarray:
        return np.flatnonzero(self.soort == soort)


def _clusters(rng: np.random.Generator, count: int, always: tuple[int, ...]) -> np.ndarray:
    """Clusters by their share, the first ones fixed so each situation of the rulebook has one."""
    drawn = rng.choice(np.arange(1, 5), size=count, p=_CLUSTER_SHARES)
    drawn[: min(count, len(always))] = always[:count]
    return drawn


def _brin_codes(rng: np.random.Generator, count: int) -> np.ndarray:
    """Distinct `12AB` school codes, each with a two-digit location number: `12AB00`."""
    letters = np.char.add(LETTERS[:, None], LETTERS[None, :]).ravel()
    letters = letters[letters != UNUSED_BRIN_LETTERS]
    every_brin = np.char.add(np.char.zfill(np.arange(100).astype(str), 2)[:, None], letters).ravel()
    brin = rng.choice(every_brin, size=count, replace=False)
    number = np.char.zfill(
        rng.choice(np.arange(4), size=count, p=(0.7, 0.2, 0.07, 0.03)).astype(str), 2
    )
    return np.char.add(brin, number).astype(object)


def build_locations(rng: np.random.Generator, scale: Scale, geography: Geography) -> Locations:
    sizes = {
        BAO: scale.bao_locations,
        SBO: scale.sbo_locations,
        SO: scale.so_locations,
        VSO: scale.vso_locations,
        VO: scale.vo_locations,
    }
    soort = np.repeat(np.array(list(sizes)), list(sizes.values()))
    cluster = np.zeros(soort.size, dtype=np.int64)
    for special in (SO, VSO):
        cluster[soort == special] = _clusters(rng, sizes[special], (1, 2, 3, 4))
    combined = scale.so_vso_locations
    combined_cluster = _clusters(rng, combined, (3,))
    places = soort.size + combined
    code = _brin_codes(rng, places)
    placed = np.flatnonzero((geography.po_swv != NONE) & (geography.vo_swv != NONE))
    pc4_index = rng.choice(placed, size=places)
    postcode = postcodes(geography.pc4[pc4_index], rng, np.ones(places, dtype=bool))
    name = np.char.add(" ", invented_place_names(rng, places).astype(str)).astype(object)
    # Combined SO/VSO locations: the same place twice, once as SO and once as VSO.
    twice = np.r_[np.arange(places), np.arange(soort.size, places)]
    soort = np.r_[soort, np.full(combined, SO), np.full(combined, VSO)]
    cluster = np.r_[cluster, combined_cluster, combined_cluster]
    pc4_index = pc4_index[twice]
    swv = np.where(
        np.isin(soort, PO_SOORTEN), geography.po_swv[pc4_index], geography.vo_swv[pc4_index]
    )
    prefix = np.array([_NAME_PREFIX[s] for s in range(len(SOORTEN))], dtype=object)[soort]
    prefix[soort.size - 2 * combined :] = "SO/VSO"
    return Locations(
        code=code[twice],
        name=prefix + name[twice],
        soort=soort,
        cluster=cluster,
        pc4_index=pc4_index,
        postcode=postcode.take(twice),
        swv=swv,
    )


def choose_locations(
    rng: np.random.Generator,
    locations: Locations,
    soort: int,
    home_swv: np.ndarray,
    stay_in_region: float,
) -> np.ndarray:
    """A location row of `soort` for each pupil: mostly one in the partnership of the pupil's
    home, else (or when the region has none) any of that soort."""
    rows = locations.of_soort(soort)
    rows = rows[np.argsort(locations.swv[rows], kind="stable")]
    swv_of_row = locations.swv[rows]
    first = np.searchsorted(swv_of_row, home_swv, side="left")
    count = np.searchsorted(swv_of_row, home_swv, side="right") - first
    anywhere = rng.integers(0, rows.size, size=home_swv.size)
    nearby = first + (rng.random(home_swv.size) * np.maximum(count, 1)).astype(np.int64)
    local = (count > 0) & (rng.random(home_swv.size) < stay_in_region)
    return rows[np.where(local, nearby, anywhere)]

"""Partnerships and the regio-indeling: synthetic but shaped like the real one, or read from a
real table with the contract's header."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

NONE = -1  # a PC4 without partnership

_STEMS = (
    "Aal",
    "Beek",
    "Bunder",
    "Dal",
    "Elzen",
    "Ganze",
    "Heide",
    "Hooge",
    "Lin",
    "Maas",
    "Mol",
    "Oost",
    "Ravens",
    "Riet",
    "Schaap",
    "Sluis",
    "Ter",
    "Veen",
    "Wester",
    "Wolde",
    "Zand",
    "Zuider",
)
_ENDINGS = (
    "broek",
    "dam",
    "dijk",
    "horst",
    "hoven",
    "kerk",
    "loo",
    "meer",
    "rode",
    "stein",
    "vliet",
    "wijk",
    "zijl",
    "berg",
)


@dataclass(frozen=True)
class Geography:
    """Partnership codes and names, and per PC4 its municipality and PO/VO partnership index."""

    swv_codes: np.ndarray  # str, PO codes first, then VO codes
    swv_names: np.ndarray  # str
    pc4: np.ndarray  # int
    gemeente: np.ndarray  # str
    po_swv: np.ndarray  # int index into swv_codes, NONE when the PC4 has no partnership
    vo_swv: np.ndarray

    @property
    def po_indices(self) -> np.ndarray:
        return np.flatnonzero(np.char.startswith(self.swv_codes.astype(str), "PO"))

    @property
    def vo_indices(self) -> np.ndarray:
        return np.flatnonzero(np.char.startswith(self.swv_codes.astype(str), "VO"))

    def absent_pc4s(self) -> np.ndarray:
        """PC4 numbers that are not in the table (for pupils whose home cannot be placed)."""
        return np.setdiff1d(np.arange(1000, 10000), self.pc4)

    def samenwerkingsverbanden_table(self) -> pa.Table:
        return pa.table(
            {
                "SWV_CODE": pa.array(self.swv_codes, pa.string()),
                "NAAM": pa.array(self.swv_names, pa.string()),
            }
        )

    def regio_indeling_table(self) -> pa.Table:
        return pa.table(
            {
                "PC4": pa.array(self.pc4).cast(pa.string()),
                "GEMEENTE": pa.array(self.gemeente, pa.string()),
                "PO_SWV": _codes_or_null(self.swv_codes, self.po_swv),
                "VO_SWV": _codes_or_null(self.swv_codes, self.vo_swv),
            }
        )


def _codes_or_null(codes: np.ndarray, indices: np.ndarray) -> pa.Array:
    looked_up = pa.array(codes, pa.string()).take(np.maximum(indices, 0))
    return pc.if_else(pa.array(indices == NONE), pa.scalar(None, pa.string()), looked_up)


def invented_place_names(rng: np.random.Generator, count: int) -> np.ndarray:
    names = np.char.add(rng.choice(np.array(_STEMS), count), rng.choice(np.array(_ENDINGS), count))
    return names.astype(object)


def _region_cuts(rng: np.random.Generator, items: int, regions: int) -> np.ndarray:
    """Region number of each of `items` sorted PC4s: contiguous runs of uneven length."""
    cuts = np.sort(rng.choice(np.arange(1, items), size=regions - 1, replace=False))
    region = np.zeros(items, dtype=np.int64)
    region[cuts] = 1
    return np.cumsum(region)


def _partnership_codes(sector: str, count: int) -> list[str]:
    """`PO2001`-style codes: a two-digit region of the country, then a number within it."""
    provinces = np.arange(count) * 12 // count
    within = np.arange(count) - np.searchsorted(provinces, provinces)
    return [f"{sector}{20 + p:02d}{w + 1:02d}" for p, w in zip(provinces, within, strict=True)]


def _invented_swv_names(
    codes: np.ndarray, po_swv: np.ndarray, vo_swv: np.ndarray, gemeente: np.ndarray
) -> np.ndarray:
    """Named after the municipalities of the region's first and last PC4, like the real ones."""
    names = []
    for index, code in enumerate(codes):
        region = gemeente[(po_swv == index) | (vo_swv == index)]
        places = list(dict.fromkeys(region[[0, -1]])) if region.size else ["Nergens"]
        names.append(f"SWV {code[:2]} {', '.join(places)} e.o.")
    return np.array(names, dtype=object)


def synthetic_geography(
    rng: np.random.Generator, postcodes: int, po: int, vo: int, without_partnership: int
) -> Geography:
    pc4 = np.sort(rng.choice(np.arange(1000, 10000), size=postcodes, replace=False))
    municipalities = max(2, postcodes // 10)
    gemeente = invented_place_names(rng, municipalities)[
        _region_cuts(rng, postcodes, municipalities)
    ]
    codes = np.array(_partnership_codes("PO", po) + _partnership_codes("VO", vo), dtype=object)
    po_swv = _region_cuts(rng, postcodes, po)
    vo_swv = _region_cuts(rng, postcodes, vo) + po
    # Like the Europoort postcodes: in the table, but in no partnership (never a region's first,
    # so that every partnership keeps its PC4s).
    first_of_region = np.r_[True, np.diff(po_swv) != 0] | np.r_[True, np.diff(vo_swv) != 0]
    orphans = rng.choice(np.flatnonzero(~first_of_region), without_partnership, replace=False)
    po_swv[orphans] = NONE
    vo_swv[orphans] = NONE
    names = _invented_swv_names(codes, po_swv, vo_swv, gemeente)
    return Geography(codes, names, pc4, gemeente, po_swv, vo_swv)


def geography_from_file(regio_indeling: Path) -> Geography:
    """A real regio-indeling (PC4;GEMEENTE;PO_SWV;VO_SWV); partnership names from a sibling
    samenwerkingsverbanden*.csv when there is one, else invented from the municipalities."""
    table = read_semicolon_csv(regio_indeling)
    table = table.take(pc.sort_indices(pc.cast(table["PC4"], pa.int64())))
    po_codes = _text(table["PO_SWV"])
    vo_codes = _text(table["VO_SWV"])
    both = np.concatenate([po_codes, vo_codes])
    codes = np.unique(both[both != ""]).astype(object)
    po_swv = _index_or_none(codes, po_codes)
    vo_swv = _index_or_none(codes, vo_codes)
    gemeente = _text(table["GEMEENTE"]).astype(object)
    names = _invented_swv_names(codes, po_swv, vo_swv, gemeente)
    siblings = sorted(regio_indeling.parent.glob("samenwerkingsverbanden*.csv"))
    if siblings:
        known = read_semicolon_csv(siblings[0])
        found = _index_or_none(_text(known["SWV_CODE"]), codes.astype(str))
        known_names = _text(known["NAAM"]).astype(object)
        names = np.where(found == NONE, names, known_names[np.maximum(found, 0)])
    pc4 = pc.cast(table["PC4"], pa.int64()).to_numpy()
    return Geography(codes, names, pc4, gemeente, po_swv, vo_swv)


def read_semicolon_csv(path: Path) -> pa.Table:
    """A reference file as all-text columns (empty field: null)."""
    with path.open(encoding="utf-8-sig") as lines:
        header = [name.strip() for name in lines.readline().rstrip("\r\n").split(";")]
    return pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True
        ),
    )


def _text(column: pa.ChunkedArray) -> np.ndarray:
    filled = cast(pa.ChunkedArray, pc.coalesce(column, pa.scalar("")))
    return filled.to_numpy().astype(str)


def _index_or_none(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each value in `codes`, NONE for an empty or unknown value."""
    codes = codes.astype(str)
    order = np.argsort(codes)
    position = np.clip(np.searchsorted(codes[order], values), 0, len(codes) - 1)
    found = codes[order][position] == values
    return np.where(found, order[position], NONE).astype(np.int64)

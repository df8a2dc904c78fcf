"""The mistakes real extracts contain, made of valid rows at a given rate.

Each mistake breaks one rule of the contract, so a validator must quarantine exactly the rows
made here (a duplicated INSCHRIJVING_ID takes both rows that share it). Hand-written rulebook
situations are never touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.extracts import Extract
from rod_pipeline.synthetic.formatting import dates_as_text, join_text, zero_padded
from rod_pipeline.synthetic.geography import Geography
from rod_pipeline.synthetic.locations import BAO, SO, UNUSED_BRIN_LETTERS, VSO, Locations
from rod_pipeline.synthetic.pupil_numbers import break_eleven_test
from rod_pipeline.synthetic.register import CATEGORIES, SBO_TLV, Register

ENROLMENT_MISTAKES = (
    "bad_pupil_number",
    "unknown_location",
    "impossible_date",
    "end_before_start",
    "missing_category",
    "category_on_regular",
    "duplicate_id",
)
TLV_MISTAKES = (
    "bad_pupil_number",
    "impossible_date",
    "end_before_start",
    "prefix_mismatch",
    "sbo_tlv_from_vo",
)
IMPOSSIBLE_DATES = np.array(
    ["31-2-2024", "30-2-2025", "2023-02-29", "31-4-2024", "2024-06-31", "31-11-2023"]
)

Edits = dict[str, list[tuple[np.ndarray, pa.Array]]]


def _planned(rng: np.random.Generator, rows: int, error_rate: float, kinds: int) -> np.ndarray:
    """How many rows get each kind of mistake; the remainder goes to random kinds."""
    total = round(error_rate * rows)
    planned = np.full(kinds, total // kinds)
    planned[rng.permutation(kinds)[: total % kinds]] += 1
    return planned


def _choose(
    rng: np.random.Generator, untouched: np.ndarray, eligible: np.ndarray, count: int
) -> np.ndarray:
    candidates = np.flatnonzero(untouched & eligible)
    chosen = np.sort(rng.choice(candidates, size=min(count, candidates.size), replace=False))
    untouched[chosen] = False
    return chosen


def _apply(table: pa.Table, edits: Edits) -> pa.Table:
    for column, changes in edits.items():
        positions = np.concatenate([p for p, _ in changes])
        values = pa.concat_arrays([v.cast(pa.string()) for _, v in changes])
        order = np.argsort(positions)
        mask = np.zeros(table.num_rows, dtype=bool)
        mask[positions] = True
        changed = pc.replace_with_mask(
            table[column].combine_chunks(), pa.array(mask), values.take(order)
        )
        table = table.set_column(table.schema.get_field_index(column), column, changed)
    return table


def _random_text(rng: np.random.Generator, choices: np.ndarray, count: int) -> pa.Array:
    return pa.array(rng.choice(choices, size=count), pa.string())


def _other_prefix(numbers: pa.Array, codes: np.ndarray) -> pa.Array:
    """The TLV number with its partnership prefix replaced by `codes`."""
    rest = pc.utf8_slice_codeunits(numbers, 6)
    return join_text(pa.array(codes, pa.string()), rest)


def _enrolment_mistakes(
    rng: np.random.Generator,
    extract: Extract,
    register: Register,
    locations: Locations,
    error_rate: float,
) -> tuple[pa.Table, dict[str, int]]:
    table = extract.inschrijvingen
    e = register.enrolments.take(extract.enrolment_rows)
    soort = locations.soort[e.location]
    untouched = ~e.fixed
    everywhere = np.ones(untouched.size, dtype=bool)
    eligible = {
        "missing_category": np.isin(soort, (SO, VSO)),
        "category_on_regular": soort == BAO,
    }
    edits: Edits = defaultdict(list)
    made = {}
    for kind, count in zip(
        ENROLMENT_MISTAKES,
        _planned(rng, table.num_rows, error_rate, len(ENROLMENT_MISTAKES)),
        strict=True,
    ):
        rows = _choose(rng, untouched, eligible.get(kind, everywhere), int(count))
        made[kind] = int(rows.size)
        if kind == "bad_pupil_number":
            numbers = break_eleven_test(register.pupils.number[e.pupil[rows]])
            edits["ONDERWIJSNUMMER"].append((rows, zero_padded(numbers, 9)))
        elif kind == "unknown_location":
            letters = pa.array(np.full(rows.size, UNUSED_BRIN_LETTERS), pa.string())
            digits = rng.integers(0, 100, size=(2, rows.size))
            codes = join_text(zero_padded(digits[0], 2), letters, zero_padded(digits[1], 2))
            edits["VESTIGING"].append((rows, codes))
        elif kind == "impossible_date":
            edits["DATUM_INSCHRIJVING"].append(
                (rows, _random_text(rng, IMPOSSIBLE_DATES, rows.size))
            )
        elif kind == "end_before_start":
            before = e.start[rows] - rng.integers(1, 365, size=rows.size)
            edits["DATUM_UITSCHRIJVING"].append((rows, dates_as_text(before, e.duo_dates[rows])))
        elif kind == "missing_category":
            edits["BEKOSTIGINGSCATEGORIE"].append((rows, pa.nulls(rows.size, pa.string())))
        elif kind == "category_on_regular":
            categories = np.array(CATEGORIES[1:])
            edits["BEKOSTIGINGSCATEGORIE"].append((rows, _random_text(rng, categories, rows.size)))
        else:  # duplicate_id: the id of another row, which then shares the mistake
            sources = _choose(rng, untouched, everywhere, rows.size)
            rows = rows[: sources.size]
            made[kind] = int(rows.size)
            ids = table["INSCHRIJVING_ID"].combine_chunks().take(rng.permutation(sources))
            edits["INSCHRIJVING_ID"].append((rows, ids))
    return _apply(table, edits), made


def _tlv_mistakes(
    rng: np.random.Generator,
    extract: Extract,
    register: Register,
    geography: Geography,
    error_rate: float,
) -> tuple[pa.Table, dict[str, int]]:
    table = extract.tlv
    t = register.tlvs.take(extract.tlv_rows)
    untouched = ~t.fixed
    everywhere = np.ones(untouched.size, dtype=bool)
    edits: Edits = defaultdict(list)
    made = {}
    codes = geography.swv_codes
    for kind, count in zip(
        TLV_MISTAKES, _planned(rng, table.num_rows, error_rate, len(TLV_MISTAKES)), strict=True
    ):
        eligible = t.soort == SBO_TLV if kind == "sbo_tlv_from_vo" else everywhere
        rows = _choose(rng, untouched, eligible, int(count))
        made[kind] = int(rows.size)
        numbers = table["TLV_NUMMER"].combine_chunks().take(rows)
        if kind == "bad_pupil_number":
            broken = break_eleven_test(register.pupils.number[t.pupil[rows]])
            edits["ONDERWIJSNUMMER"].append((rows, zero_padded(broken, 9)))
        elif kind == "impossible_date":
            edits["BEGINDATUM"].append((rows, _random_text(rng, IMPOSSIBLE_DATES, rows.size)))
        elif kind == "end_before_start":
            before = t.begin[rows] - rng.integers(1, 365, size=rows.size)
            edits["EINDDATUM"].append((rows, dates_as_text(before, t.duo_dates[rows])))
        elif kind == "prefix_mismatch":
            other = (t.swv[rows] + rng.integers(1, codes.size, size=rows.size)) % codes.size
            edits["TLV_NUMMER"].append((rows, _other_prefix(numbers, codes[other])))
        else:  # sbo_tlv_from_vo: consistent number, but SBO TLVs come from PO partnerships only
            vo_codes = codes[rng.choice(geography.vo_indices, size=rows.size)]
            edits["SWV_CODE"].append((rows, pa.array(vo_codes, pa.string())))
            edits["TLV_NUMMER"].append((rows, _other_prefix(numbers, vo_codes)))
    return _apply(table, edits), made


def make_mistakes(
    rng: np.random.Generator,
    extract: Extract,
    register: Register,
    geography: Geography,
    locations: Locations,
    error_rate: float,
) -> tuple[Extract, dict[str, dict[str, int]]]:
    """The extract with mistakes in about `error_rate` of the rows of each file, and how many
    rows got each kind of mistake per file."""
    inschrijvingen, enrolment_made = _enrolment_mistakes(
        rng, extract, register, locations, error_rate
    )
    tlv, tlv_made = _tlv_mistakes(rng, extract, register, geography, error_rate)
    return (
        replace(extract, inschrijvingen=inschrijvingen, tlv=tlv),
        {"inschrijvingen": enrolment_made, "tlv": tlv_made},
    )

"""The mistakes real extracts contain, made of valid rows at a given rate.

Each mistake breaks one rule of the contract, so a validator must quarantine exactly the rows
made here (a duplicated INSCHRIJVING_ID takes both rows that share it). Hand-written rulebook
situations and corrections are never touched.

A mistake stays: the row is broken the same way in every later extract, and new mistakes are
made in rows new since the previous extract. So a row never drops out of one extract and comes
back in the next, which would move a count that has long been fixed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.extracts import Extract
from rod_pipeline.synthetic.formatting import dates_as_text, join_text, zero_padded
from rod_pipeline.synthetic.geography import Geography
from rod_pipeline.synthetic.locations import BAO, SO, UNUSED_BRIN_LETTERS, VSO, Locations
from rod_pipeline.synthetic.pupil_numbers import break_eleven_test
from rod_pipeline.synthetic.register import CATEGORIES, SBO_TLV, Register

# Kinds that need particular rows come first: what they cannot place goes to the kinds after.
ENROLMENT_MISTAKES = (
    "missing_category",
    "category_on_regular",
    "duplicate_id",
    "bad_pupil_number",
    "unknown_location",
    "impossible_date",
    "end_before_start",
)
TLV_MISTAKES = (
    "sbo_tlv_from_vo",
    "bad_pupil_number",
    "impossible_date",
    "end_before_start",
    "prefix_mismatch",
)
IMPOSSIBLE_DATES = np.array(
    ["31-2-2024", "30-2-2025", "2023-02-29", "31-4-2024", "2024-06-31", "31-11-2023"]
)

Edits = dict[str, list[tuple[np.ndarray, pa.Array]]]  # column -> (register rows, new text)
_BEFORE_ANY = np.int32(np.iinfo(np.int32).min)


@dataclass
class FileMistakes:
    """The mistakes made so far in one file, by register row."""

    kinds: tuple[str, ...]
    broken: np.ndarray  # bool per register row: it breaks a rule (or its id was copied)
    made: dict[str, int] = field(init=False)
    edits: Edits = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.made = dict.fromkeys(self.kinds, 0)

    def to_make(self, rng: np.random.Generator, rows: int, error_rate: float) -> np.ndarray:
        """How many new mistakes of each kind bring the file to the rate; the remainder goes
        to random kinds."""
        total = max(round(error_rate * rows) - sum(self.made.values()), 0)
        planned = np.full(len(self.kinds), total // len(self.kinds))
        planned[rng.permutation(len(self.kinds))[: total % len(self.kinds)]] += 1
        return planned

    def edit(self, column: str, rows: np.ndarray, values: pa.Array) -> None:
        self.edits[column].append((rows, values))

    def apply(self, table: pa.Table, register_rows: np.ndarray) -> pa.Table:
        """The table (one row per register row in `register_rows`, ascending) with every
        mistake made so far."""
        for column, changes in self.edits.items():
            positions = np.searchsorted(register_rows, np.concatenate([r for r, _ in changes]))
            values = pa.concat_arrays([v.cast(pa.string()) for _, v in changes])
            order = np.argsort(positions)
            mask = np.zeros(table.num_rows, dtype=bool)
            mask[positions] = True
            changed = pc.replace_with_mask(
                table[column].combine_chunks(), pa.array(mask), values.take(order)
            )
            table = table.set_column(table.schema.get_field_index(column), column, changed)
        return table


def _choose(
    rng: np.random.Generator, untouched: np.ndarray, eligible: np.ndarray, count: int
) -> np.ndarray:
    candidates = np.flatnonzero(untouched & eligible)
    chosen = np.sort(rng.choice(candidates, size=min(count, candidates.size), replace=False))
    untouched[chosen] = False
    return chosen


def _untouched(file: FileMistakes, register_rows: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Rows of the extract a new mistake may be made in."""
    return new & ~file.broken[register_rows]


def _random_text(rng: np.random.Generator, choices: np.ndarray, count: int) -> pa.Array:
    return pa.array(rng.choice(choices, size=count), pa.string())


def _other_prefix(numbers: pa.Array, codes: np.ndarray) -> pa.Array:
    """The TLV number with its partnership prefix replaced by `codes`."""
    rest = pc.utf8_slice_codeunits(numbers, 6)
    return join_text(pa.array(codes, pa.string()), rest)


def _enrolment_mistakes(
    rng: np.random.Generator,
    file: FileMistakes,
    extract: Extract,
    register: Register,
    locations: Locations,
    error_rate: float,
    since: np.int32,
) -> pa.Table:
    table = extract.inschrijvingen
    register_rows = extract.enrolment_rows
    e = register.enrolments.take(register_rows)
    soort = locations.soort[e.location]
    untouched = _untouched(file, register_rows, e.registered > since) & ~e.fixed
    everywhere = np.ones(untouched.size, dtype=bool)
    eligible = {
        "missing_category": np.isin(soort, (SO, VSO)),
        "category_on_regular": soort == BAO,
    }
    short = 0
    for kind, planned in zip(
        file.kinds, file.to_make(rng, table.num_rows, error_rate), strict=True
    ):
        count = int(planned) + short
        rows = _choose(rng, untouched, eligible.get(kind, everywhere), count)
        if kind == "bad_pupil_number":
            numbers = break_eleven_test(register.pupils.number[e.pupil[rows]])
            file.edit("ONDERWIJSNUMMER", register_rows[rows], zero_padded(numbers, 9))
        elif kind == "unknown_location":
            letters = pa.array(np.full(rows.size, UNUSED_BRIN_LETTERS), pa.string())
            digits = rng.integers(0, 100, size=(2, rows.size))
            codes = join_text(zero_padded(digits[0], 2), letters, zero_padded(digits[1], 2))
            file.edit("VESTIGING", register_rows[rows], codes)
        elif kind == "impossible_date":
            dates = _random_text(rng, IMPOSSIBLE_DATES, rows.size)
            file.edit("DATUM_INSCHRIJVING", register_rows[rows], dates)
        elif kind == "end_before_start":
            before = e.start[rows] - rng.integers(1, 365, size=rows.size)
            dates = dates_as_text(before, e.duo_dates[rows])
            file.edit("DATUM_UITSCHRIJVING", register_rows[rows], dates)
        elif kind == "missing_category":
            nulls = pa.nulls(rows.size, pa.string())
            file.edit("BEKOSTIGINGSCATEGORIE", register_rows[rows], nulls)
        elif kind == "category_on_regular":
            categories = _random_text(rng, np.array(CATEGORIES[1:]), rows.size)
            file.edit("BEKOSTIGINGSCATEGORIE", register_rows[rows], categories)
        else:  # duplicate_id: the id of another row, which then shares the mistake
            sources = _choose(rng, untouched, everywhere, rows.size)
            rows = rows[: sources.size]
            ids = table["INSCHRIJVING_ID"].combine_chunks().take(rng.permutation(sources))
            file.edit("INSCHRIJVING_ID", register_rows[rows], ids)
            file.broken[register_rows[sources]] = True
        file.made[kind] += rows.size
        file.broken[register_rows[rows]] = True
        short = count - rows.size
    return file.apply(table, register_rows)


def _tlv_mistakes(
    rng: np.random.Generator,
    file: FileMistakes,
    extract: Extract,
    register: Register,
    geography: Geography,
    error_rate: float,
    since: np.int32,
) -> pa.Table:
    table = extract.tlv
    register_rows = extract.tlv_rows
    t = register.tlvs.take(register_rows)
    untouched = _untouched(file, register_rows, t.issued > since) & ~t.fixed
    everywhere = np.ones(untouched.size, dtype=bool)
    codes = geography.swv_codes
    short = 0
    for kind, planned in zip(
        file.kinds, file.to_make(rng, table.num_rows, error_rate), strict=True
    ):
        count = int(planned) + short
        eligible = t.soort == SBO_TLV if kind == "sbo_tlv_from_vo" else everywhere
        rows = _choose(rng, untouched, eligible, count)
        numbers = table["TLV_NUMMER"].combine_chunks().take(rows)
        if kind == "bad_pupil_number":
            broken = break_eleven_test(register.pupils.number[t.pupil[rows]])
            file.edit("ONDERWIJSNUMMER", register_rows[rows], zero_padded(broken, 9))
        elif kind == "impossible_date":
            dates = _random_text(rng, IMPOSSIBLE_DATES, rows.size)
            file.edit("BEGINDATUM", register_rows[rows], dates)
        elif kind == "end_before_start":
            before = t.begin[rows] - rng.integers(1, 365, size=rows.size)
            file.edit("EINDDATUM", register_rows[rows], dates_as_text(before, t.duo_dates[rows]))
        elif kind == "prefix_mismatch":
            other = (t.swv[rows] + rng.integers(1, codes.size, size=rows.size)) % codes.size
            file.edit("TLV_NUMMER", register_rows[rows], _other_prefix(numbers, codes[other]))
        else:  # sbo_tlv_from_vo: consistent number, but SBO TLVs come from PO partnerships only
            vo_codes = codes[rng.choice(geography.vo_indices, size=rows.size)]
            file.edit("SWV_CODE", register_rows[rows], pa.array(vo_codes, pa.string()))
            file.edit("TLV_NUMMER", register_rows[rows], _other_prefix(numbers, vo_codes))
        file.made[kind] += rows.size
        file.broken[register_rows[rows]] = True
        short = count - rows.size
    return file.apply(table, register_rows)


@dataclass
class Mistakes:
    """The mistakes of the extracts made so far; `make` them oldest extract first."""

    inschrijvingen: FileMistakes
    tlv: FileMistakes
    since: np.int32 = _BEFORE_ANY  # peildatum of the previous extract

    @classmethod
    def none_yet(cls, register: Register) -> Mistakes:
        return cls(
            FileMistakes(ENROLMENT_MISTAKES, np.zeros(len(register.enrolments), dtype=bool)),
            FileMistakes(TLV_MISTAKES, np.zeros(len(register.tlvs), dtype=bool)),
        )

    def make(
        self,
        rng: np.random.Generator,
        peildatum: np.int32,
        extract: Extract,
        register: Register,
        geography: Geography,
        locations: Locations,
        error_rate: float,
    ) -> tuple[Extract, dict[str, dict[str, int]]]:
        """The extract with mistakes in about `error_rate` of the rows of each file, and how
        many rows have each kind of mistake per file."""
        inschrijvingen = _enrolment_mistakes(
            rng, self.inschrijvingen, extract, register, locations, error_rate, self.since
        )
        tlv = _tlv_mistakes(rng, self.tlv, extract, register, geography, error_rate, self.since)
        self.since = peildatum
        return (
            replace(extract, inschrijvingen=inschrijvingen, tlv=tlv),
            {"inschrijvingen": dict(self.inschrijvingen.made), "tlv": dict(self.tlv.made)},
        )

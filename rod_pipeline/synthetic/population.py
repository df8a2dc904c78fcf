"""Building the whole register once: simulated school careers plus the rulebook situations,
with the text every row shows in an extract."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.corrections import correct_after_deadlines
from rod_pipeline.synthetic.formatting import (
    as_text,
    dates_as_text,
    join_text,
    postcodes,
    zero_padded,
)
from rod_pipeline.synthetic.geography import Geography
from rod_pipeline.synthetic.locations import Locations
from rod_pipeline.synthetic.pupil_numbers import draw_pupil_numbers
from rod_pipeline.synthetic.register import (
    FIRST_COHORT,
    NOT_IN_TABLE,
    UNKNOWN,
    Enrolments,
    Pupils,
    Register,
    Tlvs,
    describe_enrolments,
    draw_pupils,
    issue_tlvs,
    simulate_careers,
)
from rod_pipeline.synthetic.scales import Scale
from rod_pipeline.synthetic.situations import SITUATION_PUPILS, situation_register
from rod_pipeline.synthetic.timeline import august_first, calendar_year


@dataclass(frozen=True)
class RegisterText:
    """Per register row, the text it shows in every extract (formatted once)."""

    pupil_number: pa.Array  # per pupil
    postcode: pa.Array  # per pupil, before a house move
    moved_postcode: pa.Array  # per pupil, after it
    inschrijving_id: pa.Array  # per enrolment
    start: pa.Array
    end: pa.Array
    registered: pa.Array
    tlv_number: pa.Array  # per TLV
    begin: pa.Array
    tlv_end: pa.Array


def build_register(
    rng: np.random.Generator,
    scale: Scale,
    geography: Geography,
    locations: Locations,
    last_peildatum: np.int32,
) -> Register:
    """Every pupil, enrolment and TLV that any extract up to `last_peildatum` will show."""
    cohort = np.repeat(
        np.arange(FIRST_COHORT, int(calendar_year(np.array([last_peildatum]))[0]) + 1),
        scale.pupils_per_cohort,
    )
    simulated = cohort.size
    numbers = draw_pupil_numbers(rng, simulated + len(SITUATION_PUPILS))
    turns_four = august_first(cohort) + rng.integers(0, 365, size=simulated)
    pupils = draw_pupils(rng, geography, numbers[:simulated], turns_four)
    careers = simulate_careers(rng, pupils, geography, locations, cohort, turns_four)
    enrolments = describe_enrolments(rng, locations, *careers)
    enrolments = enrolments.take(np.flatnonzero(enrolments.registered <= last_peildatum))
    tlvs = issue_tlvs(rng, pupils, geography, locations, enrolments, last_peildatum)
    fixed_pupils, fixed_enrolments, fixed_tlvs = situation_register(
        rng, geography, locations, numbers[simulated:], first_pupil=simulated
    )
    pupils = Pupils.concat([pupils, fixed_pupils])
    enrolments, tlvs = correct_after_deadlines(
        rng,
        geography,
        locations,
        pupils,
        Enrolments.concat([enrolments, fixed_enrolments]),
        Tlvs.concat([tlvs, fixed_tlvs]),
    )
    # Registers list rows in no meaningful order: shuffle so that situations are not at the end.
    return Register(
        pupils=pupils,
        enrolments=enrolments.take(rng.permutation(len(enrolments))),
        tlvs=tlvs.take(rng.permutation(len(tlvs))),
    )


def _postcodes(
    rng: np.random.Generator, geography: Geography, home: np.ndarray, kind: np.ndarray
) -> pa.Array:
    """`1234AB` or `1234 AB`; empty when unknown; some with a PC4 absent from the table."""
    pc4 = geography.pc4[home]
    absent = geography.absent_pc4s()
    pc4 = np.where(kind == NOT_IN_TABLE, rng.choice(absent, size=pc4.size), pc4)
    text = postcodes(pc4, rng, with_space=rng.random(pc4.size) < 0.6)
    return pc.if_else(pa.array(kind == UNKNOWN), pa.scalar(None, pa.string()), text)


def _inschrijving_ids(rng: np.random.Generator, count: int) -> pa.Array:
    """Distinct ids: increasing random steps, shuffled; some schools' software adds a prefix."""
    numbers = rng.permutation(1_000_000 + np.cumsum(rng.integers(1, 4, size=count)))
    prefix = pa.array(np.where(rng.random(count) < 0.15, "PAR", ""), pa.string())
    return join_text(prefix, as_text(numbers))


def _tlv_numbers(rng: np.random.Generator, geography: Geography, tlvs: Tlvs) -> pa.Array:
    """`PO2304-2021-11111`: issuing partnership, year of the begin date, sequence number that
    counts up per partnership and year from a random start."""
    year = calendar_year(tlvs.begin).astype(np.int64)
    order = np.lexsort((tlvs.issued, year, tlvs.swv))
    key = tlvs.swv[order] * 10_000 + year[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    group_size = np.diff(np.r_[group_start, order.size])
    rank = np.arange(order.size) - np.repeat(group_start, group_size)
    first = np.repeat(rng.integers(10_000, 60_000, size=group_start.size), group_size)
    sequence = np.empty(order.size, dtype=np.int64)
    sequence[order] = first + rank
    return join_text(
        pa.array(geography.swv_codes[tlvs.swv], pa.string()),
        as_text(year),
        as_text(sequence),
        separator="-",
    )


def register_text(
    rng: np.random.Generator, geography: Geography, register: Register
) -> RegisterText:
    pupils, enrolments, tlvs = register.pupils, register.enrolments, register.tlvs
    return RegisterText(
        pupil_number=zero_padded(pupils.number, 9),
        postcode=_postcodes(rng, geography, pupils.home, pupils.postcode_kind),
        moved_postcode=_postcodes(rng, geography, pupils.moved_home, pupils.postcode_kind),
        inschrijving_id=_inschrijving_ids(rng, len(enrolments)),
        start=dates_as_text(enrolments.start, enrolments.duo_dates),
        end=dates_as_text(enrolments.end, enrolments.duo_dates),
        registered=dates_as_text(enrolments.registered, enrolments.duo_dates),
        tlv_number=_tlv_numbers(rng, geography, tlvs),
        begin=dates_as_text(tlvs.begin, tlvs.duo_dates),
        tlv_end=dates_as_text(tlvs.end, tlvs.duo_dates),
    )

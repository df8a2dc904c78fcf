"""Turning numeric register columns into the text an extract holds."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.synthetic.timeline import OPEN

LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def dates_as_text(days: np.ndarray, duo_style: np.ndarray) -> pa.Array:
    """`YYYY-MM-DD`, or `D-M-YYYY` as DUO prints it where `duo_style`; OPEN becomes null."""
    days = np.asarray(days, dtype=np.int64)
    is_open = days == OPEN
    calendar = np.where(is_open, 0, days).astype("datetime64[D]")
    iso = pa.array(calendar).cast(pa.string())
    months = calendar.astype("datetime64[M]")
    day_of_month = (calendar - months.astype("datetime64[D]")).astype(np.int64) + 1
    month = months.astype(np.int64) % 12 + 1
    year = calendar.astype("datetime64[Y]").astype(np.int64) + 1970
    duo = join_text(*(as_text(part) for part in (day_of_month, month, year)), separator="-")
    text = pc.if_else(pa.array(duo_style), duo, iso)
    return pc.if_else(pa.array(is_open), pa.scalar(None, pa.string()), text)


def as_text(values: np.ndarray) -> pa.Array:
    return pa.array(values).cast(pa.string())


def join_text(*parts: pa.Array, separator: str = "") -> pa.Array:
    """Row by row concatenation of text arrays."""
    return pc.binary_join_element_wise(*parts, separator)  # type: ignore[call-overload]


def zero_padded(numbers: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(as_text(np.asarray(numbers, dtype=np.int64)), width, "0")


def postcodes(pc4: np.ndarray, rng: np.random.Generator, with_space: np.ndarray) -> pa.Array:
    """Full postcodes `1234AB` / `1234 AB` for each PC4, with random letters."""
    letters = rng.choice(LETTERS, size=(len(pc4), 2))
    suffix = pa.array(np.char.add(letters[:, 0], letters[:, 1]), pa.string())
    separator = pa.array(np.where(with_space, " ", ""), pa.string())
    return join_text(as_text(np.asarray(pc4)), separator, suffix)


def codes_as_text(labels: tuple[str | None, ...], codes: np.ndarray) -> pa.Array:
    """Look up small integer codes in a label list (None: an empty field)."""
    return pa.array(labels, pa.string()).take(np.asarray(codes, dtype=np.int64))

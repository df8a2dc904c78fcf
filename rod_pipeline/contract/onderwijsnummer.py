"""Vectorised value checks that Pandera has no built-in for (registered as Field checks)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandera import extensions

# BSN 11-test weights of the 9 digits, first digit first.
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


@extensions.register_check_method()
def onderwijsnummer(values: pd.Series) -> pd.Series:
    """9 digits with weighted sum (9..2, -1) % 11 == 0 (BSN) or, starting with 10, == 5."""
    text = pa.array(values.array)
    nine_digits = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{9}$"), False)
    numbers = np.asarray(pc.cast(pc.if_else(nine_digits, text, "0"), pa.int64()))
    weighted_sum = np.zeros(len(numbers), dtype=np.int64)
    rest = numbers.copy()
    for weight in reversed(_WEIGHTS):  # one pass per digit position, last digit first
        weighted_sum += weight * (rest % 10)
        rest //= 10
    remainder = weighted_sum % 11
    onderwijs = numbers // 10_000_000 == 10
    valid = np.asarray(nine_digits) & ((remainder == 0) | (onderwijs & (remainder == 5)))
    return pd.Series(valid, index=values.index)

"""The ONDERWIJSNUMMER check, which Pandera has no built-in for: as a registered Field check
(Pandera validates frames with it) and as the DuckDB predicate a file is checked with.

test_predicates compares the two on the same values, so they cannot drift apart.
"""

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


def onderwijsnummer_sql(column: str) -> str:
    """The check above as a DuckDB predicate (null for a null `column`)."""
    number = f"TRY_CAST({column} AS BIGINT)"
    digits = " + ".join(
        f"{weight} * ({number} // {10 ** (8 - position)} % 10)"
        for position, weight in enumerate(_WEIGHTS)
    )
    # The sum is at least -9: adding 11 keeps DuckDB's % (sign of the dividend) non-negative.
    remainder = f"(({digits}) + 11) % 11"
    onderwijs = f"CASE WHEN starts_with({column}, '10') THEN 5 ELSE 0 END"
    # least, not AND: DuckDB casts once for all digits only outside AND and CASE (twice as
    # fast). least skips a null, and the cast fails only where the format already does.
    return f"least(regexp_full_match({column}, '[0-9]{{9}}'), {remainder} IN (0, {onderwijs}))"

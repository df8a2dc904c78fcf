"""Pupil numbers: BSNs and onderwijsnummers that pass (or, for injected mistakes, fail) the
11-test of CONTRACT.md."""

from __future__ import annotations

import numpy as np

_WEIGHTS_FROM_LAST_DIGIT = (-1, 2, 3, 4, 5, 6, 7, 8, 9)
ONDERWIJSNUMMER_SHARE = 0.12


def eleven_test_remainder(numbers: np.ndarray) -> np.ndarray:
    """Weighted digit sum modulo 11: 0 for a BSN, 5 for an onderwijsnummer."""
    rest = np.asarray(numbers, dtype=np.int64).copy()
    total = np.zeros_like(rest)
    for weight in _WEIGHTS_FROM_LAST_DIGIT:
        total += (rest % 10) * weight
        rest //= 10
    return total % 11


def draw_pupil_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` distinct valid pupil numbers in random order, about 12% onderwijsnummers."""
    found = np.empty(0, dtype=np.int64)
    while found.size < count:
        wanted = int((count - found.size) * 1.3) + 16
        # Eight digits, then the check digit that makes the sum fit; 10 cannot be a digit.
        bodies = rng.integers(1_000_000, 100_000_000, size=wanted, dtype=np.int64)
        is_onderwijsnummer = rng.random(wanted) < ONDERWIJSNUMMER_SHARE
        bodies = np.where(is_onderwijsnummer, 10_000_000 + bodies % 1_000_000, bodies)
        partial = eleven_test_remainder(bodies * 10)
        check = (partial - np.where(is_onderwijsnummer, 5, 0)) % 11
        candidates = bodies[check <= 9] * 10 + check[check <= 9]
        found = np.unique(np.concatenate([found, candidates]))
    return rng.permutation(found)[:count]


def break_eleven_test(numbers: np.ndarray) -> np.ndarray:
    """Change the last digit by one: the sum moves by 1 or 9, so both tests fail."""
    numbers = np.asarray(numbers, dtype=np.int64)
    last = numbers % 10
    return numbers - last + (last + 1) % 10

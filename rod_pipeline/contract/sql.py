"""SQL fragments of the CSV dialect: trimming, DUO's date formats, postcodes."""

from __future__ import annotations

# Years outside this range are typing errors (1-8-21 would otherwise be the year 21).
_FIRST_YEAR, _LAST_YEAR = 1900, 2099


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trimmed(expression: str) -> str:
    """Surrounding whitespace trimmed; an empty field is null.

    trim with a character set is slow, and whitespace sorts before '!': only a value that starts
    or ends below '!' (or is empty) goes through it.
    """
    return (
        f"CASE WHEN {expression} < '!' OR right({expression}, 1) < '!' "
        f"THEN NULLIF(trim({expression}, ' \t\r\n'), '') ELSE {expression} END"
    )


def read_date(column: str) -> str:
    """`YYYY-MM-DD` or DUO's `D-M-YYYY` (also `DD-MM-YYYY`) as a DATE; impossible dates: null.

    A format that fails costs most of the time (4x for half the dates written D-M-YYYY): text of
    that shape, which `%Y-%m-%d` never reads, goes straight to its own format.
    """
    either = f"try_strptime({column}, ['%Y-%m-%d', '%d-%m-%Y'])"
    return (
        f"CASE WHEN regexp_full_match({column}, '[0-9]{{1,2}}-[0-9]{{1,2}}-[0-9]{{4}}') "
        f"THEN try_strptime({column}, '%d-%m-%Y') ELSE {either} END::DATE"
    )


def plausible_date(read: str) -> str:
    """A date from read_date, null when its year is out of range; `read` is a column, so the
    text is parsed once."""
    return f"CASE WHEN year({read}) BETWEEN {_FIRST_YEAR} AND {_LAST_YEAR} THEN {read} END"


def normalised_postcode(column: str) -> str:
    """`1234 AB` -> `1234AB` (applied to valid postcodes only)."""
    return f"replace({column}, ' ', '')"

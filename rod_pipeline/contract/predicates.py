"""Every rule of a contract model as a DuckDB predicate, translated from its Pandera declaration.

The models stay the only place a rule is declared: a file column's `nullable=False` is rule
VERPLICHT and each of its Pandera checks is its value rule (`metadata["regel"]`); a rule column's
SQL is its rule. A predicate is true when the rule holds, null when it does not apply and false
when it is broken. A check's predicate is null for an empty (null) value, as SQL's functions
are: Pandera leaves an empty value to `nullable`. A declaration this module cannot translate
raises UntranslatableRule when the model is first checked: no rule is skipped.

test_predicates runs every translation and Pandera itself on the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow

from rod_pipeline.contract.onderwijsnummer import onderwijsnummer_sql
from rod_pipeline.contract.rules import REQUIRED
from rod_pipeline.contract.sql import literal


class UntranslatableRule(TypeError):
    """A model declares something that has no DuckDB predicate here (yet)."""


@dataclass(frozen=True)
class Rule:
    kolom: str
    regel: str
    holds: str  # the predicate


# The DuckDB type a file column must have for its Pandera dtype.
_DUCKDB_TYPES: dict[Any, str] = {pd.ArrowDtype(pyarrow.string()): "VARCHAR"}


def str_matches_sql(column: str, pattern: str) -> str:
    """`column` starts with a match of `pattern`, as pandas' Arrow-backed `str.match` reads it
    (RE2, like DuckDB): one leading `^` dropped, the rest anchored at the start."""
    return f"regexp_matches({column}, {literal('^(?:' + pattern.removeprefix('^') + ')')})"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise UntranslatableRule(f"{value!r} compared with text")
    return literal(value)


def _str_matches(column: str, pattern: Any) -> str:
    if not isinstance(pattern, str):  # a compiled pattern may carry Python-only flags
        raise UntranslatableRule(f"str_matches with {pattern!r}: give the pattern as text")
    return str_matches_sql(column, pattern)


def _isin(column: str, allowed_values: Any) -> str:
    if isinstance(allowed_values, str):  # Pandera then means its characters
        raise UntranslatableRule(f"isin({allowed_values!r}): give a tuple of values")
    return f"{column} IN ({', '.join(_text(value) for value in allowed_values)})"


def _str_length(
    column: str,
    min_value: int | None = None,
    max_value: int | None = None,
    exact_value: int | None = None,
) -> str:
    # length() counts code points, like pandas' str.len()
    if exact_value is not None:
        return f"length({column}) = {int(exact_value)}"
    bounds = [f"length({column}) >= {int(min_value)}"] if min_value is not None else []
    bounds += [f"length({column}) <= {int(max_value)}"] if max_value is not None else []
    if not bounds:
        raise UntranslatableRule("str_length without a bound")
    return " AND ".join(bounds)


# Pandera check name -> the predicate on a column, given the check's statistics.
_CHECKS: dict[str, Callable[..., str]] = {
    "str_matches": _str_matches,
    "isin": _isin,
    "greater_than_or_equal_to": lambda column, min_value: f"{column} >= {_text(min_value)}",
    "less_than_or_equal_to": lambda column, max_value: f"{column} <= {_text(max_value)}",
    "str_length": _str_length,
    "onderwijsnummer": onderwijsnummer_sql,
}


def _check_sql(check: pa.Check, column: str) -> str:
    translate = _CHECKS.get(check.name or "")
    if translate is None or not check.ignore_na or check.groupby is not None:
        raise UntranslatableRule(f"check {check.name} (ignore_na={check.ignore_na})")
    return translate(column, **(check.statistics or {}))


def rules(model: type[pa.DataFrameModel]) -> tuple[Rule, ...]:
    """Every rule of `model`: the value rules, then the rule columns'."""
    return (*value_rules(model), *_rule_columns(model))


@cache
def value_rules(model: type[pa.DataFrameModel]) -> tuple[Rule, ...]:
    """The rules on the file columns' own values (VERPLICHT and their checks), in model order."""
    found: list[Rule] = []
    for name, column in model.to_schema().columns.items():
        if "sql" not in column.metadata:
            found += _file_column_rules(model, name, column)
    return tuple(found)


def column_types(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """File column -> the DuckDB type its Pandera dtype asks for."""
    types = {}
    for name, column in model.to_schema().columns.items():
        if "sql" in column.metadata:
            continue
        if column.dtype.type not in _DUCKDB_TYPES:
            raise UntranslatableRule(f"{model.__name__}.{name}: dtype {column.dtype}")
        types[name] = _DUCKDB_TYPES[column.dtype.type]
    return types


def _file_column_rules(model: type[pa.DataFrameModel], name: str, column: pa.Column) -> list[Rule]:
    where = f"{model.__name__}.{name}"
    if column.unique or column.regex:
        raise UntranslatableRule(f"{where}: a unique or regex column")
    if column.checks and not column.metadata.get("regel"):
        raise UntranslatableRule(f"{where}: a check without its rule (metadata regel)")
    found = [] if column.nullable else [Rule(name, REQUIRED, f"{name} IS NOT NULL")]
    for check in column.checks:
        try:
            found.append(Rule(name, column.metadata["regel"], _check_sql(check, name)))
        except UntranslatableRule as error:
            raise UntranslatableRule(f"{where}: {error}") from None
    return found


@cache
def _rule_columns(model: type[pa.DataFrameModel]) -> tuple[Rule, ...]:
    """A rule column's SQL is its rule: ContractModel's only check on it is that it holds."""
    found = []
    for name, column in model.to_schema().columns.items():
        if "sql" not in column.metadata:
            continue
        if [check.name for check in column.checks] != ["rule_holds"]:
            raise UntranslatableRule(f"{model.__name__}.{name}: checks on a rule column")
        metadata = column.metadata
        found.append(Rule(metadata["kolom"], metadata["regel"], metadata["sql"]))
    return tuple(found)

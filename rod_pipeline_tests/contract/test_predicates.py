"""The value rules' DuckDB predicates against Pandera itself, on the same values.

The Pandera models declare every rule; DuckDB checks the files with predicates translated from
them (predicates.py). Both must reject exactly the same values: every declared column is run
through both, on a table of edge cases and on text drawn near and far from valid values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandera.typing import Series

from rod_pipeline.contract import EXTRACT_FILES, REFERENCE_FILES, RULES
from rod_pipeline.contract.models import ContractModel, Text, column, file_columns, rule_sql
from rod_pipeline.contract.predicates import (
    UntranslatableRule,
    column_types,
    rules,
    value_rules,
)
from rod_pipeline.contract.rules import REQUIRED

CONTRACT_MODELS: list[type[ContractModel]] = [*EXTRACT_FILES.values(), *REFERENCE_FILES.values()]


class Bounds(pa.DataFrameModel):
    """Checks the translation knows that no contract model uses (yet)."""

    CODE: Series[Text] = column("between B and Y", required=True, rule="BEREIK", ge="B", le="Y")
    KORT: Series[Text] = column(
        "2 to 4 characters", rule="LENGTE", str_length={"min_value": 2, "max_value": 4}
    )
    DRIE: Series[Text] = column("3 characters", rule="LENGTE", str_length={"exact_value": 3})


def _declarations() -> list[tuple[type[pa.DataFrameModel], str]]:
    """Every file column with a value rule, once per distinct declaration."""
    found: dict[tuple[Any, ...], tuple[type[pa.DataFrameModel], str]] = {}
    models: list[type[pa.DataFrameModel]] = [*CONTRACT_MODELS, Bounds]
    for model in models:
        for name, declared in model.to_schema().columns.items():
            checks = tuple((check.name, repr(check.statistics)) for check in declared.checks)
            if "sql" not in declared.metadata and (checks or not declared.nullable):
                found.setdefault((declared.nullable, checks), (model, name))
    return list(found.values())


DECLARATIONS = _declarations()

EDGE_CASES: list[str | None] = [
    None,
    "",
    " ",
    "\t",
    "\n",
    "\u00a0",
    "\x00",
    "0",
    "000000000",
    "012345672",  # a BSN with a leading zero
    "123456782",
    "100000004",  # an onderwijsnummer (remainder 5)
    "100000013",
    "12345678",
    "1234567820",
    "+12345678",
    "-12345678",
    "0x1234567",
    "1_2345678",
    "1e8",
    " 12345678",
    "12345678 ",
    "123456782\n",
    "１２３４５６７８２",  # fullwidth digits
    "١٢٣٤٥٦٧٨٢",  # Arabic-Indic digits
    "12345678𝟐",
    "2024-02-29",
    "29-2-2024",
    "31-2-2024",
    "1-8-24",
    "00JH00",
    "00jh00",
    "00JH00\n",
    "\n00JH00",
    "00JH0",
    "00ＪＨ00",
    "1234 AB",
    "1234AB",
    "1234  AB",
    "1234 ab",
    "1234\tAB",
    "\ufeff1234AB",
    "1234",
    "LAAG",
    "laag",
    " LAAG",
    "LAAG ",
    "MIDDEN",
    "HOOG",
    "SO",
    "SO_VSO",
    "VO",
    "1",
    "4",
    "5",
    "01",
    "IJH",
    "PO2304",
    "po2304",
    "PO2304-2021-11111",
    "PO2304-2021-",
    "PO2304-2021-11111\n",
    "I1",
    "A" * 40,
    "A" * 41,
    "-abc",
    "_x",
    "a.b",
    "É",
    "e\u0301",  # e and a combining accent: two code points
    "\u202e",
    "ǅ",
    "ß",
    "B",
    "Y",
    "Yz",
    "AZ",
    "👍🏽",
]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def pandera_failures(
    model: type[pa.DataFrameModel], name: str, values: list[str | None]
) -> set[tuple[int, str]]:
    """(row, rule) of every failure Pandera finds validating the column."""
    declared = model.to_schema().columns[name]
    text = pyarrow.table({name: pyarrow.array(values, pyarrow.string())})
    frame = text.to_pandas(types_mapper=pd.ArrowDtype)
    try:
        pa.DataFrameSchema({name: declared}).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        return {
            (int(row), REQUIRED if check == "not_nullable" else declared.metadata["regel"])
            for row, check in zip(cases["index"], cases["check"], strict=True)
        }
    return set()


def duckdb_failures(
    con: duckdb.DuckDBPyConnection,
    model: type[pa.DataFrameModel],
    name: str,
    values: list[str | None],
) -> set[tuple[int, str]]:
    """(row, rule) of every value rule on the column whose predicate is false."""
    con.register(
        "column_values",
        pyarrow.table({"I": range(len(values)), name: pyarrow.array(values, pyarrow.string())}),
    )
    found = set()
    for rule in value_rules(model):
        if rule.kolom == name:
            failing = con.execute(f"SELECT I FROM column_values WHERE NOT ({rule.holds})")
            found |= {(row, rule.regel) for (row,) in failing.fetchall()}
    return found


def _id(declaration: tuple[type[pa.DataFrameModel], str]) -> str:
    return f"{declaration[0].__name__}.{declaration[1]}"


@pytest.mark.parametrize(("model", "name"), DECLARATIONS, ids=map(_id, DECLARATIONS))
def test_edge_cases_are_judged_as_pandera_judges_them(
    con: duckdb.DuckDBPyConnection, model: type[pa.DataFrameModel], name: str
) -> None:
    expected = pandera_failures(model, name, EDGE_CASES)
    assert expected, "the edge cases must break the rule somewhere"
    assert duckdb_failures(con, model, name, EDGE_CASES) == expected


def shaped_like_valid(model: type[pa.DataFrameModel], name: str) -> st.SearchStrategy[str]:
    """Values near the column's valid ones, from its own checks."""
    near: list[st.SearchStrategy[str]] = []
    for check in model.to_schema().columns[name].checks:
        statistics = check.statistics or {}
        if check.name == "str_matches":
            near.append(st.from_regex(statistics["pattern"]))
        elif check.name == "isin":
            near.append(st.sampled_from(statistics["allowed_values"]))
        elif check.name == "onderwijsnummer":
            near.append(st.from_regex(r"\A(10[0-9]{7}|[0-9]{8,10})\Z"))
    shaped = st.one_of(*near) if near else st.text("ABCXYZ", max_size=5)
    return shaped.flatmap(lambda text: st.sampled_from([text, text.lower(), text.swapcase()]))


@pytest.mark.parametrize(("model", "name"), DECLARATIONS, ids=map(_id, DECLARATIONS))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_drawn_values_are_judged_as_pandera_judges_them(
    con: duckdb.DuckDBPyConnection,
    model: type[pa.DataFrameModel],
    name: str,
    data: st.DataObject,
) -> None:
    near = shaped_like_valid(model, name)
    noise = st.text(max_size=2)
    value = st.one_of(
        st.none(), near, st.tuples(noise, near, noise).map("".join), st.text(max_size=12)
    )
    values = data.draw(st.lists(value, min_size=1, max_size=30))
    assert duckdb_failures(con, model, name, values) == pandera_failures(model, name, values)


@pytest.mark.parametrize("model", CONTRACT_MODELS, ids=lambda model: model.__name__)
def test_every_rule_of_every_contract_model_translates(model: type[ContractModel]) -> None:
    schema = model.to_schema()
    declared = [
        rule
        for name in file_columns(model)
        for rule in ([] if schema.columns[name].nullable else [REQUIRED])
        + [schema.columns[name].metadata["regel"]] * len(schema.columns[name].checks)
    ] + [schema.columns[name].metadata["regel"] for name in rule_sql(model)]
    assert [rule.regel for rule in rules(model)] == declared
    assert set(declared) <= set(RULES)
    assert column_types(model) == dict.fromkeys(file_columns(model), "VARCHAR")


class Untranslatable(pa.DataFrameModel):
    CODE: Series[Text] = column("a code", rule="CODE_FORMAAT", str_startswith="X")


class UnknownType(pa.DataFrameModel):
    AANTAL: Series[int] = column("a count", required=True)


def test_a_declaration_without_a_translation_fails_loudly() -> None:
    with pytest.raises(UntranslatableRule, match=r"Untranslatable\.CODE: check str_startswith"):
        rules(Untranslatable)
    with pytest.raises(UntranslatableRule, match=r"UnknownType\.AANTAL: dtype"):
        column_types(UnknownType)

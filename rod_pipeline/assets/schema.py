"""Pandera models shown as Dagster column schemas, so the UI documents every column once."""

import dagster as dg
import pandera.pandas as pa

# The contract models carry SQL-evaluated rules as extra boolean columns named KOLOM__REGEL_CODE.
_RULE_SEPARATOR = "__"


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    """The model's columns with their descriptions; a rule column becomes a constraint of the
    column it checks instead of a column of its own."""
    schema = model.to_schema()
    rules: dict[str, list[str]] = {}
    for name in schema.columns:
        column, _, rule = name.partition(_RULE_SEPARATOR)
        if rule:
            rules.setdefault(column, []).append(rule)
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(column.dtype) if column.dtype is not None else "string",
                description=column.description,
                constraints=dg.TableColumnConstraints(
                    nullable=column.nullable,
                    other=[*(_readable(check) for check in column.checks), *rules.get(name, [])],
                ),
            )
            for name, column in schema.columns.items()
            if _RULE_SEPARATOR not in name
        ]
    )


def schema_metadata(model: type[pa.DataFrameModel]) -> dict[str, dg.TableSchema]:
    return {"dagster/column_schema": column_schema(model)}


def _readable(check: pa.Check) -> str:
    """`<Check isin: isin(...)>` reads as `isin(...)` in the UI."""
    return str(check).strip("<>").removeprefix("Check ").split(": ", 1)[-1]

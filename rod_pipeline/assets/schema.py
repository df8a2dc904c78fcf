"""Pandera models shown as Dagster column schemas, so the UI documents every column once."""

import dagster as dg
import pandera.pandas as pa


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    schema = model.to_schema()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(column.dtype) if column.dtype is not None else "string",
                description=column.description,
                constraints=dg.TableColumnConstraints(nullable=column.nullable),
            )
            for name, column in schema.columns.items()
        ]
    )


def schema_metadata(model: type[pa.DataFrameModel]) -> dict[str, dg.TableSchema]:
    return {"dagster/column_schema": column_schema(model)}

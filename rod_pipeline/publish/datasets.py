"""The five published datasets: columns and types (from the Pandera models), folders, order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandera.pandas as pa
import pyarrow

from rod_pipeline.publish import schemas

_DUCKDB_TYPES = {
    pyarrow.string(): "VARCHAR",
    pyarrow.date32(): "DATE",
    pyarrow.int64(): "BIGINT",
    pyarrow.bool_(): "BOOLEAN",
}


@dataclass(frozen=True)
class Dataset:
    name: str
    model: type[pa.DataFrameModel]
    # Hive folders below the dataset folder, outermost first: (folder key, column).
    partitioning: tuple[tuple[str, str], ...]
    # Rows are sorted on what readers filter on, so row-group statistics let them skip.
    sort_by: tuple[str, ...]

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @cached_property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    @cached_property
    def arrow_schema(self) -> pyarrow.Schema:
        return pyarrow.schema(
            [(name, col.dtype.type.pyarrow_dtype) for name, col in self.schema.columns.items()]
        )

    @cached_property
    def duckdb_types(self) -> dict[str, str]:
        return {field.name: _DUCKDB_TYPES[field.type] for field in self.arrow_schema}

    @property
    def description(self) -> str:
        return (self.model.__doc__ or self.name).strip()

    def column_description(self, column: str) -> str:
        return self.schema.columns[column].description or column


DASHBOARD_1B = Dataset(
    "dashboard_1b",
    schemas.Dashboard1b,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("BEKOSTIGINGSCATEGORIE", "VESTIGING", "INSCHRIJVING_ID"),
)
DASHBOARD_1A = Dataset(
    "dashboard_1a",
    schemas.Dashboard1a,
    (("teldatum", "TELDATUM"),),
    ("SAMENWERKINGSVERBAND", "TELLING", "BEKOSTIGINGSCATEGORIE", "WIJZE_VAN_BEPALING_SWV"),
)
NIET_TOEGEREKEND = Dataset(
    "niet_toegerekend",
    schemas.NietToegerekend,
    (("teldatum", "TELDATUM"),),
    ("REDEN", "VESTIGING", "INSCHRIJVING_ID"),
)
MUTATIES = Dataset(
    "mutaties",
    schemas.Mutaties,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("MUTATIE", "INSCHRIJVING_ID"),
)
STABILITEIT = Dataset(
    "stabiliteit",
    schemas.Stabiliteit,
    (),
    ("TELDATUM", "PEILDATUM"),
)

# Datasets holding the latest publication of each teldatum, one folder per teldatum.
PER_TELDATUM = (DASHBOARD_1B, DASHBOARD_1A, NIET_TOEGEREKEND, MUTATIES)
ALL = (*PER_TELDATUM, STABILITEIT)

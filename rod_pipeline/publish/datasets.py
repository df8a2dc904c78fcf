"""The registry of published datasets: each is declared once, here.

Its Pandera model gives the columns, types and descriptions; from this registry derive the
warehouse tables, the Parquet files and their folders, the catalog views, DATASETS.md and the
Dagster assets. A new dataset is one entry below (and, when it holds new rows, their derivation).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

import pandera.pandas as pa
import pyarrow

from rod_pipeline.publish import schemas

_DUCKDB_TYPES = {
    pyarrow.string(): "VARCHAR",
    pyarrow.date32(): "DATE",
    pyarrow.int64(): "BIGINT",
    pyarrow.int32(): "INTEGER",
    pyarrow.bool_(): "BOOLEAN",
}

# The folder of rows whose partition column is null (a location without a partnership).
NULL_FOLDER = "GEEN"


class Scope(Enum):
    """Which rows a dataset holds."""

    LATEST = "the current publication of every teldatum"
    HISTORY = "every current publication of every teldatum"
    AFWIJKINGEN = "for every final teldatum, the latest extract compared with the final publication"


@dataclass(frozen=True)
class Dataset:
    name: str
    model: type[pa.DataFrameModel]
    scope: Scope
    # Hive folders below the dataset folder, outermost first: (folder key, column).
    partitioning: tuple[tuple[str, str], ...]
    # Rows are sorted on what readers filter on, so row-group statistics let them skip.
    sort_by: tuple[str, ...]
    # Stored in the warehouse per publication (else derived from another dataset's rows).
    stored: bool = True

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        return self.model.to_schema()

    @cached_property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    @cached_property
    def arrow_schema(self) -> pyarrow.Schema:
        """Arrow types with each column's description (and whether it is personal data) as
        field metadata, so readers of the Parquet files get the data dictionary too."""
        fields = []
        for name, column in self.schema.columns.items():
            metadata = {"description": column.description or name}
            if (column.metadata or {}).get("personal"):
                metadata["personal_data"] = "true"
            fields.append(
                pyarrow.field(
                    name, column.dtype.type.pyarrow_dtype, nullable=True, metadata=metadata
                )
            )
        return pyarrow.schema(fields)

    @cached_property
    def duckdb_types(self) -> dict[str, str]:
        return {field.name: _DUCKDB_TYPES[field.type] for field in self.arrow_schema}

    @property
    def description(self) -> str:
        return " ".join((self.model.__doc__ or self.name).split())

    def column_description(self, column: str) -> str:
        return self.schema.columns[column].description or column

    def is_personal(self, column: str) -> bool:
        return bool((self.schema.columns[column].metadata or {}).get("personal"))

    @property
    def per_partnership(self) -> bool:
        """Split per partnership, with a folder for every partnership in the reference."""
        return len(self.partitioning) == 2

    @property
    def per_teldatum(self) -> bool:
        return bool(self.partitioning)


DASHBOARD_1B = Dataset(
    "dashboard_1b",
    schemas.Dashboard1b,
    Scope.LATEST,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("BEKOSTIGINGSCATEGORIE", "VESTIGING", "INSCHRIJVING_ID"),
)
DASHBOARD_1A = Dataset(
    "dashboard_1a",
    schemas.Dashboard1a,
    Scope.LATEST,
    (("teldatum", "TELDATUM"),),
    ("SAMENWERKINGSVERBAND", "TELLING", "BEKOSTIGINGSCATEGORIE", "WIJZE_VAN_BEPALING_SWV"),
)
DASHBOARD_1A_HISTORIE = Dataset(
    "dashboard_1a_historie",
    schemas.Dashboard1aHistorie,
    Scope.HISTORY,
    (("teldatum", "TELDATUM"),),
    (
        "PEILDATUM",
        "SAMENWERKINGSVERBAND",
        "TELLING",
        "BEKOSTIGINGSCATEGORIE",
        "WIJZE_VAN_BEPALING_SWV",
    ),
    stored=False,
)
NIET_TOEGEREKEND = Dataset(
    "niet_toegerekend",
    schemas.NietToegerekend,
    Scope.LATEST,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("REDEN", "VESTIGING", "INSCHRIJVING_ID"),
)
MUTATIES = Dataset(
    "mutaties",
    schemas.Mutaties,
    Scope.LATEST,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("MUTATIE", "INSCHRIJVING_ID"),
)
AFWIJKINGEN_NA_DEFINITIEF = Dataset(
    "afwijkingen_na_definitief",
    schemas.AfwijkingenNaDefinitief,
    Scope.AFWIJKINGEN,
    (("teldatum", "TELDATUM"), ("samenwerkingsverband", "SAMENWERKINGSVERBAND")),
    ("MUTATIE", "INSCHRIJVING_ID"),
)
STABILITEIT = Dataset(
    "stabiliteit",
    schemas.Stabiliteit,
    Scope.HISTORY,
    (),
    ("TELDATUM", "PEILDATUM"),
)

# Every published dataset, in the order of CONTRACT.md.
ALL = (
    DASHBOARD_1B,
    DASHBOARD_1A,
    DASHBOARD_1A_HISTORIE,
    NIET_TOEGEREKEND,
    MUTATIES,
    AFWIJKINGEN_NA_DEFINITIEF,
    STABILITEIT,
)
# The datasets a publication of one teldatum holds rows of, in the warehouse history.
PUBLICATION = (DASHBOARD_1B, DASHBOARD_1A, NIET_TOEGEREKEND, MUTATIES, STABILITEIT)
BY_NAME = {dataset.name: dataset for dataset in ALL}

"""DATASETS.md: the data dictionary of a snapshot, and how to read it without the pipeline.

Generated from the dataset registry (every dataset, column, type, meaning and personal-data flag)
so it cannot drift from the files. The recipes are run by the tests as they are written here;
their example teldatum and partnership are taken from the snapshot, so they return rows.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from rod_pipeline import atomic
from rod_pipeline.publish import datasets
from rod_pipeline.publish.catalog import CATALOG, file_pattern

DATASETS_MD = "DATASETS.md"
# Recipe values when the snapshot has no dashboard 1b rows to take them from.
_DEFAULT_EXAMPLE = ("2025-10-01", "PO2001")


def example_values(snapshot_dir: Path) -> tuple[str, str]:
    """The latest teldatum of dashboard 1b and its partnership with the most rows (by the files'
    row counts, so only their footers are read)."""
    teldata = sorted((snapshot_dir / datasets.DASHBOARD_1B.name).glob("teldatum=*"))
    if not teldata:
        return _DEFAULT_EXAMPLE
    rows = {
        folder.name.split("=", 1)[1]: sum(
            pq.read_metadata(file).num_rows for file in folder.glob("*.parquet")
        )
        for folder in sorted(teldata[-1].glob("samenwerkingsverband=*"))
        if folder.name != f"samenwerkingsverband={datasets.NULL_FOLDER}"
    }
    if not rows or max(rows.values()) == 0:
        return _DEFAULT_EXAMPLE
    partnership = max(sorted(rows), key=rows.__getitem__)  # ties: the first code
    return teldata[-1].name.split("=", 1)[1], partnership


def _folders(dataset: datasets.Dataset) -> str:
    if not dataset.partitioning:
        return f"`{dataset.name}/`: one file."
    folders = "/".join(
        f"{key}={'YYYY-MM-DD' if column == 'TELDATUM' else 'XXNNNN'}"
        for key, column in dataset.partitioning
    )
    text = f"`{dataset.name}/{folders}/`"
    if dataset.per_partnership:
        key, column = dataset.partitioning[1]
        text += (
            ": a folder for every partnership in the reference for every teldatum, its file "
            "holding zero rows when the partnership has none"
        )
        if dataset.schema.columns[column].nullable:
            text += f"; `{key}={datasets.NULL_FOLDER}` holds the rows whose {column} is empty"
    return text + "."


def _dataset_section(dataset: datasets.Dataset) -> list[str]:
    lines = [
        f"### {dataset.name}",
        "",
        dataset.description,
        "",
        f"- Rows: {dataset.scope.value}.",
        f"- Folders: {_folders(dataset)}",
        f"- Sorted on: {', '.join(dataset.sort_by)}.",
        "",
        "| Column | Type | Personal data | Meaning |",
        "| --- | --- | --- | --- |",
    ]
    for column in dataset.columns:
        personal = "yes" if dataset.is_personal(column) else "no"
        meaning = dataset.column_description(column).replace("|", "\\|")
        lines.append(f"| {column} | {dataset.duckdb_types[column]} | {personal} | {meaning} |")
    return [*lines, ""]


def _recipes(teldatum: str, partnership: str) -> str:
    year, month, day = (int(part) for part in teldatum.split("-"))
    py_date = f"date({year}, {month}, {day})"
    pattern = file_pattern(datasets.DASHBOARD_1B)
    return f"""## Reading the datasets

Every file holds its partition columns (TELDATUM, SAMENWERKINGSVERBAND) with the folder's
values, typed: read with hive partitioning **off**, or pyarrow, pandas and polars return each
twice (the folder's copy as a string, dictionary or category) and filters on it fail. Filter on
the columns in the files. The examples run in the data folder (the one holding `published/`).
`published` is a link to the current snapshot, which never changes: a program that reads
several datasets and must see one publication resolves the link once
(`os.path.realpath("published")`) and reads below that folder.

### DuckDB, with the catalog

`{CATALOG}` has a view per dataset with a comment on every column (`duckdb_columns()`), and opens
with DuckDB 1.1 and newer. Open it read-only, so the pipeline can check it while you read:

```sh
duckdb -readonly published/{CATALOG} \\
  -c "SELECT TELDATUM, count(*) AS RIJEN FROM dashboard_1b GROUP BY ALL ORDER BY ALL"
```

DuckDB's `sum()` of an integer column is a HUGEINT, which many BI drivers cannot show: cast it,
`sum(AANTAL)::BIGINT`, as below.

Counts per partnership, with the status of each teldatum's publication:

```sql
SELECT a.TELDATUM, s.STATUS, a.PEILDATUM, a.SAMENWERKINGSVERBAND, a.SAMENWERKINGSVERBAND_NAAM,
       coalesce(sum(a.AANTAL) FILTER (WHERE a.TELLING = 'TEN_LASTE'), 0)::BIGINT AS TEN_LASTE,
       coalesce(sum(a.AANTAL) FILTER (WHERE a.TELLING = 'LEERLINGBASIS'), 0)::BIGINT
         AS LEERLINGBASIS
FROM dashboard_1a AS a
JOIN (SELECT DISTINCT TELDATUM, PEILDATUM, STATUS FROM stabiliteit) AS s
  USING (TELDATUM, PEILDATUM)
GROUP BY ALL
ORDER BY a.TELDATUM, a.SAMENWERKINGSVERBAND;
```

What changed for one partnership in the latest publication of each teldatum:

```sql
SELECT TELDATUM, PEILDATUM, VORIGE_PEILDATUM, MUTATIE, BEKOSTIGINGSRELEVANT,
       ANDER_SAMENWERKINGSVERBAND, GEWIJZIGDE_KOLOMMEN, INSCHRIJVING_ID
FROM mutaties
WHERE SAMENWERKINGSVERBAND = '{partnership}'
ORDER BY TELDATUM, MUTATIE, INSCHRIJVING_ID;
```

The history of one teldatum: each publication, and the charged counts per partnership:

```sql
SELECT PEILDATUM, STATUS, AANTAL_TEN_LASTE, AANTAL_NIEUW, AANTAL_GEWIJZIGD, AANTAL_VERVALLEN,
       AANTAL_BEKOSTIGINGSRELEVANT, LATE_MUTATIE, HEROPEND_REDEN
FROM stabiliteit
WHERE TELDATUM = DATE '{teldatum}'
ORDER BY PEILDATUM;

SELECT PEILDATUM, SAMENWERKINGSVERBAND, sum(AANTAL)::BIGINT AS TEN_LASTE
FROM dashboard_1a_historie
WHERE TELDATUM = DATE '{teldatum}' AND TELLING = 'TEN_LASTE'
GROUP BY ALL
ORDER BY PEILDATUM, SAMENWERKINGSVERBAND;
```

### DuckDB, on the Parquet files

```sql
SELECT *
FROM read_parquet('published/dashboard_1b/{pattern}', hive_partitioning = false)
WHERE TELDATUM = DATE '{teldatum}' AND SAMENWERKINGSVERBAND = '{partnership}';
```

### pyarrow

```python
from datetime import date

import pyarrow.dataset as ds

# No partitioning: the partition columns come from the files, typed.
dashboard_1b = ds.dataset("published/dashboard_1b", format="parquet")
table = dashboard_1b.to_table(
    filter=(ds.field("TELDATUM") == {py_date})
    & (ds.field("SAMENWERKINGSVERBAND") == "{partnership}")
)
print(table.num_rows)
```

### pandas

```python
from datetime import date

import pandas as pd

frame = pd.read_parquet(
    "published/dashboard_1b",
    partitioning=None,  # the partition columns come from the files
    filters=[("TELDATUM", "==", {py_date}), ("SAMENWERKINGSVERBAND", "==", "{partnership}")],
    dtype_backend="pyarrow",  # codes stay strings, empty counts stay integers
)
print(len(frame))
```

### polars

```python
from datetime import date

import polars as pl

frame = (
    pl.scan_parquet("published/dashboard_1b/**/*.parquet", hive_partitioning=False)
    .filter(
        (pl.col("TELDATUM") == {py_date})
        & (pl.col("SAMENWERKINGSVERBAND") == "{partnership}")
    )
    .collect()
)
print(frame.height)
```

## Copying or moving the data

`published` is a symbolic link to `state/snapshots/NNNNNN/`. Copy the whole data folder with
`cp -a` (the link is relative and stays valid; snapshots share unchanged files as hard links,
which `cp -a` keeps), or just what is published with `cp -rL published TARGET/published`.

The catalog's views read the files by their absolute path, so a copied catalog would read the
original folder. It does not: each view checks that the catalog is opened from the folder it was
written for, and otherwise fails with `catalog.duckdb was written for the data folder ... Run:
rod-pipeline catalog --data-dir <the folder you copied to>`. That command (or any other
rod-pipeline command on the copy) rewrites the catalog for the copy. Where the check falls
short:

- A folder that was moved: the original files are gone, so DuckDB fails before the check with
  `No files found that match the pattern` and the old path. The remedy is the same.
- DuckDB before 1.5 reports the catalog's path as it was given: attached by a relative path (or
  one with `..`) the check fails even in the original folder. Give it the absolute path.
- A copy and its original attached in one session at once: the check fails in both.

From another DuckDB session, attach it by its absolute path:
`ATTACH '/path/to/data/published/{CATALOG}' AS rod (READ_ONLY)`.

Without rod-pipeline, read the Parquet files directly (above): they hold everything.
"""


def render_datasets_md(snapshot_dir: Path) -> str:
    teldatum, partnership = example_values(snapshot_dir)
    contents = [f"- [{d.name}](#{d.name}): {d.description}" for d in datasets.ALL]
    sections = [line for dataset in datasets.ALL for line in _dataset_section(dataset)]
    return "\n".join(
        [
            "# Published datasets",
            "",
            "Generated by rod-pipeline from its dataset registry; do not edit. Parquet files in",
            "hive-style folders, one folder per dataset. Dates are Parquet dates, codes are",
            "strings, counts are 32-bit integers. Each dataset holds the latest publication of",
            "every teldatum unless it says otherwise. Columns marked as personal data identify a",
            "pupil: keep them within the purpose they were given for.",
            "",
            *contents,
            "",
            _recipes(teldatum, partnership),
            "## Datasets",
            "",
            *sections,
        ]
    )


def write_datasets_md(snapshot_dir: Path) -> None:
    atomic.write_bytes(snapshot_dir / DATASETS_MD, render_datasets_md(snapshot_dir).encode())

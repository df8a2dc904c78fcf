"""INHOUD_HASH: the same content gives the same hash, whatever the input order or file bytes."""

from __future__ import annotations

import hashlib

import duckdb

from rod_pipeline.publish.history import query_value


def _table_hash(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> str:
    # Each row is rendered as JSON with the columns in a fixed order (nulls stay null, dates ISO),
    # hashed, and the row hashes are combined in sorted order, so row order does not matter.
    row = "to_json(struct_pack(" + ", ".join(f"{c} := {c}" for c in columns) + "))"
    return str(
        query_value(
            con,
            f"SELECT coalesce(sha256(string_agg(h, '' ORDER BY h)), '') "
            f"FROM (SELECT sha256({row}) AS h FROM {table})",
        )
    )


def content_hash(con: duckdb.DuckDBPyConnection, tables: dict[str, tuple[str, list[str]]]) -> str:
    """sha256 over the sorted rows of each named table: {name: (table, columns)}."""
    combined = hashlib.sha256()
    for name in sorted(tables):
        table, columns = tables[name]
        combined.update(f"{name}:{_table_hash(con, table, columns)}\n".encode())
    return combined.hexdigest()

"""The floor: DuckDB loading the extract's two files into a fresh database file, nothing more.

python benchmarks/floor_load.py EXTRACT_DIR DATABASE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from rod_pipeline.contract.sql import literal

FILES = ("inschrijvingen", "tlv")


def load(extract_dir: Path, database: Path) -> dict[str, object]:
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        started = time.perf_counter()
        for name in FILES:
            source = literal(str(extract_dir / f"{name}.csv"))
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv({source}, delim=';', header=true)"
            )
        seconds = time.perf_counter() - started
        rows = {name: _count(con, name) for name in FILES}
    database.unlink()
    return {"seconds": seconds, "rows": rows}


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    found = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(found[0]) if found else 0


if __name__ == "__main__":
    print(json.dumps(load(Path(sys.argv[1]), Path(sys.argv[2]))))

"""The naive peer: pandas reads the extract as text, the project's Pandera models validate it.

    python benchmarks/naive_peer.py EXTRACT_DIR

What most teams would write: `read_csv(..., dtype=str)` and `Model.validate(df, lazy=True)`,
catching SchemaErrors. Under pandas 3 `dtype=str` gives the Arrow-backed `str` dtype, so the
object columns such code got through pandas 2 are asked for as `dtype=object`. The models also
declare rule columns that DuckDB prepares in the pipeline (uniqueness, reference data, two
columns compared); the peer does the minimum and supplies them as holding, so it does less
work than the pipeline.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa

from rod_pipeline import contract
from rod_pipeline.contract.models import ContractModel, rule_sql

MODELS: dict[str, type[ContractModel]] = {
    "inschrijvingen": contract.Inschrijvingen,
    "tlv": contract.Tlv,
}


def validate_naively(extract_dir: Path) -> dict[str, object]:
    seconds = {"read": 0.0, "validate": 0.0}
    rows, failure_cases = {}, {}
    for name, model in MODELS.items():
        started = time.perf_counter()
        frame = pd.read_csv(extract_dir / f"{name}.csv", sep=";", dtype=object)
        seconds["read"] += time.perf_counter() - started
        started = time.perf_counter()
        holds = pd.Series(True, index=frame.index, dtype=pd.ArrowDtype(pa.bool_()))
        for rule_column in rule_sql(model):
            frame[rule_column] = holds
        try:
            model.validate(frame, lazy=True)
            failure_cases[name] = 0
        except pandera.errors.SchemaErrors as errors:
            failure_cases[name] = len(errors.failure_cases)
        seconds["validate"] += time.perf_counter() - started
        rows[name] = len(frame)
        del frame, holds
    return {"seconds": seconds, "rows": rows, "failure_cases": failure_cases}


if __name__ == "__main__":
    print(json.dumps(validate_naively(Path(sys.argv[1]))))

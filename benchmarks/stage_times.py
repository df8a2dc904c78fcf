"""Second pass, in process: the pipeline's library functions timed one by one on one extract.

    python benchmarks/stage_times.py --data-dir DIR --peildatum YYYY-MM-DD

Does what the Dagster assets do (ingest, validate, the rulebook and staging of the teldata on or
before the peildatum, side by side, one commit and one snapshot), without Dagster, and prints
the seconds of each stage as JSON ("snapshot" is the atomic publication: building and
switching).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb

from rod_pipeline import contract
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.planner import TeldatumWork
from rod_pipeline.publish import snapshot
from rod_pipeline.publish.commit import ExtractKeys, commit_extract
from rod_pipeline.publish.publication import stage_extract, write_report_into
from rod_pipeline.publish.stage import Mode
from rod_pipeline.resources import WAREHOUSE_CONFIG


class StageClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def time_stages(folder: DataFolder, peildatum: date) -> dict[str, object]:
    clock, parts = StageClock(), StageClock()
    folder.state_dir.mkdir(parents=True, exist_ok=True)
    # The warehouse as the assets open it (its memory limit included).
    with duckdb.connect(str(folder.warehouse_path), config=dict(WAREHOUSE_CONFIG)) as con:
        with clock.stage("reference"):
            contract.load_reference(con, folder.reference_dir, peildatum)
        with clock.stage("read"):
            read = contract.read_extract(con, folder.extract_dir(peildatum), peildatum)
        with clock.stage("validate"):
            report = contract.validate_extract(con, peildatum, folder.quarantine_dir)
        teldata = [d for d in wh.calendar(con, peildatum) if d.teldatum <= peildatum]
        with clock.stage("derive"):  # all teldata side by side, as the rulebook asset does
            derived = wh.derive_teldata(con, teldata, peildatum)
        charged = {d.teldatum.isoformat(): derived[d.teldatum]["charged"] for d in teldata}
        modes = [TeldatumWork(dates, Mode.PUBLISH) for dates in teldata]
        with clock.stage("publish"), parts.stage("stage"):
            staged = stage_extract(con, peildatum, modes, "benchmark")
        keys = ExtractKeys(peildatum, "benchmark", "benchmark", "{}")
        with clock.stage("publish"), parts.stage("commit"):
            commit_extract(con, staged, "benchmark", keys)
        with clock.stage("publish"), parts.stage("snapshot"):
            snapshot.build_snapshot(con, folder.root, "benchmark", [write_report_into])
    return {
        "rows": {name: r.rijen_gelezen for name, r in read.items()},
        "quarantined": {name: r.rijen_gequarantaineerd for name, r in report.files.items()},
        "seconds": clock.seconds,
        "charged_rows": charged,
        "publish_per_extract": parts.seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--peildatum", type=date.fromisoformat, required=True)
    args = parser.parse_args()
    print(json.dumps(time_stages(DataFolder.resolve(args.data_dir), args.peildatum)))


if __name__ == "__main__":
    main()

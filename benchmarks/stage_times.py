"""Second pass, in process: the pipeline's library functions timed one by one on one extract.

    python benchmarks/stage_times.py --data-dir DIR --peildatum YYYY-MM-DD

Does what the Dagster assets do (ingest, validate, rulebook and publish per teldatum on or
before the peildatum), without Dagster, and prints the seconds of each stage as JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb

from rod_pipeline import contract, publish
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.rulebook import apply_rulebook


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
    clock, per_teldatum = StageClock(), {}
    folder.state_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(folder.warehouse_path)) as con:
        with clock.stage("reference"):
            contract.load_reference(con, folder.reference_dir, peildatum)
        with clock.stage("read"):
            read = contract.read_extract(con, folder.extract_dir(peildatum), peildatum)
        with clock.stage("validate"):
            report = contract.validate_extract(con, peildatum, folder.quarantine_dir)
        teldata = [d for d in wh.calendar(con, peildatum) if d.teldatum <= peildatum]
        for dates in teldata:
            teldatum_clock = StageClock()
            with clock.stage("derive"), teldatum_clock.stage("derive"):
                wh.point_views_at_extract(con, peildatum)
                result = apply_rulebook(con, dates.teldatum, dates.registratiedeadline)
                tables = {
                    "charged": result.charged,
                    "niet_toegerekend": result.niet_toegerekend,
                    "counts": result.counts,
                }
                wh.store_rulebook_result(con, dates.teldatum, peildatum, tables)
            with clock.stage("publish"), teldatum_clock.stage("publish: stage"):
                _, waiting = wh.load_rulebook_result(con, dates.teldatum)
                staged = publish.stage_publication(
                    con,
                    waiting["charged"],
                    waiting["niet_toegerekend"],
                    waiting["counts"],
                    peildatum,
                    dates,
                    "benchmark",
                )
            with clock.stage("publish"), teldatum_clock.stage("publish: commit"):
                publish.commit_publication(con, staged)
            with clock.stage("publish"), teldatum_clock.stage("publish: export"):
                publish.export_published(con, folder.published_dir, [dates.teldatum])
            per_teldatum[dates.teldatum.isoformat()] = {
                **teldatum_clock.seconds,
                "charged_rows": result.charged.num_rows,
            }
    return {
        "rows": {name: r.rijen_gelezen for name, r in read.items()},
        "quarantined": {name: r.rijen_gequarantaineerd for name, r in report.files.items()},
        "seconds": clock.seconds,
        "per_teldatum": per_teldatum,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--peildatum", type=date.fromisoformat, required=True)
    args = parser.parse_args()
    print(json.dumps(time_stages(DataFolder.resolve(args.data_dir), args.peildatum)))


if __name__ == "__main__":
    main()

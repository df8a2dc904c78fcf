"""The national-scale benchmark (issue 7): one extract end to end against the floor and a peer.

    .venv/bin/python benchmarks/national.py [--scale national|small|tiny] [--fractions 0.25,0.5,1]

Generates the installation once (benchmarks/.cache/<scale>-seed0, reused), then on extract
2025-03-15 and its teldata measures, each in its own process: `rod-pipeline run` end to end on a
fresh data folder (wall time, peak RSS), the stage times in a second in-process pass, the floor
(DuckDB loading the two files) and the naive peer (pandas + Pandera). The growth series runs the
pipeline on the first 25% and 50% of the extract's rows. Prints a table and writes
results.json next to the installation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import results_table
from child_process import ChildRun, run_child
from installations import CLI, PEILDATUM, fraction_of_extract, generated, run_copy

from rod_pipeline.datafolder import DataFolder

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def _fractions(text: str) -> list[float]:
    values = sorted({float(part) for part in text.split(",")})
    if not values or values[0] <= 0 or values[-1] > 1:
        raise argparse.ArgumentTypeError("fractions lie in (0, 1], e.g. 0.25,0.5,1")
    return values


def _script(name: str, *args: str) -> list[str]:
    return [PYTHON, str(HERE / name), *args]


def _json(run: ChildRun) -> dict[str, Any]:
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def end_to_end(installation: DataFolder, extract: DataFolder, target: Path) -> ChildRun:
    folder = run_copy(installation, extract, target)
    return run_child(
        [CLI, "run", "--data-dir", str(folder.root), "--peildatum", PEILDATUM.isoformat()]
    )


def measure(scale: str, fractions: list[float], cache: Path) -> dict[str, Any]:
    installation = generated(cache, scale)
    extract_dir = installation.extract_dir(PEILDATUM)
    runs = cache / "runs"

    floor_run = run_child(_script("floor_load.py", str(extract_dir), str(runs / "floor.duckdb")))
    pipeline_run = end_to_end(installation, installation, runs / f"{scale}-e2e")
    stage_folder = run_copy(installation, installation, runs / f"{scale}-stages")
    stages_run = run_child(
        _script(
            "stage_times.py",
            "--data-dir",
            str(stage_folder.root),
            "--peildatum",
            PEILDATUM.isoformat(),
        )
    )
    peer_run = run_child(_script("naive_peer.py", str(extract_dir)))

    floor, stages, peer = _json(floor_run), _json(stages_run), _json(peer_run)
    rows = floor["rows"]
    total_rows = sum(rows.values())
    growth_runs = {
        fraction: pipeline_run
        if fraction == 1
        else end_to_end(
            installation,
            fraction_of_extract(installation, fraction, cache),
            runs / f"{scale}-{round(fraction * 100)}pct",
        )
        for fraction in fractions
    }
    base = growth_runs[fractions[0]]
    growth = [
        {
            "fraction": fraction,
            "rows": round(total_rows * fraction),
            "seconds": run.seconds,
            "peak_rss_bytes": run.peak_rss_bytes,
            "time_ratio": run.seconds / base.seconds,
            "memory_ratio": run.peak_rss_bytes / base.peak_rss_bytes,
        }
        for fraction, run in growth_runs.items()
    ]
    peer_seconds = sum(peer["seconds"].values())
    results: dict[str, Any] = {
        "scale": scale,
        "peildatum": PEILDATUM.isoformat(),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "rows": rows,
        "pipeline": {
            "seconds": pipeline_run.seconds,
            "peak_rss_bytes": pipeline_run.peak_rss_bytes,
            "rows_per_second": total_rows / pipeline_run.seconds,
            "progress": pipeline_run.stdout.strip().splitlines(),
        },
        "stages": {
            **stages,
            "stage_timing": "in-process second pass: contract.load_reference/read_extract/"
            "validate_extract, rulebook.apply_rulebook per teldatum, publish stage/commit/export",
            "wall_seconds": stages_run.seconds,
            "peak_rss_bytes": stages_run.peak_rss_bytes,
        },
        "floor": {
            **floor,
            "wall_seconds": floor_run.seconds,
            "peak_rss_bytes": floor_run.peak_rss_bytes,
        },
        "peer": {
            **peer,
            "wall_seconds": peer_run.seconds,
            "peak_rss_bytes": peer_run.peak_rss_bytes,
        },
        "ratios": {
            "pipeline_over_floor": pipeline_run.seconds / floor["seconds"],
            "peer_over_pipeline": peer_seconds / pipeline_run.seconds,
        },
        "growth": growth,
    }
    results["goals"] = results_table.goals(results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["tiny", "small", "national"], default="national")
    parser.add_argument("--fractions", type=_fractions, default=[0.25, 0.5, 1.0])
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    args = parser.parse_args(argv)
    results = measure(args.scale, args.fractions, args.cache_dir.resolve())
    print(results_table.render(results))
    results_table.write_json(results, args.cache_dir / "results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())

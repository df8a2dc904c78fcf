"""The benchmark's figures as a printed table and as JSON, judged against the goals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GIB = 1024**3
# Goals of issue 15: reported, never asserted.
MAX_FLOOR_RATIO = 4.0
MAX_PEAK_BYTES = 1.5 * GIB
MIN_PEER_RATIO = 8.0


def goals(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    pipeline = results["pipeline"]
    growth = results["growth"]
    largest = growth[-1] if growth else None
    linear: dict[str, Any] = {"goal": "time and memory grow at most linearly with the rows"}
    if largest and len(growth) > 1:
        expected = largest["fraction"] / growth[0]["fraction"]
        linear |= {
            "time_ratio": largest["time_ratio"],
            "rows_ratio": expected,
            "met": largest["time_ratio"] <= expected and largest["memory_ratio"] <= expected,
        }
    return {
        "floor": {
            "goal": f"end to end at most {MAX_FLOOR_RATIO:g}x the floor",
            "value": results["ratios"]["pipeline_over_floor"],
            "met": results["ratios"]["pipeline_over_floor"] <= MAX_FLOOR_RATIO,
        },
        "memory": {
            "goal": f"peak memory at most {MAX_PEAK_BYTES / GIB:g} GiB",
            "value": pipeline["peak_rss_bytes"],
            "met": pipeline["peak_rss_bytes"] <= MAX_PEAK_BYTES,
        },
        "peer": {
            "goal": f"at least {MIN_PEER_RATIO:g}x faster than the naive peer",
            "value": results["ratios"]["peer_over_pipeline"],
            "met": results["ratios"]["peer_over_pipeline"] >= MIN_PEER_RATIO,
        },
        "linear": linear,
    }


def _mib(size: float) -> str:
    return f"{size / 1024**2:,.0f} MiB"


def _row(label: str, value: str) -> str:
    return f"  {label:<44} {value:>18}"


def render(results: dict[str, Any]) -> str:
    pipeline, stages = results["pipeline"], results["stages"]
    floor, peer, ratios = results["floor"], results["peer"], results["ratios"]
    rows = results["rows"]
    lines = [
        f"rod-pipeline benchmark: scale {results['scale']}, extract {results['peildatum']}, "
        f"teldata {', '.join(stages['charged_rows'])}",
        _row("rows inschrijvingen + tlv", f"{rows['inschrijvingen']:,} + {rows['tlv']:,}"),
        "stages (in-process second pass, library functions timed directly):",
    ]
    lines += [_row(f"  {name}", f"{s:,.1f} s") for name, s in stages["seconds"].items()]
    for teldatum, charged in stages["charged_rows"].items():
        lines.append(f"    {teldatum}: {charged:,} charged")
    for name, seconds in stages.get("publish_per_extract", {}).items():
        lines.append(f"    publish, once per extract: {name} {seconds:.1f} s")
    lines += [
        _row("  sum of stages", f"{sum(stages['seconds'].values()):,.1f} s"),
        _row("  peak memory of the in-process pass", _mib(stages["peak_rss_bytes"])),
        "end to end (`rod-pipeline run --peildatum`, child process):",
        _row("  wall time", f"{pipeline['seconds']:,.1f} s"),
        _row("  rows per second", f"{pipeline['rows_per_second']:,.0f}"),
        _row("  peak memory (RSS)", _mib(pipeline["peak_rss_bytes"])),
        "floor (DuckDB CREATE TABLE AS read_csv, both files, fresh file database):",
        _row("  load time", f"{floor['seconds']:,.1f} s"),
        _row("  wall time of its process", f"{floor['wall_seconds']:,.1f} s"),
        _row("  peak memory", _mib(floor["peak_rss_bytes"])),
        "naive peer (pandas read_csv as text + Pandera validate(lazy=True)):",
        _row("  read", f"{peer['seconds']['read']:,.1f} s"),
        _row("  validate", f"{peer['seconds']['validate']:,.1f} s"),
        _row("  peak memory", _mib(peer["peak_rss_bytes"])),
        "ratios:",
        _row("  pipeline / floor", f"{ratios['pipeline_over_floor']:.1f}x"),
        _row("  peer (read + validate) / pipeline", f"{ratios['peer_over_pipeline']:.2f}x"),
        "growth (end to end on the first N% of the extract's rows):",
        f"  {'fraction':>8} {'rows':>12} {'time':>9} {'x first':>9} {'memory':>11} {'x first':>9}",
    ]
    for step in results["growth"]:
        lines.append(
            f"  {step['fraction']:>8g} {step['rows']:>12,} {step['seconds']:>7.1f} s "
            f"{step['time_ratio']:>9.2f} {_mib(step['peak_rss_bytes']):>11} "
            f"{step['memory_ratio']:>9.2f}"
        )
    lines.append("goals (reported, not asserted):")
    for goal in results["goals"].values():
        verdict = {True: "met", False: "NOT met", None: "n/a"}[goal.get("met")]
        lines.append(f"  {goal['goal']:<58} {verdict}")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")

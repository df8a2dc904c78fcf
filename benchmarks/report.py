"""Time the partnerships' report on a national-like published folder.

    .venv/bin/python benchmarks/report.py [--partnerships 150] [--teldata 3] [--peildata 6]
        [--pupils 600] [--work-dir DIR]

Writes the folder with the report tests' fixture (150 partnerships x 3 teldata x 6 peildata,
~600 charged pupils per partnership and teldatum by default), then times write_report twice:
the first writes every page, the second finds them unchanged. Prints the times (wall and this
process's CPU, as the machine may be shared), the pages written and their mean and max size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The fixture lives in the test package, which is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rod_pipeline.report import write_report
from rod_pipeline_tests.report.published_fixture import write_published


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=150)
    parser.add_argument("--teldata", type=int, default=3)
    parser.add_argument("--peildata", type=int, default=6)
    parser.add_argument("--pupils", type=int, default=600)
    parser.add_argument("--work-dir", type=Path, help="default: a temporary folder, removed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        work = args.work_dir or Path(temporary)
        started = time.perf_counter()
        write_published(
            work / "published",
            partnerships=args.partnerships,
            teldata=args.teldata,
            peildata=args.peildata,
            pupils=args.pupils,
        )
        fixture_seconds = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        summary = write_report(work / "published", work / "published" / "rapport")
        first_seconds, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        write_report(work / "published", work / "published" / "rapport")
        unchanged_seconds, unchanged_cpu = time.perf_counter() - started, time.process_time() - cpu
        sizes = [page.stat().st_size for page in summary.pages]
        figures = {
            "fixture_seconds": fixture_seconds,
            "report_seconds": first_seconds,
            "report_cpu_seconds": first_cpu,
            "unchanged_report_seconds": unchanged_seconds,
            "unchanged_report_cpu_seconds": unchanged_cpu,
            "pages": len(summary.pages) + 1,
            "mean_page_kb": statistics.mean(sizes) / 1024,
            "max_page_kb": max(sizes) / 1024,
            "index_kb": summary.index.stat().st_size / 1024,
        }
    print(
        f"published folder: {args.partnerships} partnerships x {args.teldata} teldata x "
        f"{args.peildata} peildata, ~{args.pupils} pupils each (written in "
        f"{fixture_seconds:.1f} s)\n"
        f"write_report:           {first_seconds:6.2f} s wall, {first_cpu:6.2f} s CPU of this "
        f"process ({figures['pages']} pages written: index + {len(summary.pages)} partnerships)\n"
        f"write_report unchanged: {unchanged_seconds:6.2f} s wall, {unchanged_cpu:6.2f} s CPU\n"
        f"partnership page size:  mean {figures['mean_page_kb']:.1f} KB, "
        f"max {figures['max_page_kb']:.1f} KB; index {figures['index_kb']:.1f} KB"
    )
    return figures


if __name__ == "__main__":
    main()

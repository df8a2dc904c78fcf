"""rod-pipeline generate | run | status | rollback."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from rod_pipeline.datafolder import ENV_VAR, DataFolder


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rod-pipeline",
        description="ROD enrolments and TLVs -> the funded-pupil datasets of dashboards 1a/1b.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--data-dir",
            help=f"the installation's data folder (default: ${ENV_VAR}, else data/ in the project)",
        )
        return sub

    gen = command("generate", "write a realistic synthetic installation")
    gen.add_argument("--scale", choices=["tiny", "small", "national"], default="small")
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--format", choices=["csv", "parquet"], default="csv")
    gen.add_argument("--regio-indeling", type=Path, help="build the geography from a real table")
    gen.add_argument("--error-rate", type=float, default=0.005)

    run = command("run", "process every new extract in the inbox and publish")
    run.add_argument("--peildatum", type=_date, help="process just this extract (YYYY-MM-DD)")

    command("status", "per teldatum: status, deadlines and what changed lately")

    back = command("rollback", "withdraw the latest publication of a teldatum")
    back.add_argument("--teldatum", type=_date, required=True)
    back.add_argument("--to-peildatum", type=_date, help="withdraw every publication after it")

    export = command("export", "write one partnership's published rows as spreadsheet-safe CSV")
    export.add_argument(
        "--samenwerkingsverband", required=True, help="the partnership's code, e.g. PO2001"
    )
    export.add_argument(
        "--out", type=Path, required=True, help="folder to write <CODE>_<dataset>.csv files to"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = DataFolder.resolve(args.data_dir)
    if args.command == "generate":
        return _generate(folder, args)
    if args.command == "run":
        return _run(folder, args.peildatum)
    if args.command == "status":
        return _status(folder)
    if args.command == "export":
        return _export(folder, args.samenwerkingsverband, args.out)
    return _rollback(folder, args.teldatum, args.to_peildatum)


def _generate(folder: DataFolder, args: argparse.Namespace) -> int:
    from rod_pipeline.synthetic import generate

    started = time.perf_counter()
    summary = generate(
        folder.root,
        scale=args.scale,
        seed=args.seed,
        fmt=args.format,
        regio_indeling=args.regio_indeling,
        error_rate=args.error_rate,
    )
    print("\n".join(summary.lines()))
    print(f"wrote {folder.root} in {time.perf_counter() - started:.1f} s")
    return 0


def _run(folder: DataFolder, peildatum: date | None) -> int:
    from rod_pipeline.runner import run_pending

    if not folder.reference_dir.is_dir():
        print(f"error: {folder.reference_dir} does not exist: is {folder.root} a data folder?")
        return 2
    started = time.perf_counter()
    outcome = run_pending(folder, peildatum)
    elapsed = time.perf_counter() - started
    if outcome.ok:
        print(f"done: {len(outcome.processed)} extract(s) processed in {elapsed:.1f} s")
        return 0
    for failure in outcome.failures:
        print(f"error: {failure}", file=sys.stderr)
    print("published data was left as it was before the failed extract", file=sys.stderr)
    return 1


def _status(folder: DataFolder) -> int:
    from rod_pipeline.status import render_status

    print(render_status(folder))
    return 0


def _rollback(folder: DataFolder, teldatum: date, to_peildatum: date | None) -> int:
    from rod_pipeline import publish
    from rod_pipeline.resources import warehouse_of

    with warehouse_of(folder).get_connection() as con:
        try:
            now = publish.rollback(con, folder.published_dir, teldatum, to_peildatum)
        except publish.NothingToRollBackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if now is None:
        print(f"teldatum {teldatum}: every publication withdrawn, its files removed")
    else:
        print(
            f"teldatum {teldatum}: now published from extract {now.peildatum} "
            f"(publication {now.publicatie_id}); the withdrawn extract is published again only "
            f"by `run --peildatum`"
        )
    return 0


def _export(folder: DataFolder, code: str, out: Path) -> int:
    from rod_pipeline.publish.spreadsheet import export_partnership

    try:
        written = export_partnership(folder.published_dir, code, out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

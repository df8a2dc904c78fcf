"""rod-pipeline generate | run | status | rollback."""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from rod_pipeline import filefacts
from rod_pipeline.datafolder import ENV_VAR, DataFolder
from rod_pipeline.errors import (
    ExitCode,
    OperatorError,
    UsageError,
    no_space_error,
    without_personal_data,
    write_error_log,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from exc


def _rate(text: str) -> float:
    rate = float(text)
    if not 0 <= rate <= 0.5:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 0.5")
    return rate


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default, unless it has none (its help says what happens then)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.required:
            return action.help
        return super()._get_help_string(action)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rod-pipeline",
        description="ROD enrolments and TLVs -> the funded-pupil datasets of dashboards 1a/1b.",
        epilog="Exit codes: 0 ok, 1 an extract failed, 2 usage or not a data folder, 3 the data "
        "folder is locked, 4 disk full, 5 damaged warehouse, 70 internal error, 130 interrupted.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=help_text, description=help_text, formatter_class=_HelpFormatter
        )
        sub.add_argument(
            "--data-dir",
            help=f"the installation's data folder (default: ${ENV_VAR}, else data/ in the project)",
        )
        return sub

    gen = command("generate", "write a realistic synthetic installation")
    gen.add_argument(
        "--scale",
        choices=["tiny", "small", "national"],
        default="small",
        help="how many pupils: a few thousand (tiny) up to the whole country (national)",
    )
    gen.add_argument("--seed", type=int, default=0, help="same seed, same files")
    gen.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="format of the extract files"
    )
    gen.add_argument(
        "--regio-indeling",
        type=Path,
        help="build the geography from a real PC4 table (default: a synthetic one)",
    )
    gen.add_argument(
        "--error-rate",
        type=_rate,
        default=0.005,
        help="share of extract rows given a mistake (0 to 0.5)",
    )

    run = command("run", "process every new extract in the inbox and publish")
    run.add_argument(
        "--peildatum",
        type=_date,
        help="process just this extract (YYYY-MM-DD); publishes again what was withdrawn at it",
    )
    run.add_argument(
        "--accept",
        metavar="REASON",
        help="accept an extract that a whole-extract check stopped (with --peildatum); the "
        "reason is kept in the manifest",
    )

    command("status", "per teldatum: status, deadlines and what changed lately")

    back = command("rollback", "withdraw the latest publication of a teldatum")
    back.add_argument(
        "--teldatum", type=_date, required=True, help="the teldatum (YYYY-MM-DD) to withdraw"
    )
    back.add_argument("--to-peildatum", type=_date, help="withdraw every publication after it")

    reopen = command("reopen", "let the next run publish a final teldatum again (DOMAIN S8)")
    reopen.add_argument("--teldatum", type=_date, required=True, help="the final teldatum")
    reopen.add_argument(
        "--reason", required=True, help="why (kept as HEROPEND_REDEN in stabiliteit)"
    )

    command("catalog", "rewrite published/catalog.duckdb for the folder it lies in now")
    command(
        "rebuild",
        "set a damaged warehouse aside and process every extract in the inbox again",
    )
    command("report", "write the partnerships' report (published/rapport/) again")

    export = command("export", "write one partnership's published rows as spreadsheet-safe CSV")
    export.add_argument(
        "--samenwerkingsverband", required=True, help="the partnership's code, e.g. PO2001"
    )
    export.add_argument(
        "--out", type=Path, required=True, help="folder to write <CODE>_<dataset>.csv files to"
    )
    return parser


def command() -> None:
    """The `rod-pipeline` executable: one command in a process of its own."""
    sys.exit(main(own_process=True))


def main(argv: list[str] | None = None, *, own_process: bool = False) -> int:
    """Run one command; errors reach the operator as a short message, the trace goes to a log."""
    args = _parser().parse_args(argv)
    folder = DataFolder.resolve(args.data_dir)
    try:
        return _command(folder, args, own_process)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        return _failed(folder, exc)


def _failed(folder: DataFolder, exc: Exception) -> int:
    """At most four lines on stderr: what went wrong, what to do, where the trace is."""
    from rod_pipeline.warehouse import damage_error

    known = (
        exc
        if isinstance(exc, OperatorError)
        else no_space_error(exc) or damage_error(exc, folder.warehouse_path)
    )
    if known is None:
        first = (str(exc).strip().splitlines() or [""])[0]
        lines = [f"internal error: {type(exc).__name__}: {first}"]
    else:
        lines = [f"error: {known}"] + ([f"what to do: {known.hint}"] if known.hint else [])
    lines.append(f"details: {_error_log(folder, exc)}")
    print(without_personal_data("\n".join(lines)), file=sys.stderr)
    return known.exit_code if known else ExitCode.INTERNAL


def _error_log(folder: DataFolder, exc: Exception) -> str:
    """The log goes into a data folder's state/; a folder that is none is left alone."""
    is_data_folder = folder.reference_dir.is_dir() or folder.state_dir.is_dir()
    state = folder.state_dir if is_data_folder else Path(tempfile.gettempdir()) / "rod-pipeline"
    try:
        return str(write_error_log(state, exc))
    except OSError as log_error:
        return f"no log written ({log_error.strerror})"


def _loaded(own_process: bool) -> None:
    """The modules of a run are loaded: in a process that ends with the command, what is there
    now lives until the end, so the cyclic garbage collector need not walk it again at every
    full collection and once more at exit; and it runs less often (a run makes many small
    objects that live on: 875 collections took 0.9 s of a national run, 33 take 0.3 s; the
    exit took 1.3 s and takes 0.4 s). In-process callers (tests) keep their collector as it is.
    """
    if own_process:
        gc.freeze()
        gc.set_threshold(50_000, 20, 20)


def _command(folder: DataFolder, args: argparse.Namespace, own_process: bool) -> int:
    if args.command == "generate":
        return _generate(folder, args)
    if args.command == "run":
        return _run(folder, args.peildatum, args.accept, own_process)
    if args.command == "reopen":
        return _reopen(folder, args.teldatum, args.reason)
    if args.command == "rebuild":
        return _rebuild(folder, own_process)
    if args.command == "catalog":
        return _catalog(folder)
    if args.command == "report":
        return _republish(folder, "rod-pipeline report", "report")
    if args.command == "status":
        return _status(folder)
    if args.command == "export":
        return _export(folder, args.samenwerkingsverband, args.out)
    return _rollback(folder, args.teldatum, args.to_peildatum)


def _generate(folder: DataFolder, args: argparse.Namespace) -> int:
    from rod_pipeline.synthetic import generate

    # Hidden files (the project's data/.gitkeep) do not make a folder an installation.
    taken = folder.root.is_dir() and any(
        not child.name.startswith(".") for child in folder.root.iterdir()
    )
    if folder.root.exists() and (not folder.root.is_dir() or taken):
        raise UsageError(
            f"{folder.root} is not empty: generate writes a new installation",
            hint="give an empty or new folder with --data-dir",
        )
    started = time.perf_counter()
    summary = generate(
        folder.root,
        scale=args.scale,
        seed=args.seed,
        fmt=args.format,
        regio_indeling=args.regio_indeling,
        error_rate=args.error_rate,
        progress=lambda line: print(f"{time.perf_counter() - started:6.1f} s  {line}", flush=True),
    )
    print("\n".join(summary.lines()))
    print(f"wrote {folder.root} in {time.perf_counter() - started:.1f} s")
    return 0


def _run(folder: DataFolder, peildatum: date | None, accept: str | None, own_process: bool) -> int:
    if own_process and peildatum is not None:  # hashed while Dagster and pandas load
        extract_dir = folder.extract_dir(peildatum)
        if extract_dir.is_dir():
            filefacts.prefetch(sorted(p for p in extract_dir.iterdir() if p.is_file()))
    from rod_pipeline.runner import run_pending

    _loaded(own_process)
    if not folder.reference_dir.is_dir():
        print(f"error: {folder.reference_dir} does not exist: is {folder.root} a data folder?")
        return 2
    if accept and peildatum is None:
        print("error: --accept needs --peildatum: accept one extract you have checked")
        return 2
    started = time.perf_counter()
    outcome = run_pending(folder, peildatum, accept)
    elapsed = time.perf_counter() - started
    if outcome.ok:
        print(f"done: {len(outcome.processed)} extract(s) processed in {elapsed:.1f} s")
        return 0
    for failure in outcome.failures:
        print(f"error: {failure}", file=sys.stderr)
    # Say only what is true: compare what published/ showed before and after.
    if outcome.published_after == outcome.published_before:
        print("published/ was left as it was before this run", file=sys.stderr)
    else:
        print(
            f"published/ shows the extracts processed before the failure "
            f"({', '.join(str(p) for p in outcome.processed)}), nothing of the failed one",
            file=sys.stderr,
        )
    return outcome.exit_code or 1


def _status(folder: DataFolder) -> int:
    from rod_pipeline.status import render_status
    from rod_pipeline.warehouse import DamagedWarehouseError

    where = f"give the data folder with --data-dir or ${ENV_VAR}"
    if not folder.root.is_dir():
        raise UsageError(f"{folder.root} does not exist", hint=where)
    if not folder.reference_dir.is_dir():
        raise UsageError(f"{folder.root} is not a data folder (it has no reference/)", hint=where)
    try:
        print(render_status(folder))
    except DamagedWarehouseError:
        # published/ is what readers see, whatever became of the warehouse: show it, then fail.
        print(render_status(folder, include_plan=False))
        raise
    return 0


def _rollback(folder: DataFolder, teldatum: date, to_peildatum: date | None) -> int:
    from rod_pipeline.publish.rollback import rollback

    def change(con):
        now = rollback(con, teldatum, to_peildatum)
        if now is None:
            return f"teldatum {teldatum}: every publication withdrawn, its files removed"
        return (
            f"teldatum {teldatum}: now published from extract {now.peildatum} "
            f"(publication {now.publicatie_id}); the withdrawn extract is published again only "
            "by `run --peildatum`"
        )

    return _change_and_publish(folder, "rod-pipeline rollback", change)


def _reopen(folder: DataFolder, teldatum: date, reason: str) -> int:
    from rod_pipeline.publish.rollback import reopen

    def change(con):
        final = reopen(con, teldatum, reason)
        return (
            f"teldatum {teldatum}: final since extract {final.peildatum}, reopened; the next "
            "`rod-pipeline run` publishes it again from the latest extract, with the reason"
        )

    return _change_and_publish(folder, "rod-pipeline reopen", change, publish=False)


def _rebuild(folder: DataFolder, own_process: bool) -> int:
    from rod_pipeline import folder_lock
    from rod_pipeline.runner import run_pending

    _loaded(own_process)

    if not folder.reference_dir.is_dir():
        print(f"error: {folder.reference_dir} does not exist: is {folder.root} a data folder?")
        return 2
    with folder_lock.exclusive(folder.root, "rod-pipeline rebuild"):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for path in (folder.warehouse_path, folder.warehouse_path.with_suffix(".duckdb.wal")):
            if path.exists():
                aside = path.with_name(f"{path.name}.set-aside-{stamp}")
                path.rename(aside)
                print(f"set aside {path.name} as {aside.name}")
        print(
            "rebuilding from the inbox. Not restorable from it: withdrawals (rollback), "
            "reopenings and accepted gates (accept again with run --peildatum P --accept), and "
            "publications of extracts no longer in the inbox"
        )
        outcome = run_pending(folder)
    print(f"done: {len(outcome.processed)} extract(s) processed again" if outcome.ok else "")
    return 0 if outcome.ok else 1


def _catalog(folder: DataFolder) -> int:
    """A catalog that reads the folder it lies in: in a data folder, a new snapshot; in a copy of
    published/ alone (`cp -rL`), the catalog rewritten in place."""
    from rod_pipeline import folder_lock
    from rod_pipeline.publish.catalog import catalog_points_elsewhere, rewrite_catalog

    published = folder.published_dir
    if published.is_symlink() and folder.warehouse_path.exists():
        if not catalog_points_elsewhere(published):
            print(f"{published}/catalog.duckdb reads this folder already: left as it is")
            return 0
        return _republish(folder, "rod-pipeline catalog", "catalog")
    if not published.is_dir():
        print(f"error: {published} does not exist: nothing is published in {folder.root}")
        return 2
    with folder_lock.exclusive(folder.root, "rod-pipeline catalog"):
        wrote = rewrite_catalog(published, folder.root)
    print(f"{published}/catalog.duckdb " + ("rewritten" if wrote else "reads this folder already"))
    return 0


def _republish(folder: DataFolder, command: str, what: str) -> int:
    """`catalog` and `report`: a new snapshot with the same data and a fresh catalog/report."""
    return _change_and_publish(folder, command, lambda con: f"{what} written", force=True)


def _change_and_publish(folder, command, change, publish=True, force=False) -> int:
    """Under the folder's lock: change the warehouse, then switch published/ to a snapshot of
    it (when it changed what is published)."""
    from rod_pipeline import folder_lock
    from rod_pipeline.publish import snapshot
    from rod_pipeline.publish.publication import write_report_into
    from rod_pipeline.resources import warehouse_of

    if not folder.warehouse_path.exists():
        print(f"error: nothing was processed in {folder.root} yet: run `rod-pipeline run` first")
        return 2
    with (
        folder_lock.exclusive(folder.root, command),
        warehouse_of(folder).get_connection() as con,
    ):
        message = change(con)
        if publish and (force or snapshot.is_behind(con, folder.root)):
            built = snapshot.build_snapshot(con, folder.root, command, [write_report_into])
            message += f"\npublished/ now shows snapshot {built.name}"
    print(message)
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
    command()

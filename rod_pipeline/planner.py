"""The one place that decides what to do next, from the data folder's own state.

The CLI, the inbox sensor and the schedule all ask `plan()`; a run asks `teldatum_modes()`
again once it holds the folder's lock, so two deciders can never act on a stale answer. The
memory is the warehouse history (which extracts were processed from which files, publications,
withdrawals, reopenings, final teldata) and the inbox itself; no cursor or run record decides.

An extract needs processing when it is new, when its files changed (a redelivery, by sha256),
when it is the latest and the reference data or the rulebook changed, or when an earlier
extract was processed again (its publications are the later ones' baseline, S5). Teldata
reopened by the operator are republished from the latest extract.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

import rod_pipeline
from rod_pipeline import filefacts
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import history, snapshot
from rod_pipeline.publish.stage import Mode
from rod_pipeline.rulebook.calendar import StabilityDates

EXTRACT_FILES = ("inschrijvingen", "tlv")
REFERENCE_FILES = ("samenwerkingsverbanden", "regio_indeling", "vestigingen", "teldata")
_DATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class InboxFile:
    name: str
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class Extract:
    """An extract folder that is complete and settled, with the fingerprint of its files."""

    peildatum: date
    files: tuple[InboxFile, ...]

    @property
    def key(self) -> str:
        return _combine((f.name, f.sha256) for f in self.files)

    def files_json(self) -> str:
        return json.dumps(
            {f.name: [f.size, f.mtime_ns, f.sha256] for f in self.files}, sort_keys=True
        )


@dataclass(frozen=True)
class ExtractWork:
    """One extract to process, and why."""

    peildatum: date
    reason: str
    extract: Extract
    reference_key: str
    republish_withdrawn: bool = False

    @property
    def run_key(self) -> str:
        """Identifies this exact work: same files, reference and rulebook, same key."""
        parts = [
            ("extract", self.extract.key),
            ("reference", self.reference_key),
            ("rulebook", rod_pipeline.RULEBOOK_VERSION),
        ]
        return f"{self.peildatum}:{_combine(parts)[:16]}"


@dataclass
class Plan:
    work: list[ExtractWork] = field(default_factory=list)  # oldest first
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (folder, why not yet)
    misnamed: list[str] = field(default_factory=list)  # inbox folders that are not a date
    repair: bool = False  # published/ does not show the warehouse's current publications

    @property
    def next(self) -> ExtractWork | None:
        return self.work[0] if self.work else None

    @property
    def nothing_to_do(self) -> bool:
        return not self.work and not self.repair


def _combine(parts) -> str:
    digest = hashlib.sha256()
    for name, value in sorted(parts):
        digest.update(f"{name}:{value}\n".encode())
    return digest.hexdigest()


def file_sha256(path: Path, size: int, mtime_ns: int, known: dict | None = None) -> str:
    """sha256 of a file, reused when its size and mtime are the ones recorded for it."""
    if known and known.get(path.name, [None, None])[:2] == [size, mtime_ns]:
        return str(known[path.name][2])
    return filefacts.sha256(path)


def _find(folder: Path, stem: str) -> list[Path]:
    return [p for p in (folder / f"{stem}.csv", folder / f"{stem}.parquet") if p.is_file()]


def inbox_folders(folder: DataFolder) -> tuple[list[tuple[date, Path]], list[str]]:
    """Extract folders by peildatum, and the names of folders that are not a date."""
    if not folder.inbox_dir.is_dir():
        return [], []
    extracts, misnamed = [], []
    for child in sorted(folder.inbox_dir.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            if not _DATE_NAME.match(child.name):
                raise ValueError
            extracts.append((date.fromisoformat(child.name), child))
        except ValueError:
            misnamed.append(child.name)
    return extracts, misnamed


def read_extract_folder(
    path: Path, peildatum: date, now: float, settle_seconds: float, known: dict | None
) -> Extract | str:
    """The extract's fingerprint, or why it cannot be taken yet."""
    paths = []
    for stem in EXTRACT_FILES:
        found = _find(path, stem)
        if not found:
            return f"{stem}.csv is not there yet"
        paths += found
    stats = [(p, p.stat()) for p in paths]
    moving = [p.name for p, s in stats if now - s.st_mtime < settle_seconds]
    if moving:
        return (
            f"{', '.join(moving)} changed less than {settle_seconds:.0f} s ago "
            "(still being copied?)"
        )
    files = tuple(
        InboxFile(p.name, s.st_size, s.st_mtime_ns, file_sha256(p, s.st_size, s.st_mtime_ns, known))
        for p, s in stats
    )
    return Extract(peildatum, files)


def reference_key(folder: DataFolder) -> str:
    parts = []
    for stem in REFERENCE_FILES:
        for path in _find(folder.reference_dir, stem):
            stat = path.stat()
            parts.append((path.name, file_sha256(path, stat.st_size, stat.st_mtime_ns)))
    return _combine(parts)


def _changed(extract: Extract, record: history.ExtractRecord) -> str:
    known = json.loads(record.bestanden)
    names = sorted(
        {f.name for f in extract.files if known.get(f.name, [None] * 3)[2] != f.sha256}
        | (set(known) - {f.name for f in extract.files})
    )
    return ", ".join(names) or "its files"


def _processed_after(
    records: dict[date, history.ExtractRecord], record: history.ExtractRecord
) -> date | None:
    """An earlier extract processed again after this one was (the first of a cascade is done,
    the rest is not): its publications are this one's baseline (S5)."""
    again = [
        p
        for p, other in records.items()
        if p < record.peildatum and other.voltooid_op > record.voltooid_op
    ]
    return min(again) if again else None


def plan(
    folder: DataFolder,
    con: duckdb.DuckDBPyConnection | None,
    *,
    settle_seconds: float = 0.0,
    requested: date | None = None,
    now: float | None = None,
) -> Plan:
    """What to do next. `con` is a (read-only) warehouse connection, None before the first run;
    `requested` is an extract the operator named (`run --peildatum`)."""
    now = time.time() if now is None else now
    records = history.extract_records(con) if con is not None else {}
    result = Plan()
    found, result.misnamed = inbox_folders(folder)
    ready: list[Extract] = []
    for peildatum, path in found:
        record = records.get(peildatum)
        known = json.loads(record.bestanden) if record else None
        outcome = read_extract_folder(path, peildatum, now, settle_seconds, known)
        if isinstance(outcome, str):
            result.waiting.append((path.name, outcome))
        else:
            ready.append(outcome)
    ref_key = reference_key(folder)
    processed = sorted(records)
    cascade_from: date | None = None
    for extract in ready:
        peildatum = extract.peildatum
        record = records.get(peildatum)
        later_processed = any(p > peildatum for p in processed)
        reason = None
        if record is None:
            reason = "new extract"
        elif record.extract_sleutel != extract.key:
            reason = f"delivered again with other contents ({_changed(extract, record)})"
        elif cascade_from is not None:
            reason = f"its baseline changed: extract {cascade_from} was processed again"
        elif (again := _processed_after(records, record)) is not None:
            reason = f"its baseline changed: extract {again} was processed again"
        elif extract is ready[-1] and record.rulebook_versie != rod_pipeline.RULEBOOK_VERSION:
            reason = (
                f"the rulebook changed ({record.rulebook_versie} -> "
                f"{rod_pipeline.RULEBOOK_VERSION})"
            )
        elif extract is ready[-1] and record.referentie_sleutel != ref_key:
            reason = "the reference data changed"
        if reason and later_processed and cascade_from is None:
            cascade_from = peildatum
        if reason:
            result.work.append(ExtractWork(peildatum, reason, extract, ref_key))
    if con is not None:
        _add_reopenings(con, result, ready, ref_key)
        if requested is not None:
            _add_requested(con, result, ready, ref_key, requested)
        result.repair = snapshot.is_behind(con, folder.root)
    elif requested is not None:
        result.work = [w for w in result.work if w.peildatum == requested]
    result.work.sort(key=lambda work: work.peildatum)
    return result


def _add_reopenings(
    con: duckdb.DuckDBPyConnection, result: Plan, ready: list[Extract], ref_key: str
) -> None:
    for teldatum in history.pending_reopenings(con):
        if any(w.peildatum >= teldatum for w in result.work):
            continue
        latest = [e for e in ready if e.peildatum >= teldatum]
        if latest:
            result.work.append(
                ExtractWork(
                    latest[-1].peildatum, f"teldatum {teldatum} was reopened", latest[-1], ref_key
                )
            )


def _add_requested(
    con: duckdb.DuckDBPyConnection,
    result: Plan,
    ready: list[Extract],
    ref_key: str,
    requested: date,
) -> None:
    """`run --peildatum P`: P's work if it has any; else the teldata withdrawn at P with these
    very files are published again; else nothing (the same files publish nothing new, S4)."""
    result.work = [w for w in result.work if w.peildatum == requested]
    extract = next((e for e in ready if e.peildatum == requested), None)
    if extract is None or result.work:
        result.work = [
            ExtractWork(w.peildatum, w.reason, w.extract, w.reference_key, True)
            for w in result.work
        ]
        return
    withdrawn = [
        p
        for p in history.all_publications(con)
        if p.peildatum == requested
        and p.ingetrokken_op is not None
        and p.extract_sleutel == extract.key
        and not _current_at(con, p.teldatum, requested)
    ]
    if withdrawn:
        teldata = ", ".join(sorted({p.teldatum.isoformat() for p in withdrawn}))
        result.work = [
            ExtractWork(
                requested, f"republishing withdrawn teldata {teldata}", extract, ref_key, True
            )
        ]


@dataclass(frozen=True)
class TeldatumWork:
    dates: StabilityDates
    mode: Mode


def teldatum_modes(
    con: duckdb.DuckDBPyConnection,
    calendar: list[StabilityDates],
    peildatum: date,
    extract_key: str,
    republish_withdrawn: bool,
) -> list[TeldatumWork]:
    """Per teldatum on or before the extract: publish it, or (final, S8) only compare it. A
    teldatum withdrawn at this extract with these files is left out unless asked for."""
    work = []
    publications = history.all_publications(con)
    for dates in calendar:
        teldatum = dates.teldatum
        if teldatum > peildatum:
            continue
        final = history.final_publication(con, teldatum)
        if (
            final is not None
            and final.peildatum < peildatum
            and history.pending_reopening(con, teldatum) is None
        ):
            work.append(TeldatumWork(dates, Mode.AFWIJKINGEN))
            continue
        withdrawn_here = any(
            p.peildatum == peildatum
            and p.ingetrokken_op is not None
            and p.extract_sleutel == extract_key
            for p in publications
            if p.teldatum == teldatum
        )
        current_here = any(
            p.teldatum == teldatum and p.peildatum == peildatum and p.current for p in publications
        )
        if withdrawn_here and not current_here and not republish_withdrawn:
            continue
        work.append(TeldatumWork(dates, Mode.PUBLISH))
    return work


def _current_at(con: duckdb.DuckDBPyConnection, teldatum: date, peildatum: date) -> bool:
    return any(p.peildatum == peildatum for p in history.current_publications(con, teldatum))

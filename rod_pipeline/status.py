"""`rod-pipeline status`: per teldatum, the users' two questions in plain words.

From what moment are the counts stable, and does anything still change? Every number is read
from published/ (stabiliteit, mutaties, afwijkingen_na_definitief), so it is the number the
partnerships see, and status never waits for a running pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from rod_pipeline import planner
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.publish import datasets
from rod_pipeline.rulebook.calendar import DEFINITIEF, VASTGESTELD, StabilityDates


@dataclass(frozen=True)
class Changes:
    nieuw: int = 0
    vervallen: int = 0
    relevant_gewijzigd: int = 0
    informatief: int = 0

    @property
    def relevant(self) -> int:
        return self.nieuw + self.vervallen + self.relevant_gewijzigd

    def words(self) -> str:
        return (
            f"{self.relevant} funding-relevant ({self.nieuw} new, {self.vervallen} gone, "
            f"{self.relevant_gewijzigd} changed in category or way of determination), "
            f"{self.informatief} informative"
        )


def _files(published: Path, dataset: datasets.Dataset) -> list[str]:
    depth = len(dataset.partitioning)
    return [str(p) for p in sorted((published / dataset.name).glob("*/" * depth + "*.parquet"))]


def _changes(con: duckdb.DuckDBPyConnection, files: list[str]) -> dict[date, tuple[date, Changes]]:
    """Per teldatum: the extract compared and its changes, from mutaties-shaped files."""
    if not files:
        return {}
    rows = con.execute(
        """SELECT TELDATUM, max(PEILDATUM),
                  count(*) FILTER (MUTATIE = 'NIEUW'),
                  count(*) FILTER (MUTATIE = 'VERVALLEN'),
                  count(*) FILTER (MUTATIE = 'GEWIJZIGD' AND BEKOSTIGINGSRELEVANT),
                  count(*) FILTER (NOT BEKOSTIGINGSRELEVANT)
           FROM read_parquet(?, hive_partitioning = false) GROUP BY TELDATUM""",
        [files],
    ).fetchall()
    return {t: (p, Changes(n, v, g, i)) for t, p, n, v, g, i in rows}


def _waiting_lines(folder: DataFolder) -> list[str]:
    """What the planner would do next; nothing when a writer holds the warehouse now. A damaged
    warehouse is raised (after published/ has been shown: it is still what readers see)."""
    try:
        if folder.warehouse_path.exists():
            with wh.connect(folder.warehouse_path, read_only=True) as con:
                plan = planner.plan(folder, con)
        else:
            plan = planner.plan(folder, None)
    except duckdb.IOException as error:
        damaged = wh.damage_error(error, folder.warehouse_path)
        if damaged is not None:
            raise damaged from error
        return ["(a run is writing now: what waits in the inbox is not shown)"]
    lines = [f"inbox/{name} is not an extract: its name is not a date" for name in plan.misnamed]
    lines += [f"inbox/{name} waits: {why}" for name, why in plan.waiting]
    lines += [f"extract {w.peildatum} is to be processed: {w.reason}" for w in plan.work]
    if plan.repair:
        lines.append("published/ is behind the warehouse: `rod-pipeline run` repairs it")
    return lines


def render_status(folder: DataFolder, today: date | None = None, include_plan: bool = True) -> str:
    today = today or date.today()
    published = folder.published_dir
    waiting = _waiting_lines(folder) if include_plan else []
    history_files = _files(published, datasets.STABILITEIT)
    if not history_files:
        return "\n".join(
            [f"nothing published yet in {published}: run `rod-pipeline run` first", *waiting]
        )
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT * FROM read_parquet(?, hive_partitioning = false) ORDER BY TELDATUM, PEILDATUM",
            [history_files],
        ).fetchall()
        names = [d[0] for d in con.description]
        latest_changes = _changes(con, _files(published, datasets.MUTATIES))
        afwijkingen = _changes(con, _files(published, datasets.AFWIJKINGEN_NA_DEFINITIEF))
    by_teldatum: dict[date, list[dict]] = {}
    for row in rows:
        record = dict(zip(names, row, strict=True))
        by_teldatum.setdefault(record["TELDATUM"], []).append(record)
    blocks = [
        _teldatum_block(history, latest_changes.get(t), afwijkingen.get(t), today)
        for t, history in by_teldatum.items()
    ]
    # Late mutations first: the change the users must not miss; then the newest teldatum first.
    blocks.sort(key=lambda block: (not block[0], -block[1].toordinal()))
    lines = [line for _, _, block in blocks for line in block]
    return "\n".join([*lines, *waiting])


def _final_row(history: list[dict]) -> dict | None:
    """S8: the first DEFINITIEF publication; after a reopening, the one that carries it."""
    final = None
    for row in history:
        if (row["HEROPEND_REDEN"] is not None and row["STATUS"] == DEFINITIEF) or (
            final is None and row["STATUS"] == DEFINITIEF
        ):
            final = row
    return final


def _teldatum_block(
    history: list[dict],
    changes: tuple[date, Changes] | None,
    afwijkingen: tuple[date, Changes] | None,
    today: date,
) -> tuple[bool, date, list[str]]:
    latest = history[-1]
    teldatum = latest["TELDATUM"]
    dates = StabilityDates(teldatum, latest["REGISTRATIEDEADLINE"], latest["EINDE_BEZWAARTERMIJN"])
    final = _final_row(history)
    if final is not None:
        headline = f"final since extract {final['PEILDATUM']}: its counts no longer change"
    elif dates.status(today) == DEFINITIEF:
        headline = (
            "DEFINITIEF today; the next extract makes it final (objection window ended "
            f"{dates.einde_bezwaartermijn})"
        )
    elif dates.status(today) == VASTGESTELD:
        headline = (
            f"VASTGESTELD today: can still change by objection until {dates.einde_bezwaartermijn}"
        )
    else:
        headline = (
            f"VOORLOPIG today: schools register until {dates.registratiedeadline}, objections "
            f"until {dates.einde_bezwaartermijn}"
        )
    lines = [f"teldatum {teldatum}  {headline}"]
    lines.append(
        f"  {latest['AANTAL_TEN_LASTE']:,} charged (extract {latest['PEILDATUM']}, "
        f"{latest['STATUS']}); funding unchanged since {latest['BEKOSTIGING_ONGEWIJZIGD_SINDS']}, "
        f"any change since {latest['ONGEWIJZIGD_SINDS']}"
    )
    late = [row for row in history if row["LATE_MUTATIE"]]
    if latest["LATE_MUTATIE"]:
        lines.append(
            f"  LATE MUTATION in extract {latest['PEILDATUM']}: "
            f"{latest['AANTAL_BEKOSTIGINGSRELEVANT']} funding-relevant changes after the "
            f"deadline {dates.registratiedeadline}: tell the partnerships (see mutaties)"
        )
    elif late:
        lines.append(
            "  late mutations earlier, in extract(s) "
            + ", ".join(str(row["PEILDATUM"]) for row in late)
        )
    if changes is not None and changes[0] == latest["PEILDATUM"]:
        lines.append(f"  changes in the latest publication: {changes[1].words()}")
    else:
        lines.append("  changes in the latest publication: none")
    if latest.get("HEROPEND_REDEN"):
        lines.append(f"  reopened: {latest['HEROPEND_REDEN']}")
    if afwijkingen is not None:
        peildatum, found = afwijkingen
        lines.append(
            f"  after it became final, extract {peildatum} differs: {found.words()} "
            "(afwijkingen_na_definitief; the published counts stay)"
        )
    elif final is not None:
        lines.append("  no later extract differs from the final publication")
    return (bool(latest["LATE_MUTATIE"]), teldatum, lines)

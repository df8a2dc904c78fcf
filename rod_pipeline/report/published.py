"""What the report needs from the published Parquet, read with a few DuckDB queries.

Each query reads one dataset's files of all partnerships at once; rows are grouped in Python by
(partnership, teldatum), so a page is a lookup, not a query. Files are read with hive
partitioning off (every file holds its partition columns) and by column name, so files with
int32 and int64 counts mix, and so do files of an older version that lack a column.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]
Key = tuple[str, date]  # (SAMENWERKINGSVERBAND, TELDATUM)

MUTATIE_COLUMNS = """TELDATUM, PEILDATUM, VORIGE_PEILDATUM, SAMENWERKINGSVERBAND,
    INSCHRIJVING_ID, ONDERWIJSNUMMER, MUTATIE, BEKOSTIGINGSRELEVANT, ANDER_SAMENWERKINGSVERBAND,
    GEWIJZIGDE_KOLOMMEN, VORIGE_WAARDEN"""


@dataclass(frozen=True)
class Teldatum:
    """A teldatum's current publication and how stable it is (DOMAIN S1-S8)."""

    teldatum: date
    peildatum: date
    status: str
    registratiedeadline: date
    einde_bezwaartermijn: date
    definitief_sinds: date | None
    bekostiging_ongewijzigd_sinds: date | None
    heropend_reden: str | None
    # Every current publication of the teldatum, oldest first: the chart's dates.
    peildata: tuple[date, ...]


@dataclass(frozen=True)
class Published:
    partnerships: dict[str, str | None]  # code -> name, in code order
    teldata: tuple[Teldatum, ...]  # newest first
    ten_laste: dict[Key, dict[tuple[str, date], int]]  # (category, peildatum) -> AANTAL
    # A first publication lists every row as NIEUW: only its first row is read, with the count.
    relevante_mutaties: dict[Key, list[Row]]
    aantal_relevant: dict[Key, int]
    overige_mutaties: dict[Key, int]
    ongebruikte_tlvs: dict[Key, list[Row]]
    signaleringen: dict[Key, dict[str, int]]
    afwijkingen: dict[Key, list[Row]]


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection, published_dir: Path) -> None:
        self.con = con
        self.published_dir = published_dir

    def rows(self, dataset: str, sql: str, required: bool = True) -> list[Row]:
        """Run `sql` on the dataset's files, which it names `ds`."""
        files = sorted(str(path) for path in (self.published_dir / dataset).rglob("*.parquet"))
        if not files:
            if required:
                raise FileNotFoundError(
                    f"no {dataset} in {self.published_dir}: publish a teldatum first"
                )
            return []
        try:
            return self._query(files, sql, union_by_name=False)
        except duckdb.Error:  # a file of an older version lacks a column: match them by name
            return self._query(files, sql, union_by_name=True)

    def _query(self, files: list[str], sql: str, union_by_name: bool) -> list[Row]:
        # Without union_by_name the files' columns are matched by name and cast to the first
        # file's types, without reading every footer first (it costs half the report's reads).
        self.con.read_parquet(
            files, hive_partitioning=False, union_by_name=union_by_name
        ).create_view("ds", replace=True)
        result = self.con.execute(sql)
        names = [column[0] for column in result.description or ()]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _grouped(rows: list[Row]) -> dict[Key, list[Row]]:
    grouped: dict[Key, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[_key(row)].append(row)
    return dict(grouped)


def _teldata(reader: _Reader) -> tuple[Teldatum, ...]:
    """The newest stabiliteit row of each teldatum is its current publication (withdrawn ones
    are not in the dataset); "definitief sinds" is its first DEFINITIEF row."""
    peildata: dict[date, list[date]] = defaultdict(list)
    for row in reader.rows(
        "dashboard_1a_historie", "SELECT DISTINCT TELDATUM, PEILDATUM FROM ds ORDER BY ALL"
    ):
        peildata[row["TELDATUM"]].append(row["PEILDATUM"])
    rows = reader.rows(
        "stabiliteit",
        """SELECT TELDATUM, max(PEILDATUM) AS PEILDATUM, arg_max(STATUS, PEILDATUM) AS STATUS,
                  arg_max(REGISTRATIEDEADLINE, PEILDATUM) AS REGISTRATIEDEADLINE,
                  arg_max(EINDE_BEZWAARTERMIJN, PEILDATUM) AS EINDE_BEZWAARTERMIJN,
                  min(PEILDATUM) FILTER (WHERE STATUS = 'DEFINITIEF') AS DEFINITIEF_SINDS,
                  arg_max(BEKOSTIGING_ONGEWIJZIGD_SINDS, PEILDATUM)
                      AS BEKOSTIGING_ONGEWIJZIGD_SINDS,
                  arg_max(HEROPEND_REDEN, PEILDATUM) AS HEROPEND_REDEN
           FROM ds GROUP BY TELDATUM ORDER BY TELDATUM DESC""",
    )
    return tuple(
        Teldatum(
            teldatum=row["TELDATUM"],
            peildatum=row["PEILDATUM"],
            status=row["STATUS"],
            registratiedeadline=row["REGISTRATIEDEADLINE"],
            einde_bezwaartermijn=row["EINDE_BEZWAARTERMIJN"],
            definitief_sinds=row["DEFINITIEF_SINDS"],
            bekostiging_ongewijzigd_sinds=row["BEKOSTIGING_ONGEWIJZIGD_SINDS"],
            heropend_reden=row["HEROPEND_REDEN"],
            peildata=tuple(peildata[row["TELDATUM"]]),
        )
        for row in rows
    )


def _ten_laste(reader: _Reader) -> dict[Key, dict[tuple[str, date], int]]:
    """Charged pupils per category and peildatum (S9), summed over WIJZE_VAN_BEPALING_SWV."""
    counts: dict[Key, dict[tuple[str, date], int]] = defaultdict(dict)
    for row in reader.rows(
        "dashboard_1a_historie",
        """SELECT SAMENWERKINGSVERBAND, TELDATUM, PEILDATUM, BEKOSTIGINGSCATEGORIE,
                  sum(AANTAL)::BIGINT AS AANTAL
           FROM ds WHERE TELLING = 'TEN_LASTE' GROUP BY ALL""",
    ):
        key = (row["SAMENWERKINGSVERBAND"], row["TELDATUM"])
        counts[key][row["BEKOSTIGINGSCATEGORIE"], row["PEILDATUM"]] = row["AANTAL"]
    return dict(counts)


def _dashboard_1b(reader: _Reader) -> tuple[dict[Key, list[Row]], dict[Key, dict[str, int]]]:
    """The unused TLVs (R9) and the count of each signal, from one read of dashboard 1b."""
    unused: dict[Key, list[Row]] = defaultdict(list)
    signals: dict[Key, Counter[str]] = defaultdict(Counter)
    for row in reader.rows(
        "dashboard_1b",
        """SELECT TELDATUM, SAMENWERKINGSVERBAND, ONDERWIJSNUMMER, INSCHRIJVING_ID, VESTIGING_NAAM,
                  BEKOSTIGINGSCATEGORIE, WIJZE_VAN_BEPALING_SWV, TLV_NUMMER, TLV_BEGINDATUM,
                  TLV_EINDDATUM, TLV_GEBRUIKT, TLV_NIET_GEBRUIKT_REDEN, SIGNALERINGEN
           FROM ds WHERE TLV_GEBRUIKT = 'Nee' OR SIGNALERINGEN <> ''
           ORDER BY INSCHRIJVING_ID""",
    ):
        key = (row["SAMENWERKINGSVERBAND"], row["TELDATUM"])
        if row["TLV_GEBRUIKT"] == "Nee":
            unused[key].append(row)
        signals[key].update(filter(None, (row["SIGNALERINGEN"] or "").split(",")))
    return dict(unused), {key: dict(counts) for key, counts in signals.items()}


def _mutaties(reader: _Reader) -> tuple[dict[Key, list[Row]], dict[Key, int], dict[Key, int]]:
    """The funding-relevant mutations (S6) with their number, and how many others (informative)
    there are. Of a first publication (no VORIGE_PEILDATUM: every row NIEUW, the page shows only
    the count) only the first row is read: it is most of the national dataset."""
    relevant: dict[Key, list[Row]] = defaultdict(list)
    for row in reader.rows(
        "mutaties",
        f"""SELECT {MUTATIE_COLUMNS} FROM ds WHERE BEKOSTIGINGSRELEVANT
            QUALIFY VORIGE_PEILDATUM IS NOT NULL OR row_number() OVER (
                PARTITION BY SAMENWERKINGSVERBAND, TELDATUM ORDER BY MUTATIE, INSCHRIJVING_ID) = 1
            ORDER BY MUTATIE, INSCHRIJVING_ID""",
    ):
        relevant[_key(row)].append(row)
    counts = reader.rows(
        "mutaties",
        """SELECT SAMENWERKINGSVERBAND, TELDATUM,
                  count(*) FILTER (WHERE BEKOSTIGINGSRELEVANT) AS RELEVANT,
                  count(*) FILTER (WHERE NOT BEKOSTIGINGSRELEVANT) AS OVERIG
           FROM ds GROUP BY ALL""",
    )
    return (
        dict(relevant),
        {_key(row): row["RELEVANT"] for row in counts if row["RELEVANT"]},
        {_key(row): row["OVERIG"] for row in counts if row["OVERIG"]},
    )


def _key(row: Row) -> Key:
    return row["SAMENWERKINGSVERBAND"], row["TELDATUM"]


def read_published(published_dir: Path) -> Published:
    """Everything the report shows, for all partnerships and teldata: one read per dataset
    (two of the small history)."""
    with duckdb.connect() as con:
        reader = _Reader(con, published_dir)
        names = reader.rows(
            "dashboard_1a",
            """SELECT SAMENWERKINGSVERBAND, arg_max(SAMENWERKINGSVERBAND_NAAM, TELDATUM) AS NAAM
               FROM ds GROUP BY ALL ORDER BY ALL""",
        )
        relevante_mutaties, aantal_relevant, overige_mutaties = _mutaties(reader)
        ongebruikte_tlvs, signaleringen = _dashboard_1b(reader)
        afwijkingen = reader.rows(
            "afwijkingen_na_definitief",
            f"""SELECT {MUTATIE_COLUMNS} FROM ds
                ORDER BY BEKOSTIGINGSRELEVANT DESC, MUTATIE, INSCHRIJVING_ID""",
            required=False,
        )
        return Published(
            partnerships={row["SAMENWERKINGSVERBAND"]: row["NAAM"] for row in names},
            teldata=_teldata(reader),
            ten_laste=_ten_laste(reader),
            relevante_mutaties=relevante_mutaties,
            aantal_relevant=aantal_relevant,
            overige_mutaties=overige_mutaties,
            ongebruikte_tlvs=ongebruikte_tlvs,
            signaleringen=signaleringen,
            afwijkingen=_grouped(afwijkingen),
        )

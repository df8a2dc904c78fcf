"""A published folder written with pyarrow, with the contract's datasets, columns and types.

Made for the report's tests and benchmark while the pipeline that writes the newest columns is
rebuilt: partnerships x teldata x peildata, charged pupils that grow from peildatum to
peildatum, unused TLVs (R9), signals (R5, R8, R10), mutaties of the latest publication with
funding-relevant ones (a category change, new pupils, a pupil moving between two partnerships)
and an informative one, and afwijkingen_na_definitief for the final teldata.

Every third partnership (index 2, 5, ...) is quiet: its latest publication has only the
informative change, so it is never flagged late. The newest teldatum is VOORLOPIG (its last
peildatum is before the deadline); older ones end DEFINITIEF, so their latest mutations are late.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

DATE, STR, INT, BOOL = pa.date32(), pa.string(), pa.int32(), pa.bool_()

DASHBOARD_1B = pa.schema(
    [
        ("TELDATUM", DATE),
        ("PEILDATUM", DATE),
        ("SAMENWERKINGSVERBAND", STR),
        ("SAMENWERKINGSVERBAND_NAAM", STR),
        ("WIJZE_VAN_BEPALING_SWV", STR),
        ("ONDERWIJSNUMMER", STR),
        ("INSCHRIJVING_ID", STR),
        ("VESTIGING", STR),
        ("VESTIGING_NAAM", STR),
        ("SWV_VESTIGING", STR),
        ("ONDERWIJSSOORT", STR),
        ("BEKOSTIGINGSCATEGORIE", STR),
        ("DATUM_INSCHRIJVING", DATE),
        ("DATUM_UITSCHRIJVING", DATE),
        ("TLV_NUMMER", STR),
        ("TLV_BEGINDATUM", DATE),
        ("TLV_EINDDATUM", DATE),
        ("TLV_GEBRUIKT", STR),
        ("TLV_NIET_GEBRUIKT_REDEN", STR),
        ("SIGNALERINGEN", STR),
        ("MUTATIE", STR),
    ]
)
DASHBOARD_1A = pa.schema(
    [
        ("TELDATUM", DATE),
        ("PEILDATUM", DATE),
        ("SAMENWERKINGSVERBAND", STR),
        ("SAMENWERKINGSVERBAND_NAAM", STR),
        ("TELLING", STR),
        ("BEKOSTIGINGSCATEGORIE", STR),
        ("WIJZE_VAN_BEPALING_SWV", STR),
        ("AANTAL", INT),
        ("VERSCHIL", INT),
    ]
)
MUTATIES = pa.schema(
    [
        ("TELDATUM", DATE),
        ("PEILDATUM", DATE),
        ("VORIGE_PEILDATUM", DATE),
        ("SAMENWERKINGSVERBAND", STR),
        ("INSCHRIJVING_ID", STR),
        ("ONDERWIJSNUMMER", STR),
        ("MUTATIE", STR),
        ("BEKOSTIGINGSRELEVANT", BOOL),
        ("ANDER_SAMENWERKINGSVERBAND", STR),
        ("GEWIJZIGDE_KOLOMMEN", STR),
        ("VORIGE_WAARDEN", STR),
    ]
)
STABILITEIT = pa.schema(
    [
        ("TELDATUM", DATE),
        ("PEILDATUM", DATE),
        ("STATUS", STR),
        ("REGISTRATIEDEADLINE", DATE),
        ("EINDE_BEZWAARTERMIJN", DATE),
        ("AANTAL_TEN_LASTE", INT),
        ("AANTAL_NIEUW", INT),
        ("AANTAL_GEWIJZIGD", INT),
        ("AANTAL_VERVALLEN", INT),
        ("AANTAL_BEKOSTIGINGSRELEVANT", INT),
        ("ONGEWIJZIGD_SINDS", DATE),
        ("BEKOSTIGING_ONGEWIJZIGD_SINDS", DATE),
        ("LATE_MUTATIE", BOOL),
        ("HEROPEND_REDEN", STR),
        ("INHOUD_HASH", STR),
    ]
)

PO_CATEGORIES = ("SBO", "SO_VSO_LAAG", "SO_VSO_MIDDEN", "SO_VSO_HOOG")
VO_CATEGORIES = ("SO_VSO_LAAG", "SO_VSO_MIDDEN", "SO_VSO_HOOG")
# Names and school names with characters that must be escaped in HTML.
ESCAPE_NAME = "Passend Onderwijs <Noord> & Zuid"
ESCAPE_SCHOOL = "De Kleine & <Grote> Beer"


@dataclass(frozen=True)
class PublishedFixture:
    published_dir: Path
    partnerships: tuple[str, ...]
    teldata: tuple[date, ...]  # newest first
    peildata: dict[date, tuple[date, ...]]  # oldest first
    # ONDERWIJSNUMMERs in each partnership's own 1b, mutaties and afwijkingen files.
    pupils: dict[str, set[str]] = field(default_factory=dict)
    late: set[tuple[str, date]] = field(default_factory=set)  # (code, teldatum)
    categories: dict[tuple[str, date], set[str]] = field(default_factory=dict)


def registratiedeadline(teldatum: date) -> date:
    """DOMAIN S1: T + 28 days, a weekend day moved to the next Monday."""
    deadline = teldatum + timedelta(days=28)
    return deadline + timedelta(days=(7 - deadline.weekday()) % 7 if deadline.weekday() > 4 else 0)


def status(peildatum: date, deadline: date, einde: date) -> str:
    """DOMAIN S3."""
    if peildatum < deadline:
        return "VOORLOPIG"
    return "VASTGESTELD" if peildatum < einde else "DEFINITIEF"


@cache
def has_tlv(i: int) -> bool:
    return i % 11 != 5


@cache
def unused_tlv(i: int) -> str | None:
    """R9: why pupil i's TLV was not used, None when it was (or there is none)."""
    return {3: "VERLOPEN", 4: "NOG_NIET_GELDIG"}.get(i % 7) if has_tlv(i) else None


@cache
def wijze(i: int) -> str:
    if not has_tlv(i) and i % 2 == 1:
        return "Vestiging"  # R8, flagged WOONPLAATS_ONBEKEND
    return "TLV" if has_tlv(i) and unused_tlv(i) is None else "Woonplaats leerling"


def _write(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path, compression="zstd")


class _World:
    def __init__(self, partnerships: int, teldata: int, peildata: int, pupils: int) -> None:
        if peildata < 2 or pupils < 6:
            raise ValueError("the fixture needs at least 2 peildata and 6 pupils")
        half = (partnerships + 1) // 2
        self.codes = tuple(
            f"PO{s + 1:04d}" if s < half else f"VO{s - half + 1:04d}" for s in range(partnerships)
        )
        self.pupils = pupils
        self.peildata_count = peildata
        self.step = max(1, pupils // 50)  # pupils registered between two peildata
        self.teldata = tuple(date(2025 - t, 2, 1) for t in range(teldata))

    def name(self, s: int) -> str:
        return ESCAPE_NAME if s == 0 else f"Samenwerkingsverband {self.codes[s]}"

    def quiet(self, s: int) -> bool:
        return s % 3 == 2

    def move_target(self, s: int) -> int | None:
        """Partnership s (0, 3, 6, ...) loses one pupil to s + 1 in each latest publication."""
        return s + 1 if s % 3 == 0 and s + 1 < len(self.codes) else None

    def dates(self, teldatum: date) -> tuple[date, date]:
        deadline = registratiedeadline(teldatum)
        return deadline, deadline + timedelta(weeks=6)

    @cache  # noqa: B019 (one world per fixture, kept for its lifetime)
    def peildata(self, teldatum: date) -> tuple[date, ...]:
        deadline, einde = self.dates(teldatum)
        first, last = (
            (teldatum + timedelta(days=7), deadline - timedelta(days=3))
            if teldatum == self.teldata[0]
            else (teldatum + timedelta(days=14), einde + timedelta(days=7))
        )
        step = (last - first).days // (self.peildata_count - 1)
        days = [first + timedelta(days=k * step) for k in range(self.peildata_count)]
        return (*days[:-1], last)

    def size(self, s: int, k: int) -> int:
        """Regular pupils charged to s at peildatum k; a quiet one stops growing at the end."""
        behind = self.peildata_count - 1 - k - (1 if self.quiet(s) else 0)
        return self.pupils - max(0, behind) * self.step

    def number(self, s: int, i: int) -> str:
        return f"{100_000_000 + s * 100_000 + i}"

    def category(self, s: int, i: int, latest: bool) -> str:
        categories = PO_CATEGORIES if self.codes[s].startswith("PO") else VO_CATEGORIES
        changed = latest and i == 2 and not self.quiet(s)
        return categories[(i + changed) % len(categories)]

    def charged(self, s: int, k: int) -> list[tuple[int, int]]:
        """(owner, pupil index) charged to s at peildatum k; the moved pupil has index `pupils`."""
        last = k == self.peildata_count - 1
        rows = [(s, i) for i in range(self.size(s, k))]
        if self.move_target(s) is not None and not last:
            rows.append((s, self.pupils))
        if s > 0 and self.move_target(s - 1) == s and last:
            rows.append((s - 1, self.pupils))
        return rows

    def row_1b(self, s: int, owner: int, i: int, teldatum: date, k: int) -> dict[str, Any]:
        code, year = self.codes[owner], teldatum.year
        category = self.category(owner, i, k == self.peildata_count - 1)
        tlv, unused = has_tlv(i), unused_tlv(i)
        begin, end = {
            None: (date(year - 1, 8, 1), date(year + 1, 7, 31)),
            "VERLOPEN": (date(year - 3, 8, 1), date(year - 1, 7, 31)),
            "NOG_NIET_GELDIG": (date(year, 3, 1), date(year + 2, 7, 31)),
        }[unused]
        signals = [
            flag
            for flag, applies in (
                ("CATEGORIE_AFWIJKEND", i % 17 == 1),
                ("MEERDERE_GELDIGE_TLV", i % 19 == 2),
                ("WOONPLAATS_ONBEKEND", wijze(i) == "Vestiging"),
            )
            if applies
        ]
        vestiging = f"{owner % 100:02d}AB{i % 5:02d}"
        return {
            "TELDATUM": teldatum,
            "PEILDATUM": self.peildata(teldatum)[k],
            "SAMENWERKINGSVERBAND": self.codes[s],
            "SAMENWERKINGSVERBAND_NAAM": self.name(s),
            "WIJZE_VAN_BEPALING_SWV": wijze(i),
            "ONDERWIJSNUMMER": self.number(owner, i),
            "INSCHRIJVING_ID": f"I{owner:03d}-{i:05d}",
            "VESTIGING": vestiging,
            "VESTIGING_NAAM": ESCAPE_SCHOOL if i % 5 == 3 else f"School {vestiging}",
            "SWV_VESTIGING": code,
            "ONDERWIJSSOORT": "SBO"
            if category == "SBO"
            else ("SO" if code.startswith("PO") else "VSO"),
            "BEKOSTIGINGSCATEGORIE": category,
            "DATUM_INSCHRIJVING": date(year - 1, 8, 20),
            "DATUM_UITSCHRIJVING": None,
            "TLV_NUMMER": f"{code}-{year - 1}-{i + 1:05d}" if tlv else None,
            "TLV_BEGINDATUM": begin if tlv else None,
            "TLV_EINDDATUM": end if tlv else None,
            "TLV_GEBRUIKT": ("Nee" if unused else "Ja") if tlv else None,
            "TLV_NIET_GEBRUIKT_REDEN": unused,
            "SIGNALERINGEN": ",".join(signals),
            "MUTATIE": "ONGEWIJZIGD",
        }

    def mutatie(
        self, s: int, owner: int, i: int, teldatum: date, kind: str, relevant: bool, **extra: Any
    ) -> dict[str, Any]:
        return {
            "TELDATUM": teldatum,
            "PEILDATUM": self.peildata(teldatum)[-1],
            "VORIGE_PEILDATUM": self.peildata(teldatum)[-2],
            "SAMENWERKINGSVERBAND": self.codes[s],
            "INSCHRIJVING_ID": f"I{owner:03d}-{i:05d}",
            "ONDERWIJSNUMMER": self.number(owner, i),
            "MUTATIE": kind,
            "BEKOSTIGINGSRELEVANT": relevant,
            "ANDER_SAMENWERKINGSVERBAND": None,
            "GEWIJZIGDE_KOLOMMEN": None,
            "VORIGE_WAARDEN": None,
            **extra,
        }

    def mutaties(self, s: int, teldatum: date) -> list[dict[str, Any]]:
        """The latest publication of teldatum against the one before it."""
        last = self.peildata_count - 1
        rows = [
            self.mutatie(s, s, i, teldatum, "NIEUW", True)
            for i in range(self.size(s, last - 1), self.size(s, last))
        ]
        rows.append(
            self.mutatie(
                s,
                s,
                0,
                teldatum,
                "GEWIJZIGD",
                False,
                GEWIJZIGDE_KOLOMMEN="VESTIGING_NAAM",
                VORIGE_WAARDEN="VESTIGING_NAAM=Oude naam",
            )
        )
        if not self.quiet(s):
            rows.append(
                self.mutatie(
                    s,
                    s,
                    2,
                    teldatum,
                    "GEWIJZIGD",
                    True,
                    GEWIJZIGDE_KOLOMMEN="BEKOSTIGINGSCATEGORIE",
                    VORIGE_WAARDEN=f"BEKOSTIGINGSCATEGORIE={self.category(s, 2, False)}",
                )
            )
        target = self.move_target(s)
        if target is not None:
            rows.append(
                self.mutatie(
                    s,
                    s,
                    self.pupils,
                    teldatum,
                    "VERVALLEN",
                    True,
                    ANDER_SAMENWERKINGSVERBAND=self.codes[target],
                )
            )
        if s > 0 and self.move_target(s - 1) == s:
            rows.append(
                self.mutatie(
                    s,
                    s - 1,
                    self.pupils,
                    teldatum,
                    "NIEUW",
                    True,
                    ANDER_SAMENWERKINGSVERBAND=self.codes[s - 1],
                )
            )
        return rows

    def afwijkingen(self, s: int, teldatum: date) -> list[dict[str, Any]]:
        """What the newest extract would change in a final teldatum (even partnerships only)."""
        if s % 2:
            return []
        compared = {
            "PEILDATUM": self.peildata(self.teldata[0])[-1],
            "VORIGE_PEILDATUM": self.peildata(teldatum)[-1],
        }
        return [
            {
                **self.mutatie(
                    s,
                    s,
                    3,
                    teldatum,
                    "GEWIJZIGD",
                    True,
                    GEWIJZIGDE_KOLOMMEN="BEKOSTIGINGSCATEGORIE",
                    VORIGE_WAARDEN=f"BEKOSTIGINGSCATEGORIE={self.category(s, 3, True)}",
                ),
                **compared,
            },
            {
                **self.mutatie(
                    s,
                    s,
                    1,
                    teldatum,
                    "GEWIJZIGD",
                    False,
                    GEWIJZIGDE_KOLOMMEN="DATUM_UITSCHRIJVING",
                    VORIGE_WAARDEN="DATUM_UITSCHRIJVING=",
                ),
                **compared,
            },
        ]

    def counts_1a(self, teldatum: date, k: int) -> list[dict[str, Any]]:
        """Dashboard 1a of peildatum k: TEN_LASTE from the charged rows, LEERLINGBASIS each."""
        rows = []
        for s, code in enumerate(self.codes):
            latest = k == self.peildata_count - 1
            counts = Counter(
                (self.category(owner, i, latest), wijze(i)) for owner, i in self.charged(s, k)
            )
            keys = [("TEN_LASTE", c, w, n) for (c, w), n in sorted(counts.items())]
            keys.append(("LEERLINGBASIS", "REGULIER", None, 10 * self.pupils))
            rows += [
                {
                    "TELDATUM": teldatum,
                    "PEILDATUM": self.peildata(teldatum)[k],
                    "SAMENWERKINGSVERBAND": code,
                    "SAMENWERKINGSVERBAND_NAAM": self.name(s),
                    "TELLING": telling,
                    "BEKOSTIGINGSCATEGORIE": category,
                    "WIJZE_VAN_BEPALING_SWV": wijze,
                    "AANTAL": aantal,
                    "VERSCHIL": None,
                }
                for telling, category, wijze, aantal in keys
            ]
        return rows

    def stabiliteit(self, teldatum: date) -> list[dict[str, Any]]:
        deadline, einde = self.dates(teldatum)
        rows: list[dict[str, Any]] = []
        previous = 0
        for k, peildatum in enumerate(self.peildata(teldatum)):
            total = sum(len(self.charged(s, k)) for s in range(len(self.codes)))
            nieuw = total if k == 0 else max(0, total - previous)
            rows.append(
                {
                    "TELDATUM": teldatum,
                    "PEILDATUM": peildatum,
                    "STATUS": status(peildatum, deadline, einde),
                    "REGISTRATIEDEADLINE": deadline,
                    "EINDE_BEZWAARTERMIJN": einde,
                    "AANTAL_TEN_LASTE": total,
                    "AANTAL_NIEUW": nieuw,
                    "AANTAL_GEWIJZIGD": 0,
                    "AANTAL_VERVALLEN": 0,
                    "AANTAL_BEKOSTIGINGSRELEVANT": nieuw,
                    "ONGEWIJZIGD_SINDS": peildatum,
                    "BEKOSTIGING_ONGEWIJZIGD_SINDS": peildatum,
                    "LATE_MUTATIE": peildatum >= deadline,
                    "HEROPEND_REDEN": None,
                    "INHOUD_HASH": hashlib.sha256(f"{teldatum}{peildatum}".encode()).hexdigest(),
                }
            )
            previous = total
        return rows


def write_published(
    published_dir: Path,
    *,
    partnerships: int = 3,
    teldata: int = 2,
    peildata: int = 3,
    pupils: int = 6,
    afwijkingen: bool = True,
) -> PublishedFixture:
    """Write the datasets the report reads into published_dir and say what they hold."""
    world = _World(partnerships, teldata, peildata, pupils)
    fixture = PublishedFixture(
        published_dir=published_dir,
        partnerships=world.codes,
        teldata=world.teldata,
        peildata={t: world.peildata(t) for t in world.teldata},
        pupils={code: set() for code in world.codes},
    )
    stabiliteit = []
    for teldatum in world.teldata:
        folder = f"teldatum={teldatum.isoformat()}"
        last = peildata - 1
        final = teldatum != world.teldata[0]
        historie = [row for k in range(peildata) for row in world.counts_1a(teldatum, k)]
        for row in historie:
            if row["TELLING"] == "TEN_LASTE":
                key = (row["SAMENWERKINGSVERBAND"], teldatum)
                fixture.categories.setdefault(key, set()).add(row["BEKOSTIGINGSCATEGORIE"])
        _write(
            published_dir / "dashboard_1a_historie" / folder / "part-0.parquet",
            historie,
            DASHBOARD_1A,
        )
        _write(
            published_dir / "dashboard_1a" / folder / "part-0.parquet",
            world.counts_1a(teldatum, last),
            DASHBOARD_1A,
        )
        stabiliteit += world.stabiliteit(teldatum)
        for s, code in enumerate(world.codes):
            partition = Path(folder) / f"samenwerkingsverband={code}" / "part-0.parquet"
            rows_1b = [
                world.row_1b(s, owner, i, teldatum, last) for owner, i in world.charged(s, last)
            ]
            mutaties = world.mutaties(s, teldatum)
            kinds = {row["INSCHRIJVING_ID"]: row["MUTATIE"] for row in mutaties}
            for row in rows_1b:
                row["MUTATIE"] = kinds.get(row["INSCHRIJVING_ID"], "ONGEWIJZIGD")
            _write(published_dir / "dashboard_1b" / partition, rows_1b, DASHBOARD_1B)
            _write(published_dir / "mutaties" / partition, mutaties, MUTATIES)
            own = rows_1b + mutaties
            if afwijkingen and final:
                rows = world.afwijkingen(s, teldatum)
                _write(published_dir / "afwijkingen_na_definitief" / partition, rows, MUTATIES)
                own += rows
            fixture.pupils[code].update(row["ONDERWIJSNUMMER"] for row in own)
            if final and not world.quiet(s):
                fixture.late.add((code, teldatum))
    _write(published_dir / "stabiliteit" / "part-0.parquet", stabiliteit, STABILITEIT)
    return fixture

"""Generated rulebook tables at national scale, built column-wise (no loops over rows).

`variant` changes a slice of the rows, so successive variants give every kind of mutation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rod_pipeline.publish import commit_publication, export_published, stage_publication
from rod_pipeline.rulebook.calendar import StabilityDates
from rod_pipeline_tests.publish.tables import CHARGED_SCHEMA, COUNTS_SCHEMA, NIET_TOEGEREKEND_SCHEMA

CATEGORIES = pa.array(["SBO", "SO_VSO_LAAG", "SO_VSO_MIDDEN", "SO_VSO_HOOG"])
WIJZEN = pa.array(["TLV", "Woonplaats leerling", "Vorige school", "Vestiging"])


def _codes(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(
        prefix, pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 4, "0"), ""
    )


def partnerships(count: int) -> pa.Array:
    half = count // 2
    return pa.concat_arrays(
        [_codes("PO", np.arange(1, half + 1)), _codes("VO", np.arange(1, count - half + 1))]
    )


def generated_tables(
    teldatum: date, rows: int = 200_000, swv_count: int = 150, variant: int = 0
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(charged, niet_toegerekend, counts) for one teldatum."""
    rng = np.random.default_rng(1)
    numbers = np.arange(rows)
    # a pupil moves partnership in some variants; a few enrolments drop out or come in
    swv_index = (numbers + variant * (numbers % 211 == 0)) % swv_count
    keep = (numbers % 97) != (variant % 97)
    category = (numbers + variant * (numbers % 13 == 0)) % 4
    swv = pc.take(partnerships(swv_count), pa.array(swv_index))
    n = pa.array(numbers)
    charged = pa.table(
        {
            "TELDATUM": pa.array(np.full(rows, np.datetime64(teldatum, "D"))).cast(pa.date32()),
            "SAMENWERKINGSVERBAND": swv,
            "SAMENWERKINGSVERBAND_NAAM": pc.binary_join_element_wise("SWV ", swv, ""),
            "WIJZE_VAN_BEPALING_SWV": pc.take(WIJZEN, pa.array(numbers % 4)),
            "ONDERWIJSNUMMER": pc.cast(
                pa.array(rng.integers(100_000_000, 999_999_999, rows)), pa.string()
            ),
            "INSCHRIJVING_ID": pc.binary_join_element_wise("I", pc.cast(n, pa.string()), ""),
            "VESTIGING": _codes("00AA", numbers % 7000),
            "VESTIGING_NAAM": _codes("School ", numbers % 7000),
            "SWV_VESTIGING": pc.take(partnerships(swv_count), pa.array((numbers * 7) % swv_count)),
            "ONDERWIJSSOORT": pc.if_else(pa.array(category == 0), "SBO", "SO"),
            "BEKOSTIGINGSCATEGORIE": pc.take(CATEGORIES, pa.array(category)),
            "DATUM_INSCHRIJVING": pa.array(
                np.datetime64("2020-08-01") + (numbers % 1500).astype("timedelta64[D]")
            ).cast(pa.date32()),
            "DATUM_UITSCHRIJVING": pa.nulls(rows, pa.date32()),
            "TLV_NUMMER": pc.binary_join_element_wise(swv, pc.cast(n, pa.string()), "-2024-"),
            "TLV_BEGINDATUM": pa.array(np.full(rows, np.datetime64("2024-08-01"))).cast(
                pa.date32()
            ),
            "TLV_EINDDATUM": pa.nulls(rows, pa.date32()),
            "TLV_GEBRUIKT": pa.array(np.where(numbers % 4 == 0, "Ja", "Nee")),
            "TLV_NIET_GEBRUIKT_REDEN": pa.array(np.where(numbers % 4 == 0, None, "VERLOPEN")),
            "SIGNALERINGEN": pa.nulls(rows, pa.string()),
        },
        schema=CHARGED_SCHEMA,
    ).filter(pa.array(keep))
    ten_laste = (
        charged.group_by(
            [
                "TELDATUM",
                "SAMENWERKINGSVERBAND",
                "SAMENWERKINGSVERBAND_NAAM",
                "BEKOSTIGINGSCATEGORIE",
                "WIJZE_VAN_BEPALING_SWV",
            ]
        )
        .aggregate([("INSCHRIJVING_ID", "count")])
        .rename_columns({"INSCHRIJVING_ID_count": "AANTAL"})
    )
    ten_laste = ten_laste.append_column("TELLING", pa.array(["TEN_LASTE"] * ten_laste.num_rows))
    codes = partnerships(swv_count)
    leerlingbasis = pa.table(
        {
            "TELDATUM": pa.array([teldatum] * swv_count, pa.date32()),
            "SAMENWERKINGSVERBAND": codes,
            "SAMENWERKINGSVERBAND_NAAM": pc.binary_join_element_wise("SWV ", codes, ""),
            "TELLING": pa.array(["LEERLINGBASIS"] * swv_count),
            "BEKOSTIGINGSCATEGORIE": pa.array(["REGULIER"] * swv_count),
            "WIJZE_VAN_BEPALING_SWV": pa.nulls(swv_count, pa.string()),
            "AANTAL": pa.array(np.arange(swv_count) * 100 + variant, pa.int64()),
        }
    )
    counts = pa.concat_tables(
        [
            ten_laste.select(COUNTS_SCHEMA.names).cast(COUNTS_SCHEMA),
            leerlingbasis.cast(COUNTS_SCHEMA),
        ]
    )
    niet = rows // 100
    niet_toegerekend = pa.table(
        {
            "TELDATUM": pa.array([teldatum] * niet, pa.date32()),
            "INSCHRIJVING_ID": pc.binary_join_element_wise(
                "N", pc.cast(pa.array(np.arange(niet)), pa.string()), ""
            ),
            "ONDERWIJSNUMMER": pc.cast(
                pa.array(rng.integers(100_000_000, 999_999_999, niet)), pa.string()
            ),
            "VESTIGING": _codes("00BB", np.arange(niet) % 500),
            "ONDERWIJSSOORT": pa.array(["SO"] * niet),
            "REDEN": pa.array(["CLUSTER_1_2"] * niet),
        },
        schema=NIET_TOEGEREKEND_SCHEMA,
    )
    return charged, niet_toegerekend, counts


def publish_generated(
    warehouse: str, published_dir: str, teldatum: str, peildatum: str, variant: int, rows: int
) -> None:
    """Stage, commit and export one generated publication (the kill test's subprocess)."""
    day = date.fromisoformat(teldatum)
    charged, niet_toegerekend, counts = generated_tables(day, rows, variant=variant)
    con = duckdb.connect(warehouse)
    try:
        staged = stage_publication(
            con,
            charged,
            niet_toegerekend,
            counts,
            date.fromisoformat(peildatum),
            StabilityDates.for_teldatum(day),
            f"run-{variant}",
        )
        commit_publication(con, staged)
        print("committed", flush=True)  # the kill test times its kills on these lines
        export_published(con, Path(published_dir), [day])
        print("exported", flush=True)
    finally:
        con.close()

"""WarehouseResource glue: retention of validated extracts and the guard on a pruned one."""

from datetime import date

import duckdb
import pytest

from rod_pipeline import contract
from rod_pipeline import warehouse as wh

PEILDATA = [date(2025, m, 1) for m in range(1, 6)]


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        contract.ensure_tables(con)
        for p in PEILDATA:
            con.execute(
                "INSERT INTO validated_inschrijvingen (PEILDATUM, BRON_REGEL, INSCHRIJVING_ID) "
                "VALUES (?, 2, 'x')",
                [p],
            )
            con.execute(
                "INSERT INTO validated_tlv (PEILDATUM, BRON_REGEL, TLV_NUMMER) VALUES (?, 2, 't')",
                [p],
            )
        yield con


def test_only_the_newest_extracts_are_kept(con):
    assert wh.prune_extracts(con, keep=3) == 2
    for table in ("validated_inschrijvingen", "validated_tlv"):
        kept = [r[0] for r in con.execute(f"SELECT PEILDATUM FROM {table} ORDER BY 1").fetchall()]
        assert kept == PEILDATA[2:]
    assert wh.prune_extracts(con, keep=3) == 0


def test_a_pruned_extract_is_refused_not_derived_as_empty(con):
    wh.prune_extracts(con, keep=3)
    with pytest.raises(LookupError, match="not in the warehouse"):
        wh.point_views_at_extract(con, PEILDATA[0])
    wh.point_views_at_extract(con, PEILDATA[-1])
    assert con.execute("SELECT count(*) FROM inschrijvingen").fetchall() == [(1,)]

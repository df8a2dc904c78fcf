"""WarehouseResource glue: retention of validated extracts and the guard on a pruned one."""

from datetime import date

import duckdb
import pytest

from rod_pipeline import contract, planner
from rod_pipeline import warehouse as wh
from rod_pipeline.datafolder import DataFolder
from rod_pipeline.synthetic.generate import generate

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


def test_teldata_derived_side_by_side_equal_one_after_another(tmp_path):
    """derive_teldata runs each teldatum in its own cursor and transaction; on a warehouse that
    has no rulebook tables yet it gives the same rows as deriving them one by one."""
    folder = DataFolder(tmp_path / "data")
    generate(folder.root, scale="tiny", seed=3)
    peildatum = max(p for p, _ in planner.inbox_folders(folder)[0])
    results = {}
    for how in ("one_by_one", "side_by_side"):
        with duckdb.connect(str(tmp_path / f"{how}.duckdb")) as con:
            contract.load_reference(con, folder.reference_dir, peildatum)
            contract.read_extract(con, folder.extract_dir(peildatum), peildatum)
            contract.validate_extract(con, peildatum, tmp_path / how)
            teldata = [d for d in wh.calendar(con, peildatum) if d.teldatum <= peildatum]
            assert len(teldata) >= 2
            if how == "one_by_one":
                wh.point_views_at_extract(con, peildatum)
                rows = {d.teldatum: wh.derive_teldatum(con, d, peildatum) for d in teldata}
            else:
                rows = wh.derive_teldata(con, teldata, peildatum)
            tables = {
                table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                for table in wh.RULEBOOK_TABLES.values()
            }
            results[how] = (rows, tables)
    assert results["side_by_side"] == results["one_by_one"]
    assert all(results["one_by_one"][1].values())

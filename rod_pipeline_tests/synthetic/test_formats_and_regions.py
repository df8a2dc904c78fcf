from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from rod_pipeline.synthetic import generate
from rod_pipeline_tests.synthetic.installation import (
    BROKEN_INSCHRIJVINGEN,
    BROKEN_TLV,
    connect,
    expected_broken_rows,
    scalar,
)

REAL_REGIO = Path(__file__).resolve().parents[3] / "shared" / "data" / "regio_indeling_2013.csv"


def test_parquet_holds_the_same_text_as_csv(tmp_path, tiny):
    summary = generate(tmp_path, scale="tiny", seed=7, fmt="parquet")
    assert summary.reference_rows == tiny.reference_rows
    for peildatum in summary.peildata:
        folder = tmp_path / "inbox" / peildatum.isoformat()
        assert sorted(p.name for p in folder.iterdir()) == ["inschrijvingen.parquet", "tlv.parquet"]
        for name in ("inschrijvingen", "tlv"):
            schema = pq.read_schema(folder / f"{name}.parquet")
            assert all(field.type == pa.string() for field in schema)
        con = connect(tmp_path, peildatum, fmt="parquet")
        csv = tiny.data_dir / "inbox" / peildatum.isoformat()
        for name in ("inschrijvingen", "tlv"):
            differing = scalar(
                con,
                f"""SELECT count(*) FROM (
                    (SELECT * FROM {name} EXCEPT ALL SELECT * FROM read_csv(
                        '{csv}/{name}.csv', delim=';', header=true, all_varchar=true))
                    UNION ALL
                    (SELECT * FROM read_csv('{csv}/{name}.csv', delim=';', header=true,
                        all_varchar=true) EXCEPT ALL SELECT * FROM {name}))""",
            )
            assert differing == 0


def _check_geography(summary, pc4s: int, partnerships: int) -> None:
    con = connect(summary.data_dir)
    assert scalar(con, "SELECT count(*) FROM regio") == pc4s
    assert scalar(con, "SELECT count(*) FROM swv") == partnerships
    for peildatum in summary.peildata:
        con = connect(summary.data_dir, peildatum)
        made = summary.injected_errors[peildatum]
        assert scalar(con, BROKEN_INSCHRIJVINGEN) == expected_broken_rows(made["inschrijvingen"])
        assert scalar(con, BROKEN_TLV) == expected_broken_rows(made["tlv"])


def test_geography_from_a_hand_written_regio_table(tmp_path):
    regio = tmp_path / "regio.csv"
    rows = [f"{pc4};Dorp{pc4 % 3};PO99{pc4 % 3:02d};VO88{pc4 % 2:02d}" for pc4 in range(1100, 1112)]
    regio.write_text("PC4;GEMEENTE;PO_SWV;VO_SWV\n" + "\n".join(rows) + "\n", encoding="utf-8")
    summary = generate(tmp_path / "data", scale="tiny", seed=1, regio_indeling=regio)
    _check_geography(summary, pc4s=12, partnerships=5)
    con = connect(summary.data_dir)
    assert scalar(con, "SELECT count(*) FROM swv WHERE NAAM LIKE 'SWV __ Dorp%'") == 5


@pytest.mark.shared
@pytest.mark.skipif(not REAL_REGIO.exists(), reason="needs ../shared/data")
def test_geography_from_the_real_regio_indeling(tmp_path):
    summary = generate(tmp_path, scale="tiny", seed=1, regio_indeling=REAL_REGIO)
    _check_geography(summary, pc4s=4046, partnerships=150)
    con = connect(summary.data_dir)
    assert scalar(con, "SELECT NAAM FROM swv WHERE SWV_CODE = 'PO2001'").startswith(
        "SWV PO Groningen"
    )
    assert not any(p.name.endswith("2013.csv") for p in (tmp_path / "reference").iterdir())

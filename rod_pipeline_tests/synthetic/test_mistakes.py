from rod_pipeline.synthetic import generate
from rod_pipeline.synthetic.mistakes import ENROLMENT_MISTAKES, TLV_MISTAKES
from rod_pipeline_tests.synthetic.installation import (
    BROKEN_INSCHRIJVINGEN,
    BROKEN_TLV,
    connect,
    scalar,
)


def test_mistakes_at_the_default_rate(small):
    for peildatum in small.peildata:
        for name, rows in small.extract_rows[peildatum].items():
            made = small.errors_in(peildatum, name.removesuffix(".csv"))
            assert abs(made - 0.005 * rows) <= 1


def test_every_kind_of_mistake_is_made(tiny_many_mistakes):
    summary = tiny_many_mistakes
    made = {
        (file, kind)
        for peildatum in summary.peildata
        for file, kinds in summary.injected_errors[peildatum].items()
        for kind, count in kinds.items()
        if count
    }
    assert made == {("inschrijvingen", k) for k in ENROLMENT_MISTAKES} | {
        ("tlv", k) for k in TLV_MISTAKES
    }


def test_no_mistakes_at_rate_zero(tmp_path):
    summary = generate(tmp_path, scale="tiny", seed=2, error_rate=0)
    con = connect(tmp_path)
    assert scalar(con, BROKEN_INSCHRIJVINGEN) == 0
    assert scalar(con, BROKEN_TLV) == 0
    assert all(
        summary.errors_in(p, f) == 0 for p in summary.peildata for f in ("inschrijvingen", "tlv")
    )

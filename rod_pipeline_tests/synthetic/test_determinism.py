import pytest

from rod_pipeline.synthetic import generate
from rod_pipeline_tests.synthetic.installation import files_of


def test_same_seed_writes_the_same_bytes(tmp_path, tiny):
    again = generate(tmp_path / "again", scale="tiny", seed=7)
    assert files_of(again.data_dir) == files_of(tiny.data_dir)
    assert again == type(tiny)(**{**tiny.__dict__, "data_dir": again.data_dir})


def test_another_seed_writes_other_extracts(tmp_path, tiny):
    other = files_of(generate(tmp_path / "other", scale="tiny", seed=8).data_dir)
    first = files_of(tiny.data_dir)
    assert other.keys() == first.keys()
    assert all(other[name] != first[name] for name in first if name.startswith("inbox"))


def test_refuses_to_write_over_an_installation(tiny):
    with pytest.raises(FileExistsError, match="not empty"):
        generate(tiny.data_dir, scale="tiny", seed=7)

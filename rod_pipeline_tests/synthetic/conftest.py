import pytest

from rod_pipeline.synthetic import GenerateSummary, generate


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> GenerateSummary:
    return generate(tmp_path_factory.mktemp("tiny"), scale="tiny", seed=7)


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> GenerateSummary:
    return generate(tmp_path_factory.mktemp("small"), scale="small", seed=3)


@pytest.fixture(scope="session")
def tiny_many_mistakes(tmp_path_factory) -> GenerateSummary:
    """Enough mistakes at tiny scale for every kind to occur."""
    return generate(tmp_path_factory.mktemp("mistakes"), scale="tiny", seed=5, error_rate=0.1)

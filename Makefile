# The README's commands. Everything installs into .venv from the package index.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
SCALE ?= small

.PHONY: demo test test-all lint ui bench clean-data

$(BIN)/rod-pipeline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Generate a synthetic installation in $(DATA), run the pipeline on it, show what was published.
demo: $(BIN)/rod-pipeline
	@if [ ! -d "$(DATA)/reference" ]; then $(BIN)/rod-pipeline generate --data-dir $(DATA) --scale $(SCALE) --seed 1; fi
	$(BIN)/rod-pipeline run --data-dir $(DATA)
	$(BIN)/rod-pipeline status --data-dir $(DATA)
	@echo "Published datasets: $(abspath $(DATA))/published (catalog.duckdb, DATASETS.md; the report: rapport/index.html)"

# Lint, types and the test suite without the slow and end-to-end tests (real dagster dev, the
# CLI in subprocesses, kill points, DuckDB 1.x in its own venv): the quick loop while developing.
test: lint
	$(BIN)/pytest -n 2 --dist loadgroup -q -m "not slow and not e2e"

# Everything, the slow tests included: what CI runs (.ci/run).
test-all: lint
	$(BIN)/pytest -n 2 --dist loadgroup -q

lint: $(BIN)/rod-pipeline
	$(BIN)/ruff check rod_pipeline rod_pipeline_tests benchmarks
	$(BIN)/ruff format --check rod_pipeline rod_pipeline_tests benchmarks
	$(BIN)/mypy rod_pipeline

# The Dagster UI (webserver and daemon) on the same data folder.
ui: $(BIN)/rod-pipeline
	mkdir -p $(abspath $(DATA))/state
	home=$$($(BIN)/python -m rod_pipeline.instance $(abspath $(DATA))) && \
	ROD_DATA_DIR=$(abspath $(DATA)) DAGSTER_HOME=$$home $(BIN)/dagster dev -w workspace.yaml

bench: $(BIN)/rod-pipeline
	$(BIN)/python benchmarks/national.py

clean-data:
	rm -rf $(DATA)/reference $(DATA)/inbox $(DATA)/published $(DATA)/quarantine $(DATA)/state

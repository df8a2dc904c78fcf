"""The rulebook of DOMAIN.md: pure functions, no Dagster."""

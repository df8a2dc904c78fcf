"""The rulebook of DOMAIN.md: pure functions, no Dagster."""

from rod_pipeline.rulebook.apply import apply_rulebook
from rod_pipeline.rulebook.result import (
    CHARGED_SCHEMA,
    COUNTS_SCHEMA,
    NIET_TOEGEREKEND_SCHEMA,
    RulebookResult,
)

__all__ = [
    "CHARGED_SCHEMA",
    "COUNTS_SCHEMA",
    "NIET_TOEGEREKEND_SCHEMA",
    "RulebookResult",
    "apply_rulebook",
]

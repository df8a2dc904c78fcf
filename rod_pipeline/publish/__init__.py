"""Publishing: stage (write), audit, commit to the history, export Parquet to published/."""

from rod_pipeline.publish.commit import commit_publication, validate_staged, validate_table
from rod_pipeline.publish.errors import (
    InvalidInputError,
    NothingToRollBackError,
    OlderPeildatumError,
    PublishError,
    StaleStagingError,
)
from rod_pipeline.publish.export import export_published, stale_teldata, sync_published
from rod_pipeline.publish.history import (
    Publication,
    latest_publication,
    latest_publications,
    latest_stabiliteit,
    publications_of,
    teldatum_history,
)
from rod_pipeline.publish.manifest import build_manifest
from rod_pipeline.publish.rollback import rollback
from rod_pipeline.publish.stage import StagedPublication, stage_publication

__all__ = [
    "InvalidInputError",
    "NothingToRollBackError",
    "OlderPeildatumError",
    "Publication",
    "PublishError",
    "StagedPublication",
    "StaleStagingError",
    "build_manifest",
    "commit_publication",
    "export_published",
    "latest_publication",
    "latest_publications",
    "latest_stabiliteit",
    "publications_of",
    "rollback",
    "stage_publication",
    "stale_teldata",
    "sync_published",
    "teldatum_history",
    "validate_staged",
    "validate_table",
]

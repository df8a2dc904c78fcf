"""Why publishing refused to go on; messages name files, columns and counts, never pupils."""

from rod_pipeline.errors import OperatorError


class PublishError(OperatorError):
    """Base class: nothing was published; what was published before stays as it was."""


class InvalidInputError(PublishError):
    """The rulebook's tables do not have the shape publishing needs (a pipeline bug)."""


class StaleStagingError(PublishError):
    """The staging tables hold another run's work."""


class NothingToRollBackError(PublishError):
    """There is no publication to withdraw."""


class NotFinalError(PublishError):
    """Only a final teldatum can be reopened."""

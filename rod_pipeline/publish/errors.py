"""Why publishing refused to go on; messages name files, columns and counts, never pupils."""


class PublishError(Exception):
    """Base class: nothing was published; what was published before stays as it was."""


class InvalidInputError(PublishError):
    """The rulebook's tables do not have the shape publishing needs."""


class OlderPeildatumError(PublishError):
    """A peildatum older than the teldatum's current publication cannot be published."""


class StaleStagingError(PublishError):
    """The staged publication no longer matches the warehouse; stage it again."""


class NothingToRollBackError(PublishError):
    """There is no publication to withdraw."""

"""rod-pipeline: ROD enrolments and TLVs -> the funded-pupil datasets of dashboards 1a and 1b."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rod-pipeline")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

# Bumped whenever a rule of DOMAIN.md changes meaning; recorded with every publication.
RULEBOOK_VERSION = "2025.1"

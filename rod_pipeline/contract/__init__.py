"""Reading and validating the input files (CONTRACT.md, "Input files").

load_reference -> read_extract -> validate_extract; whole-file failures raise ContractError,
broken rows go to quarantine, an extract that does not look right raises ExtractGateError
(accepted_gates lists what an operator accepted).
"""

from rod_pipeline.contract.errors import ContractError
from rod_pipeline.contract.extract import EXTRACT_FILES, read_extract
from rod_pipeline.contract.gates import GATES, ExtractGateError, accepted_gates
from rod_pipeline.contract.models import (
    Inschrijvingen,
    RegioIndeling,
    Samenwerkingsverbanden,
    Teldata,
    Tlv,
    Vestigingen,
    file_columns,
)
from rod_pipeline.contract.quarantine import quarantine_path
from rod_pipeline.contract.reference import REFERENCE_FILES, load_reference
from rod_pipeline.contract.reports import FileReport, ValidationReport
from rod_pipeline.contract.rules import RULES
from rod_pipeline.contract.tables import TABLES, ensure_tables
from rod_pipeline.contract.validation import validate_extract

__all__ = [
    "EXTRACT_FILES",
    "GATES",
    "REFERENCE_FILES",
    "RULES",
    "TABLES",
    "ContractError",
    "ExtractGateError",
    "FileReport",
    "Inschrijvingen",
    "RegioIndeling",
    "Samenwerkingsverbanden",
    "Teldata",
    "Tlv",
    "ValidationReport",
    "Vestigingen",
    "accepted_gates",
    "ensure_tables",
    "file_columns",
    "load_reference",
    "quarantine_path",
    "read_extract",
    "validate_extract",
]

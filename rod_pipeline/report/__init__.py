"""The partnerships' report: self-contained HTML pages from the published datasets."""

from rod_pipeline.report.write import ReportSummary, write_report

__all__ = ["ReportSummary", "write_report"]

"""The synthetic ROD installation generator (`rod-pipeline generate`)."""

from rod_pipeline.synthetic.generate import GenerateSummary, generate

__all__ = ["GenerateSummary", "generate"]

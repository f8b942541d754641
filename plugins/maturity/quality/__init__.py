"""Quality gates (Great Expectations) between collection and the warehouse, and between
metrics and scoring.

``validate_batch`` runs the record suites on one collection batch; a batch that fails is
quarantined: its landed pages stay where they are, its records are not loaded, and a
``quarantined_batch`` row says why (``Warehouse.write_validation``). ``validate_metric_values``
runs the metric suites and splits the values into those to keep and those to leave out.
See ``docs/quality.md``.

Importing this package is cheap: pandas and Great Expectations are imported on first use.
"""

from __future__ import annotations

from maturity.quality.metric_gate import validate_metric_sets, validate_metric_values
from maturity.quality.record_gate import validate_batch, validate_batches
from maturity.quality.report import quality_report, quarantined_batches
from maturity.quality_results import (
    BatchValidation,
    ExpectationOutcome,
    MetricValidation,
    Rejection,
)

__all__ = [
    "BatchValidation",
    "ExpectationOutcome",
    "MetricValidation",
    "Rejection",
    "quality_report",
    "quarantined_batches",
    "validate_batch",
    "validate_batches",
    "validate_metric_sets",
    "validate_metric_values",
]

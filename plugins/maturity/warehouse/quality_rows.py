"""Quality gate results (``maturity.quality``) to rows, and stored rows to typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from maturity.evidence import Window
from maturity.quality_results import (
    METRICS,
    RECORDS,
    BatchValidation,
    ExpectationOutcome,
    Rejection,
    Subject,
)
from maturity.records import PageRef

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ValidationRow:
    """One expectation's stored result for one batch (records) or one metric set (metrics)."""

    org_id: str
    window_start: datetime
    window_end: datetime
    subject: Subject
    platform: str
    """The batch's platform; ``''`` for metrics."""
    handle: str
    """The batch's account handle; ``''`` for metrics."""
    suite: str
    expectation_type: str
    kwargs_digest: str
    check: str
    column: str | None
    kwargs: Mapping[str, Any]
    success: bool
    element_count: int | None
    unexpected_count: int | None
    observed: Mapping[str, Any]
    exception: str | None
    run_id: str


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """A batch the record gate refused: not loaded, its landed pages kept, and why."""

    org_id: str
    window_start: datetime
    window_end: datetime
    platform: str
    handle: str
    reason: str
    failed: tuple[Mapping[str, Any], ...]
    """The failed expectations: suite, check, expectation type, column, counts, sample ids."""
    pages: tuple[PageRef, ...]
    record_counts: Mapping[str, int]
    run_id: str

    @property
    def window(self) -> Window:
        return Window(self.window_start, self.window_end)


@dataclass(frozen=True, slots=True)
class QuarantinedMetricRow:
    """A metric value the metric gate left out, and the checks it failed."""

    org_id: str
    window_start: datetime
    window_end: datetime
    metric_id: str
    platform: str
    account: str
    """``''`` for a platform or organisation aggregate."""
    value: float | None
    n: int
    failed: tuple[str, ...]
    run_id: str


def window_scope(org_id: str, window: Window) -> Row:
    return {"org_id": org_id, "window_start": window.start, "window_end": window.end}


def validation_row(
    scope: Mapping[str, Any],
    subject: Subject,
    platform: str,
    handle: str,
    outcome: ExpectationOutcome,
    run_id: str,
) -> Row:
    return {
        **scope,
        "subject": subject,
        "platform": platform,
        "handle": handle,
        "suite": outcome.suite,
        "expectation_type": outcome.expectation_type,
        "kwargs_digest": outcome.kwargs_digest,
        "check_name": outcome.check,
        "column_name": outcome.column,
        "kwargs": dict(outcome.kwargs),
        "success": outcome.success,
        "element_count": outcome.element_count,
        "unexpected_count": outcome.unexpected_count,
        "observed": dict(outcome.observed),
        "exception": outcome.exception,
        "run_id": run_id,
    }


def batch_validation_rows(
    scope: Mapping[str, Any], result: BatchValidation, run_id: str
) -> list[Row]:
    return [
        validation_row(scope, RECORDS, result.platform, result.handle, o, run_id)
        for o in result.outcomes
    ]


def metric_validation_rows(
    scope: Mapping[str, Any], outcomes: tuple[ExpectationOutcome, ...], run_id: str
) -> list[Row]:
    return [validation_row(scope, METRICS, "", "", o, run_id) for o in outcomes]


def _failed_summary(o: ExpectationOutcome) -> dict[str, Any]:
    return {
        "suite": o.suite,
        "check": o.check,
        "expectation_type": o.expectation_type,
        "column": o.column,
        "element_count": o.element_count,
        "unexpected_count": o.unexpected_count,
        "unexpected_ids": list(o.observed.get("unexpected_ids") or []),
        "exception": o.exception,
    }


def quarantine_row(scope: Mapping[str, Any], result: BatchValidation, run_id: str) -> Row:
    return {
        **scope,
        "platform": result.platform,
        "handle": result.handle,
        "reason": result.reason,
        "failed": [_failed_summary(o) for o in result.failed],
        "pages": [
            {"path": p.path, "sha256": p.sha256, "endpoint": p.endpoint} for p in result.pages
        ],
        "record_counts": dict(result.record_counts),
        "run_id": run_id,
    }


def quarantined_metric_row(scope: Mapping[str, Any], rejection: Rejection, run_id: str) -> Row:
    v = rejection.value
    return {
        **scope,
        "metric_id": v.metric_id,
        "platform": v.platform,
        "account": v.account or "",
        "value": v.value,
        "n": v.n,
        "failed": list(rejection.checks),
        "run_id": run_id,
    }


def validation_from_row(row: Mapping[Any, Any]) -> ValidationRow:
    return ValidationRow(
        org_id=row["org_id"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        subject=row["subject"],
        platform=row["platform"],
        handle=row["handle"],
        suite=row["suite"],
        expectation_type=row["expectation_type"],
        kwargs_digest=row["kwargs_digest"],
        check=row["check_name"],
        column=row["column_name"],
        kwargs=row["kwargs"],
        success=bool(row["success"]),
        element_count=row["element_count"],
        unexpected_count=row["unexpected_count"],
        observed=row["observed"],
        exception=row["exception"],
        run_id=row["run_id"],
    )


def quarantine_from_row(row: Mapping[Any, Any]) -> QuarantineRow:
    return QuarantineRow(
        org_id=row["org_id"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        platform=row["platform"],
        handle=row["handle"],
        reason=row["reason"],
        failed=tuple(row["failed"]),
        pages=tuple(PageRef(p["path"], p["sha256"], p["endpoint"]) for p in row["pages"]),
        record_counts=dict(row["record_counts"]),
        run_id=row["run_id"],
    )


def quarantined_metric_from_row(row: Mapping[Any, Any]) -> QuarantinedMetricRow:
    return QuarantinedMetricRow(
        org_id=row["org_id"],
        window_start=row["window_start"],
        window_end=row["window_end"],
        metric_id=row["metric_id"],
        platform=row["platform"],
        account=row["account"],
        value=row["value"],
        n=row["n"],
        failed=tuple(row["failed"]),
        run_id=row["run_id"],
    )

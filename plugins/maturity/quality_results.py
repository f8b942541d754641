"""What the quality gates found: one outcome per expectation, per batch or per metric set.

These are plain values (no Great Expectations types), so the warehouse, the CLI and Airflow
can hold and store them without importing GX.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from maturity.evidence import MetricValue, Window
from maturity.records import PageRef

Subject = Literal["records", "metrics"]
RECORDS: Subject = "records"
METRICS: Subject = "metrics"

#: How many failing expectations a reason names before it says "and N more".
_REASON_SHOWN = 6


@dataclass(frozen=True, slots=True)
class ExpectationOutcome:
    """The result of one expectation on one frame."""

    suite: str
    """The GX suite, e.g. ``records.posts``."""
    check: str
    """Our stable name for the expectation, e.g. ``posts.created_at_in_window``."""
    expectation_type: str
    """The GX expectation type, e.g. ``expect_column_values_to_be_between``."""
    column: str | None
    """The column, or the columns joined by ``,`` for multi-column expectations."""
    kwargs: Mapping[str, Any]
    """As run, JSON-able: window bounds filled in (the digest is over the configured kwargs,
    where they are ``{"$PARAMETER": name}``, so it is the same for every window)."""
    kwargs_digest: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    observed: Mapping[str, Any]
    """JSON-able: observed value, unexpected percent, ids of the first unexpected rows and, unless
    the column is private, a sample of the unexpected values."""
    exception: str | None = None
    why: str = ""
    unexpected_rows: tuple[int, ...] = field(default=(), compare=False)
    """Positions of the unexpected rows in the validated frame (not stored)."""

    @property
    def label(self) -> str:
        on = f"({self.column})" if self.column else ""
        return f"{self.suite}/{self.expectation_type}{on} [{self.check}]"

    def summary(self) -> str:
        """One line: which expectation, and what it saw."""
        if self.exception:
            return f"{self.label}: could not run: {self.exception}"
        if self.unexpected_count is not None and self.element_count is not None:
            found = f"{self.unexpected_count} of {self.element_count} rows unexpected"
        else:
            found = f"observed {self.observed.get('observed_value')!r}"
        ids = self.observed.get("unexpected_ids") or []
        example = f" (first: {', '.join(str(i) for i in ids[:3])})" if ids else ""
        return f"{self.label}: {found}{example}"


def _reason(outcomes: tuple[ExpectationOutcome, ...]) -> str:
    failed = [o for o in outcomes if not o.success]
    if not failed:
        return ""
    lines = [o.summary() for o in failed[:_REASON_SHOWN]]
    if len(failed) > _REASON_SHOWN:
        lines.append(f"and {len(failed) - _REASON_SHOWN} more")
    return f"{len(failed)} expectation(s) failed: " + "; ".join(lines)


@dataclass(frozen=True, slots=True)
class BatchValidation:
    """The record suites run on one ``CollectionBatch`` (one account and window)."""

    org_id: str
    platform: str
    handle: str
    window_start: datetime
    window_end: datetime
    outcomes: tuple[ExpectationOutcome, ...]
    pages: tuple[PageRef, ...] = ()
    """Every landed page the batch came from: what a quarantine keeps pointing at."""
    record_counts: Mapping[str, int] = field(default_factory=dict)
    suite: str = RECORDS

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    @property
    def reason(self) -> str:
        """Empty when the batch passed; otherwise which expectations failed and what they saw."""
        return _reason(self.outcomes)

    @property
    def window(self) -> Window:
        return Window(self.window_start, self.window_end)

    @property
    def account(self) -> str:
        return f"{self.platform}:{self.handle}"


@dataclass(frozen=True, slots=True)
class Rejection:
    """A metric value the metric suites left out, and the checks it failed."""

    value: MetricValue
    checks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MetricValidation:
    """The metric suites run on one organisation's values for one window."""

    org_id: str
    window: Window
    outcomes: tuple[ExpectationOutcome, ...]
    passed: tuple[MetricValue, ...]
    """The values to keep, in their input order."""
    rejections: tuple[Rejection, ...] = ()
    suite: str = METRICS

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def rejected(self) -> tuple[MetricValue, ...]:
        return tuple(r.value for r in self.rejections)

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    @property
    def reason(self) -> str:
        return _reason(self.outcomes)

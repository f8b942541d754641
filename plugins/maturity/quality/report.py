"""A readable report of what the quality gates kept, quarantined and rejected."""

from __future__ import annotations

from collections.abc import Sequence

from maturity.confidence import QUARANTINE_FACTOR
from maturity.quality_results import BatchValidation, MetricValidation

_PAGES_SHOWN = 3


def quarantined_batches(batch_results: Sequence[BatchValidation]) -> int:
    """How many batches failed: what ``OrgEvidence.quarantined_batches`` carries."""
    return sum(not r.success for r in batch_results)


def _counts(result: BatchValidation) -> str:
    return ", ".join(f"{k} {v}" for k, v in result.record_counts.items())


def _batch_lines(result: BatchValidation) -> list[str]:
    head = f"{result.account} ({result.org_id}, {result.window.key})"
    if result.success:
        return [f"  passed       {head}: {_counts(result)}"]
    lines = [f"  QUARANTINED  {head}: {_counts(result)}; not loaded"]
    lines += [f"    - {o.summary()}" for o in result.failed]
    shown = ", ".join(f"{p.path} ({p.sha256[:12]})" for p in result.pages[:_PAGES_SHOWN])
    more = (
        f" and {len(result.pages) - _PAGES_SHOWN} more" if len(result.pages) > _PAGES_SHOWN else ""
    )
    if result.pages:
        lines.append(f"    landed pages kept: {shown}{more}")
    return lines


def _metric_lines(result: MetricValidation) -> list[str]:
    total = len(result.passed) + len(result.rejections)
    lines = [
        f"Metric values ({result.org_id}, {result.window.key}): {total} checked, "
        f"{len(result.passed)} kept, {len(result.rejections)} rejected"
    ]
    for r in result.rejections:
        v = r.value
        where = f"{v.platform}/{v.account}" if v.account else v.platform
        lines.append(
            f"  REJECTED     {v.metric_id} @ {where}: value {v.value!r}, n {v.n}; "
            f"failed {', '.join(r.checks)}"
        )
    lines += [f"    - {o.summary()}" for o in result.failed]
    return lines


def _confidence_line(quarantined: int) -> str:
    if not quarantined:
        return "Confidence: no batch quarantined."
    factor = QUARANTINE_FACTOR**quarantined
    return (
        f"Confidence: {quarantined} quarantined batch(es); scoring multiplies confidence by "
        f"{QUARANTINE_FACTOR}^{quarantined} = {factor:.2f}."
    )


def quality_report(
    batch_results: Sequence[BatchValidation] = (),
    metric_result: MetricValidation | None = None,
) -> str:
    """Plain text: every batch (passed or quarantined, with its failed expectations and the
    landed pages it stays in), every rejected metric value, and the confidence factor."""
    quarantined = quarantined_batches(batch_results)
    lines = [
        f"Record batches: {len(batch_results)} validated, "
        f"{len(batch_results) - quarantined} passed, {quarantined} quarantined"
    ]
    for result in batch_results:
        lines += _batch_lines(result)
    if metric_result is not None:
        lines += _metric_lines(metric_result)
    lines.append(_confidence_line(quarantined))
    return "\n".join(lines)

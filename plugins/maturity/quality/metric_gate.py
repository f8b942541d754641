"""The metric gate: run the metric suites on one organisation's values for one window.

A value that fails a check of ``metrics.values`` is rejected. A scope that fails a check of
``metrics.consistency`` has the values that check names (``Check.rejects``) rejected at that
scope: when two numbers disagree, neither can be trusted. A check that could not run at all
rejects every value it covers. Rejected values are left out (``MetricValidation.passed`` keeps
the rest, in input order) and recorded with the checks they failed.
"""

from __future__ import annotations

from collections.abc import Sequence

from maturity.errors import InputError
from maturity.evidence import MetricValue, Window
from maturity.quality import metric_frames as mf
from maturity.quality import metric_suites as ms
from maturity.quality_results import ExpectationOutcome, MetricValidation, Rejection


def _value_rejections(
    outcomes: Sequence[ExpectationOutcome], n_values: int
) -> dict[int, list[str]]:
    failed: dict[int, list[str]] = {}
    for o in outcomes:
        if o.success:
            continue
        rows = range(n_values) if o.exception else o.unexpected_rows
        for row in rows:
            failed.setdefault(row, []).append(o.check)
    return failed


def _scope_rejections(
    outcomes: Sequence[ExpectationOutcome],
    scopes: Sequence[mf.Scope],
    values: Sequence[MetricValue],
) -> dict[int, list[str]]:
    rows_of: dict[mf.Key, list[int]] = {}
    for row, v in enumerate(values):
        rows_of.setdefault(mf.key_of(v), []).append(row)
    failed: dict[int, list[str]] = {}
    for o in outcomes:
        if o.success:
            continue
        rejects = ms.CONSISTENCY.check(o.check).rejects
        at = scopes if o.exception else [scopes[i] for i in o.unexpected_rows]
        for platform, account in at:
            for metric in rejects:
                for row in rows_of.get((metric, platform, account), ()):
                    failed.setdefault(row, []).append(o.check)
    return failed


def validate_metric_values(
    org_id: str, window: Window, values: Sequence[MetricValue]
) -> MetricValidation:
    """Run the metric suites on ``values`` (one organisation, one window).

    ``passed`` holds the values to keep and score; ``rejections`` the others with the checks
    they failed. ``success`` is False when any expectation failed.
    """
    [result] = validate_metric_sets([(org_id, window, values)])
    return result


def validate_metric_sets(
    sets: Sequence[tuple[str, Window, Sequence[MetricValue]]],
) -> list[MetricValidation]:
    """:func:`validate_metric_values` for each ``(org_id, window, values)``, in order, with the
    same results, in one GX validation per suite when every set passes."""
    from maturity.quality.gx_runtime import validate_frames

    for org_id, _, _ in sets:
        if not org_id:
            raise InputError("organisation id is empty", where="validate_metric_values")
    all_values = [tuple(values) for _, _, values in sets]
    scoped = [mf.scope_frame(values) for values in all_values]
    by_value = validate_frames(ms.VALUES, [mf.values_frame(values) for values in all_values])
    by_scope = validate_frames(ms.CONSISTENCY, [frame for frame, _ in scoped])
    results = []
    for (org_id, window, _), values, (_, scopes), value_outcomes, scope_outcomes in zip(
        sets, all_values, scoped, by_value, by_scope, strict=True
    ):
        failed = _value_rejections(value_outcomes, len(values))
        for row, checks in _scope_rejections(scope_outcomes, scopes, values).items():
            failed.setdefault(row, []).extend(checks)
        results.append(
            MetricValidation(
                org_id=org_id,
                window=window,
                outcomes=(*value_outcomes, *scope_outcomes),
                passed=tuple(v for row, v in enumerate(values) if row not in failed),
                rejections=tuple(
                    Rejection(values[row], tuple(dict.fromkeys(failed[row])))
                    for row in sorted(failed)
                ),
            )
        )
    return results

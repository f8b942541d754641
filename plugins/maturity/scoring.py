"""Scoring: rubric x evidence -> assessment. Pure functions: no I/O, no clock.

How a criterion is decided (docs/rubric.md has the worked version):

* An observed criterion reads the organisation-level values of its metric (``account`` is None).
  A single threshold prefers the value over all platforms; a per-platform threshold reads the
  value of each platform. Each value is one *check*.
* A check with no value or ``n == 0`` is *unknown*; with ``n`` below the criterion's minimum
  sample it is *uncertain*. Otherwise a sampled proportion is decided with its 95% Wilson
  interval, other values with the interval they carry, or their point value: *met* when the whole
  interval satisfies the threshold, *not met* when none of it does, *uncertain* in between.
* ``aggregate: any`` is met when one platform meets it; ``all`` when every measured one does.
* A declared criterion compares the latest declaration of its fact; none is *unknown*.

A phase is attained when every gate of it and of every earlier phase is met. Missing platforms
lower confidence, never the phase. With no decisive or uncertain evidence at all, the verdict is
"insufficient evidence" rather than phase 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from maturity import reasons
from maturity.assessment import Assessment, CriterionResult, NextStep, PlatformCheck, Status
from maturity.confidence import FULL_STRENGTH_SAMPLES, QUARANTINE_FACTOR
from maturity.evidence import DeclaredFact, MetricValue, OrgEvidence
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.phases import Phase
from maturity.platforms import ALL
from maturity.rubric.model import DEFAULT_PLATFORM, Comparator, Criterion, Rubric
from maturity.wilson import wilson_interval

_DECISIVE = (Status.MET, Status.NOT_MET)


def decide(comparator: Comparator, threshold: float, low: float, high: float) -> Status:
    """Decide a threshold for a value known to lie in ``[low, high]``."""
    if comparator in (">=", ">"):
        ok_low = low >= threshold if comparator == ">=" else low > threshold
        bad_high = high < threshold if comparator == ">=" else high <= threshold
        return Status.MET if ok_low else Status.NOT_MET if bad_high else Status.UNCERTAIN
    if comparator in ("<=", "<"):
        ok_high = high <= threshold if comparator == "<=" else high < threshold
        bad_low = low > threshold if comparator == "<=" else low >= threshold
        return Status.MET if ok_high else Status.NOT_MET if bad_low else Status.UNCERTAIN
    if low == high == threshold:
        return Status.MET
    return Status.NOT_MET if threshold < low or threshold > high else Status.UNCERTAIN


def _interval(criterion: Criterion, v: MetricValue, value: float) -> tuple[float, float]:
    definition = METRICS_BY_ID[criterion.metric or ""]
    if definition.kind == "proportion" and not definition.census:
        return wilson_interval(value, v.n)
    if v.ci_low is not None and v.ci_high is not None:
        return min(v.ci_low, value), max(v.ci_high, value)
    return value, value


def check_value(criterion: Criterion, v: MetricValue, threshold: float) -> PlatformCheck:
    """Decide one metric value against one threshold."""
    if v.value is None or v.n <= 0:
        check = PlatformCheck(v.platform, Status.UNKNOWN, v.value, v.n, threshold, None, None, "")
    else:
        value = float(v.value)
        low, high = _interval(criterion, v, value)
        status = (
            Status.UNCERTAIN
            if v.n < criterion.min_sample
            else decide(criterion.comparator, threshold, low, high)
        )
        check = PlatformCheck(v.platform, status, value, v.n, threshold, low, high, "")
    reason = reasons.check_reason(check, criterion.comparator, criterion.min_sample)
    return replace(check, reason=reason)


def _select_values(
    criterion: Criterion, values: Sequence[MetricValue]
) -> list[tuple[MetricValue, float]]:
    overall = [v for v in values if v.platform == ALL]
    per_platform = [v for v in values if v.platform != ALL]
    platform_specific = isinstance(criterion.threshold, dict) and set(criterion.thresholds()) != {
        DEFAULT_PLATFORM
    }
    chosen = (per_platform or overall) if platform_specific else (overall or per_platform)
    out: list[tuple[MetricValue, float]] = []
    for v in chosen:
        t = criterion.threshold_for(DEFAULT_PLATFORM if v.platform == ALL else v.platform)
        if t is not None:
            out.append((v, t))
    return out


def combine(statuses: Sequence[Status], aggregate: str) -> Status:
    """Combine the checks of one criterion: ``any`` platform, or ``all`` measured ones."""
    known = [s for s in statuses if s != Status.UNKNOWN]
    if not known:
        return Status.UNKNOWN
    if aggregate == "any":
        if Status.MET in known:
            return Status.MET
        return Status.UNCERTAIN if Status.UNCERTAIN in known else Status.NOT_MET
    if Status.NOT_MET in known:
        return Status.NOT_MET
    return Status.UNCERTAIN if Status.UNCERTAIN in known else Status.MET


def _result(c: Criterion, status: Status, reason: str, **kw: object) -> CriterionResult:
    return CriterionResult(
        criterion_id=c.id,
        phase=c.phase,
        kind=c.kind,
        role=c.role,
        weight=c.weight,
        status=status,
        reason=reason,
        **kw,  # type: ignore[arg-type]
    )


def score_observed(c: Criterion, values: Sequence[MetricValue]) -> CriterionResult:
    pairs = _select_values(c, values)
    if not pairs:
        reason = reasons.no_value_reason(c.metric or "", c.thresholds(), c.comparator)
        return _result(c, Status.UNKNOWN, reason)
    checks = tuple(check_value(c, v, t) for v, t in pairs)
    status = combine([ch.status for ch in checks], c.aggregate)
    deciding = [ch for ch in checks if ch.status == status] or list(checks)
    return _result(
        c,
        status,
        reasons.join([ch.reason for ch in deciding]),
        checks=checks,
        metric_values=tuple(v for v, _ in pairs),
    )


def fact_value(fact: DeclaredFact) -> float:
    return (1.0 if fact.value else 0.0) if isinstance(fact.value, bool) else float(fact.value)


def score_declared(c: Criterion, facts: Sequence[DeclaredFact]) -> CriterionResult:
    threshold = c.threshold_for(DEFAULT_PLATFORM)
    if threshold is None:
        threshold = min(c.thresholds().values())
    if not facts:
        return _result(c, Status.UNKNOWN, reasons.not_declared_reason(c.fact or ""))
    latest = max(facts, key=lambda f: (f.declared_at, f.declared_by))
    value = fact_value(latest)
    status = decide(c.comparator, threshold, value, value)
    reason = reasons.fact_reason(latest, c.comparator, threshold)
    return _result(c, status, reason, facts=(latest,))


def score_criteria(rubric: Rubric, evidence: OrgEvidence) -> tuple[CriterionResult, ...]:
    values: dict[str, list[MetricValue]] = defaultdict(list)
    for v in evidence.metrics:
        if v.account is None:
            values[v.metric_id].append(v)
    facts: dict[str, list[DeclaredFact]] = defaultdict(list)
    for f in evidence.facts:
        facts[f.fact_id].append(f)
    return tuple(
        score_observed(c, values.get(c.metric or "", []))
        if c.kind == "observed"
        else score_declared(c, facts.get(c.fact or "", []))
        for c in rubric.criteria
    )


def phases_attained(results: Iterable[CriterionResult]) -> tuple[Phase, ...]:
    gates_ok: dict[Phase, bool] = {p: True for p in Phase}
    for r in results:
        if r.role == "gate" and r.status != Status.MET:
            gates_ok[r.phase] = False
    attained: list[Phase] = []
    for p in Phase:
        if not gates_ok[p]:
            break
        attained.append(p)
    return tuple(attained)


def _weighted_share(results: Sequence[CriterionResult], hit: tuple[Status, ...]) -> float:
    total = sum(r.weight for r in results)
    return sum(r.weight for r in results if r.status in hit) / total if total else 0.0


def _strength(r: CriterionResult, rubric: Rubric) -> float:
    """How much a decided criterion's evidence counts towards confidence (0..1)."""
    if r.status not in _DECISIVE:
        return 0.0
    if r.kind == "declared":
        return 1.0
    deciding = [ch.n for ch in r.checks if ch.status == r.status] or [0]
    need = FULL_STRENGTH_SAMPLES * max(rubric.criterion(r.criterion_id).min_sample, 1)
    return min(1.0, max(deciding) / need)


def _platforms(evidence: OrgEvidence) -> tuple[tuple[str, ...], tuple[str, ...]]:
    covered = sorted(
        {
            v.platform
            for v in evidence.metrics
            if v.platform != ALL and v.n > 0 and v.value is not None
        }
    )
    missing = sorted(set(evidence.platforms_expected) - set(covered))
    return tuple(covered), tuple(missing)


def next_steps(
    results: Sequence[CriterionResult], next_phase: Phase | None
) -> tuple[NextStep, ...]:
    """The unmet criteria of the next phase, heaviest first, each with what is missing."""
    if next_phase is None:
        return ()
    todo = [r for r in results if r.phase == next_phase and r.status != Status.MET]
    todo.sort(key=lambda r: (-r.weight, r.role != "gate", r.criterion_id))
    return tuple(
        NextStep(
            rank=i,
            criterion_id=r.criterion_id,
            phase=r.phase,
            weight=r.weight,
            status=r.status,
            gap=r.reason,
        )
        for i, r in enumerate(todo, start=1)
    )


def score(rubric: Rubric, evidence: OrgEvidence) -> Assessment:
    """Score one organisation's evidence for one window under ``rubric``."""
    results = score_criteria(rubric, evidence)
    attained = phases_attained(results)
    insufficient = all(r.status == Status.UNKNOWN for r in results)
    phase = attained[-1] if attained and not insufficient else None
    reached = len(attained) if not insufficient else 0
    next_phase = Phase(reached + 1) if reached < len(Phase) else None

    horizon = [r for r in results if r.phase <= (next_phase or Phase.CONVERGED)]
    coverage = _weighted_share(horizon, _DECISIVE)
    total = sum(r.weight for r in horizon)
    strength = sum(r.weight * _strength(r, rubric) for r in horizon) / total if total else 0.0
    covered, missing = _platforms(evidence)
    expected = set(evidence.platforms_expected)
    platform_factor = 0.5 + 0.5 * len(expected & set(covered)) / len(expected) if expected else 1.0
    confidence = strength * platform_factor * QUARANTINE_FACTOR**evidence.quarantined_batches

    index = float(reached)
    if next_phase is not None and not insufficient:
        index += _weighted_share([r for r in results if r.phase == next_phase], (Status.MET,))

    return Assessment(
        org_id=evidence.org_id,
        window=evidence.window,
        rubric_id=rubric.rubric,
        rubric_version=rubric.version,
        verdict="insufficient_evidence" if insufficient else "assessed",
        phase=phase,
        phases_attained=attained if not insufficient else (),
        maturity_index=round(index, 2),
        confidence=0.0 if insufficient else round(confidence, 3),
        coverage=round(coverage, 3),
        platforms_covered=covered,
        platforms_missing=missing,
        criteria=results,
        next_steps=next_steps(results, next_phase),
    )

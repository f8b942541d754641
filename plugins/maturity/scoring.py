"""Scoring: rubric x evidence -> assessment. Pure functions: no I/O, no clock.

How a criterion is decided (docs/rubric.md has the worked version):

* An observed criterion reads the organisation-level values of its metric (``account`` is None).
  A single threshold prefers the value over all platforms; a per-platform threshold reads the
  value of each platform. Each value is one *check*.
* A check with no value or ``n == 0`` is *unknown*; with ``n`` below the criterion's minimum
  sample it is *uncertain*: the criterion cannot be decided yet (too little evidence).
* From the minimum sample on, the rubric's ``decision_rule`` decides. ``point_estimate`` (from
  2026.12.0) compares the observed value with the threshold, so a threshold keeps the meaning of
  the benchmark it cites; the interval is shown, not used to move the bar. ``wilson_lower_bound``
  (2026.11.0) wanted the whole 95% interval to satisfy the threshold.
* ``aggregate: any`` is met when one platform meets it; ``all`` when every measured one does;
  ``pooled`` reads the value over all platforms and compares it with the platforms' thresholds
  weighted by each platform's sample (flag ``pooled_threshold:``, which names them).
* A declared criterion compares the latest declaration of its fact made by the window's end;
  none is *unknown*. A declaration that meets it but that observed evidence contradicts (the
  criterion's ``contradicted_when``) is *contradicted*, which blocks a gate.

A phase is attained when every gate of it and of every earlier phase is met. Missing platforms
lower confidence, never the phase. With no decisive or uncertain evidence at all, or no
registered account the platforms would let us read, the verdict is "insufficient evidence"
rather than phase 1 or "no phase attained".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from maturity import reasons
from maturity.assessment import (
    Assessment,
    CriterionResult,
    NextStep,
    Note,
    PlatformCheck,
    Status,
)
from maturity.confidence import (
    DECLARED_STRENGTH,
    FULL_STRENGTH_SAMPLES,
    QUARANTINE_FACTOR,
    STALE_FACTOR,
)
from maturity.evidence import DeclaredFact, MetricValue, OrgEvidence, PriorAssessment
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.phases import Phase
from maturity.platforms import ALL
from maturity.rubric.model import (
    DEFAULT_PLATFORM,
    Comparator,
    Contradiction,
    Criterion,
    DecisionRule,
    Rubric,
)
from maturity.wilson import wilson_interval

_DECISIVE = (Status.MET, Status.NOT_MET, Status.CONTRADICTED)

#: Metric ids scoring reads besides the rubric's criteria (computed by maturity.metrics).
HISTORY_CAPPED = "activity.history_capped"
OBSERVED_SPAN = "activity.observed_span_days"
POSTS_PER_WEEK = "activity.posts_per_week"
AUTOMATED_REPLY_SHARE = "responsiveness.automated_reply_share"
#: From this share of automated replies on, the assessment flags that responsiveness may be
#: inflated by auto-replies.
AUTOMATED_REPLY_FLAG = 0.25
#: The sample sizes docs/rubric.md prints the effective bar at.
BAR_SAMPLES: tuple[int, ...] = (10, 20, 50, 200, 1000)


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


def holds(comparator: Comparator, value: float, threshold: float) -> bool:
    """``value comparator threshold``."""
    return decide(comparator, threshold, value, value) == Status.MET


def _interval(criterion: Criterion, v: MetricValue, value: float) -> tuple[float, float]:
    definition = METRICS_BY_ID[criterion.metric or ""]
    if definition.kind == "proportion" and not definition.census:
        return wilson_interval(value, v.n)
    if v.ci_low is not None and v.ci_high is not None:
        return min(v.ci_low, value), max(v.ci_high, value)
    return value, value


def check_value(
    criterion: Criterion,
    v: MetricValue,
    threshold: float,
    rule: DecisionRule = "wilson_lower_bound",
) -> PlatformCheck:
    """Decide one metric value against one threshold under the rubric's decision ``rule``."""
    if v.value is None or v.n <= 0:
        check = PlatformCheck(v.platform, Status.UNKNOWN, v.value, v.n, threshold, None, None, "")
    else:
        value = float(v.value)
        low, high = _interval(criterion, v, value)
        if v.n < criterion.min_sample:
            status = Status.UNCERTAIN
        elif rule == "point_estimate":
            status = decide(criterion.comparator, threshold, value, value)
        else:
            status = decide(criterion.comparator, threshold, low, high)
        check = PlatformCheck(v.platform, status, value, v.n, threshold, low, high, "")
    reason = reasons.check_reason(check, criterion.comparator, criterion.min_sample)
    return replace(check, reason=reason)


def _main_threshold(c: Criterion) -> float:
    t = c.threshold_for(DEFAULT_PLATFORM)
    return min(c.thresholds().values()) if t is None else t


def effective_bar(criterion: Criterion, n: int, rule: DecisionRule) -> float | None:
    """The lowest observed share out of ``n`` that meets a ``>=`` proportion criterion under
    ``rule``; None when ``n`` cannot decide it (below the minimum sample, or nothing does)."""
    threshold = _main_threshold(criterion)
    if n < max(criterion.min_sample, 1):
        return None
    for k in range(n + 1):
        v = MetricValue(criterion.metric or "", k / n, n)
        if check_value(criterion, v, threshold, rule).status == Status.MET:
            return k / n
    return None


def pooled_threshold(
    criterion: Criterion, values: Sequence[MetricValue]
) -> tuple[float, tuple[tuple[str, float, int], ...]]:
    """The bar for a value over all platforms under ``aggregate: pooled``: each measured
    platform's threshold, weighted by the sample ``n`` its own value of the metric has (so a
    value measured only on Mastodon meets Mastodon's threshold), and those parts
    ``(platform, threshold, n)``. Without per-platform samples: the ``default`` threshold."""
    parts = tuple(
        (v.platform, t, v.n)
        for v in sorted(values, key=lambda v: v.platform)
        if v.platform != ALL
        and v.value is not None
        and v.n > 0
        and (t := criterion.threshold_for(v.platform)) is not None
    )
    total = sum(n for _, _, n in parts)
    if not total:
        return _main_threshold(criterion), ()
    return sum(t * n for _, t, n in parts) / total, parts


def pooled_flag(parts: Sequence[tuple[str, float, int]]) -> str:
    """The flag that says which platforms' thresholds made a pooled bar (``reasons`` words it)."""
    return "pooled_threshold:" + ",".join(f"{p}={t:g}@{n}" for p, t, n in parts)


def _select_values(
    criterion: Criterion, values: Sequence[MetricValue]
) -> list[tuple[MetricValue, float]]:
    overall = [v for v in values if v.platform == ALL]
    per_platform = [v for v in values if v.platform != ALL]
    if criterion.aggregate == "pooled" and overall:
        return [(overall[0], pooled_threshold(criterion, per_platform)[0])]
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


@dataclass(frozen=True, slots=True)
class _Context:
    """What deciding one criterion needs besides its own evidence."""

    rule: DecisionRule = "wilson_lower_bound"
    window_end: date | None = None
    stale_after_months: int | None = None
    capped_span: float | None = None
    """Days the capped history covers, when the platform capped it; None when not capped."""
    overall: Mapping[str, Sequence[MetricValue]] | None = None


def score_observed(
    c: Criterion, values: Sequence[MetricValue], ctx: _Context | None = None
) -> CriterionResult:
    ctx = ctx or _Context()
    pairs = _select_values(c, values)
    if not pairs:
        reason = reasons.no_value_reason(c.metric or "", c.thresholds(), c.comparator)
        return _result(c, Status.UNKNOWN, reason)
    checks = tuple(check_value(c, v, t, ctx.rule) for v, t in pairs)
    # pooled: one value over all platforms (or, without one, each platform against its own
    # threshold, any of them enough)
    aggregate = "any" if c.aggregate == "pooled" else c.aggregate
    status = combine([ch.status for ch in checks], aggregate)
    flags: list[str] = []
    if c.aggregate == "pooled" and pairs[0][0].platform == ALL:
        parts = pooled_threshold(c, values)[1]
        if parts:
            flags.append(pooled_flag(parts))
    capped = c.needs_full_history and ctx.capped_span is not None
    if capped and status == Status.UNCERTAIN and any(ch.n < c.min_sample for ch in checks):
        # A capped history is a census of the span it covers, and reaching the cap is itself
        # evidence of activity: its few weeks are not a small sample of the window but all the
        # platform serves. Decide them as they are (min_sample waived to 1), flagged.
        census = c.model_copy(update={"min_sample": 1})
        checks = tuple(check_value(census, v, t, ctx.rule) for v, t in pairs)
        status = combine([ch.status for ch in checks], aggregate)
        flags.append(f"history_capped:{ctx.capped_span:g}")
    if status == Status.UNCERTAIN and any(ch.n < c.min_sample for ch in checks):
        flags.append("too_little_evidence")
    if status == Status.NOT_MET and capped:
        # Capped history is not silence: weeks before the cap were never seen.
        status = Status.UNCERTAIN
        if f"history_capped:{ctx.capped_span:g}" not in flags:
            flags.append(f"history_capped:{ctx.capped_span:g}")
    deciding = [ch for ch in checks if ch.status == status] or list(checks)
    reason = reasons.join([ch.reason for ch in deciding])
    reason = reasons.with_flags(reason, tuple(flags), "en")
    return _result(
        c,
        status,
        reason,
        checks=checks,
        metric_values=tuple(v for v, _ in pairs),
        flags=tuple(flags),
    )


def fact_value(fact: DeclaredFact) -> float:
    return (1.0 if fact.value else 0.0) if isinstance(fact.value, bool) else float(fact.value)


def _months_before(day: date, months: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, 28))


def is_stale(fact: DeclaredFact, window_end: date | None, months: int | None) -> bool:
    """Older than ``months`` at the window's end."""
    if window_end is None or months is None:
        return False
    return fact.declared_at < _months_before(window_end, months)


def _contradiction(
    rule: Contradiction, overall: Mapping[str, Sequence[MetricValue]]
) -> MetricValue | None:
    """The organisation-level value of ``rule.metric`` that contradicts, if any."""
    values = overall.get(rule.metric, ())
    chosen = [v for v in values if v.platform == ALL] or list(values)
    for v in chosen:
        seen = v.value is not None and v.n >= rule.min_sample
        if seen and holds(rule.comparator, float(v.value or 0.0), rule.threshold):
            return v
    return None


def score_declared(
    c: Criterion, facts: Sequence[DeclaredFact], ctx: _Context | None = None
) -> CriterionResult:
    ctx = ctx or _Context()
    threshold = c.threshold_for(DEFAULT_PLATFORM)
    if threshold is None:
        threshold = min(c.thresholds().values())
    usable = [f for f in facts if ctx.window_end is None or f.declared_at <= ctx.window_end]
    if not usable:
        if facts:  # declared only after the window: not evidence about it
            later = min(f.declared_at for f in facts)
            reason = reasons.declared_later_reason(c.fact or "", later, "en")
            return _result(
                c, Status.UNKNOWN, reason, flags=(f"declared_after_window:{later.isoformat()}",)
            )
        return _result(c, Status.UNKNOWN, reasons.not_declared_reason(c.fact or ""))
    latest = max(usable, key=lambda f: (f.declared_at, f.declared_by))
    status = decide(c.comparator, threshold, fact_value(latest), fact_value(latest))
    flags: list[str] = []
    if is_stale(latest, ctx.window_end, ctx.stale_after_months):
        flags.append(f"stale:{ctx.stale_after_months}")
    against: list[MetricValue] = []
    if status == Status.MET:
        for rule in c.contradicted_when:
            seen = _contradiction(rule, ctx.overall or {})
            if seen is not None:
                against.append(seen)
                flags.append(f"contradicted_by:{rule.metric}")
        if against:
            status = Status.CONTRADICTED
    reason = reasons.fact_reason(latest, c.comparator, threshold)
    reason = reasons.declared_flags(reason, c, tuple(flags), tuple(against), "en")
    return _result(
        c, status, reason, facts=(latest,), metric_values=tuple(against), flags=tuple(flags)
    )


def _overall_values(evidence: OrgEvidence) -> dict[str, list[MetricValue]]:
    values: dict[str, list[MetricValue]] = defaultdict(list)
    for v in evidence.metrics:
        if v.account is None:
            values[v.metric_id].append(v)
    return values


def _first(values: Sequence[MetricValue]) -> MetricValue | None:
    chosen = [v for v in values if v.platform == ALL] or list(values)
    return chosen[0] if chosen else None


def capped_span(overall: Mapping[str, Sequence[MetricValue]]) -> float | None:
    """The days the data covers, when a platform capped the history; None when not capped."""
    capped = [v for v in overall.get(HISTORY_CAPPED, ()) if v.value and float(v.value) >= 1]
    if not capped:
        return None
    spans = [
        float(v.value)
        for v in overall.get(OBSERVED_SPAN, ())
        if v.value is not None and v.platform in {ALL, *(c.platform for c in capped)}
    ]
    return min(spans) if spans else 0.0


def _context(rubric: Rubric, evidence: OrgEvidence) -> _Context:
    overall = _overall_values(evidence)
    return _Context(
        rule=rubric.decision_rule,
        window_end=evidence.window.end.date(),
        stale_after_months=(
            rubric.declarations.stale_after_months if rubric.declarations else None
        ),
        capped_span=capped_span(overall),
        overall=overall,
    )


def score_criteria(
    rubric: Rubric, evidence: OrgEvidence, ctx: _Context | None = None
) -> tuple[CriterionResult, ...]:
    ctx = ctx or _context(rubric, evidence)
    values = ctx.overall or {}
    facts: dict[str, list[DeclaredFact]] = defaultdict(list)
    for f in evidence.facts:
        facts[f.fact_id].append(f)
    results = tuple(
        score_observed(c, values.get(c.metric or "", []), ctx)
        if c.kind == "observed"
        else score_declared(c, facts.get(c.fact or "", []), ctx)
        for c in rubric.criteria
    )
    if rubric.declarations is not None and rubric.declarations.contradiction_discounts_others:
        results = discount_declarations(results)
    return results


def discount_declarations(results: Sequence[CriterionResult]) -> tuple[CriterionResult, ...]:
    """A questionnaire contradicted once is not believed on its word elsewhere: every other
    declared gate it meets becomes uncertain, flagged with the contradicted criteria (ISA 580:
    when one written representation is inconsistent with other evidence, the reliability of
    the others is reconsidered)."""
    contradicted = [r.criterion_id for r in results if r.status == Status.CONTRADICTED]
    if not contradicted:
        return tuple(results)
    flag = "discounted_by:" + ",".join(contradicted)
    out = []
    for r in results:
        if r.kind == "declared" and r.role == "gate" and r.status == Status.MET:
            reason = reasons.with_flags(r.reason, (flag,), "en")
            r = replace(r, status=Status.UNCERTAIN, reason=reason, flags=(*r.flags, flag))
        out.append(r)
    return tuple(out)


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
    """How much a decided criterion's evidence counts towards confidence (0..1).

    Declared evidence counts less than observed evidence, and a stale declaration less again."""
    if r.status not in _DECISIVE:
        return 0.0
    if r.kind == "declared":
        stale = any(f.startswith("stale") for f in r.flags)
        return DECLARED_STRENGTH * (STALE_FACTOR if stale else 1.0)
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
    """The unmet criteria of the next phase, heaviest first, each with what was seen and what
    is missing."""
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


def next_phase_undecided(results: Sequence[CriterionResult], next_phase: Phase | None) -> bool:
    """True when the next phase fails only on sample size: every gate of it is met or cannot
    be decided yet for too little evidence."""
    if next_phase is None:
        return False
    gates = [r for r in results if r.phase == next_phase and r.role == "gate"]
    open_ = [r for r in gates if r.status != Status.MET]
    return bool(open_) and all(
        r.status == Status.UNCERTAIN and "too_little_evidence" in r.flags for r in open_
    )


def _account_notes(evidence: OrgEvidence) -> list[Note]:
    return [
        Note("unreadable_account", a.platform, a.handle, None, a.status)
        for a in evidence.accounts
        if not a.readable
    ]


def _quiet(overall: Mapping[str, Sequence[MetricValue]]) -> bool:
    posts = _first(overall.get(POSTS_PER_WEEK, ()))
    return posts is not None and posts.n > 0 and posts.value is not None and posts.value <= 0


def evidence_notes(
    rubric: Rubric, evidence: OrgEvidence, ctx: _Context, unreadable_only: bool
) -> list[Note]:
    """Notes about the evidence itself: unreadable accounts, capped history, automated replies,
    a window other than the rubric's, a lapsed organisation."""
    overall = ctx.overall or {}
    notes = _account_notes(evidence)
    if ctx.capped_span is not None:
        notes.append(Note("history_capped", value=ctx.capped_span))
    auto = _first(overall.get(AUTOMATED_REPLY_SHARE, ()))
    if auto is not None and auto.n > 0 and float(auto.value or 0.0) >= AUTOMATED_REPLY_FLAG:
        notes.append(Note("automated_replies", value=float(auto.value or 0.0), detail=str(auto.n)))
    cal = rubric.calibration
    if cal and evidence.lookback_days and evidence.lookback_days != cal.lookback_days:
        notes.append(
            Note("lookback_mismatch", value=evidence.lookback_days, detail=str(cal.lookback_days))
        )
    prior = evidence.prior
    if (
        not unreadable_only
        and prior is not None
        and prior.phase is not None
        and prior.phase >= Phase.PRESENCE
        and ctx.capped_span is None
        and _quiet(overall)
    ):
        notes.append(Note("lapsed", value=prior.phase, detail=prior.window_end.date().isoformat()))
    elif not unreadable_only and prior is not None and ctx.capped_span is None:
        notes.extend(_lapsed_accounts(prior, evidence))
    return notes


def _lapsed_accounts(prior: PriorAssessment, evidence: OrgEvidence) -> list[Note]:
    """Accounts that posted in the previous window and not in this one, while the organisation
    goes on elsewhere: an organisation that moved its webcare from X to Mastodon is judged on
    Mastodon, and its X account is named as lapsed."""
    now = {
        (v.platform, v.account): float(v.value or 0.0)
        for v in evidence.metrics
        if v.metric_id == POSTS_PER_WEEK and v.account
    }
    return [
        Note(
            "account_lapsed",
            platform=platform,
            account=account,
            detail=prior.window_end.date().isoformat(),
        )
        for platform, account in prior.active_accounts
        if now.get((platform, account), 0.0) <= 0
    ]


def unreadable(evidence: OrgEvidence) -> bool:
    """True when accounts are registered and none of them can be read."""
    return bool(evidence.accounts) and not any(a.readable for a in evidence.accounts)


def _nothing_observed(results: Sequence[CriterionResult]) -> tuple[CriterionResult, ...]:
    """With no readable account, what the metrics say (zero accounts, no posts) is not an
    observation: every observed criterion is unknown, and says why."""
    reason = reasons.unreadable_reason("en")
    return tuple(
        replace(r, status=Status.UNKNOWN, reason=reason, checks=(), flags=("no_readable_account",))
        if r.kind == "observed"
        else r
        for r in results
    )


def score(rubric: Rubric, evidence: OrgEvidence) -> Assessment:
    """Score one organisation's evidence for one window under ``rubric``."""
    no_readable = unreadable(evidence)
    ctx = _context(rubric, evidence)
    results = score_criteria(rubric, evidence, ctx)
    if no_readable:
        results = _nothing_observed(results)
    attained = phases_attained(results)
    insufficient = no_readable or all(r.status == Status.UNKNOWN for r in results)
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

    notes = evidence_notes(rubric, evidence, ctx, unreadable_only=no_readable)
    if not insufficient and next_phase_undecided(results, next_phase) and next_phase:
        notes.append(Note("next_phase_undecided", value=int(next_phase)))

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
        notes=tuple(notes),
    )


def bar_rows(rubric: Rubric) -> list[tuple[Criterion, list[float | None]]]:
    """Each sampled-proportion ``>=`` criterion of ``rubric`` with its effective bar at
    :data:`BAR_SAMPLES` (None: cannot be decided at that n)."""
    rows: list[tuple[Criterion, list[float | None]]] = []
    for c in rubric.criteria:
        d = METRICS_BY_ID.get(c.metric or "")
        if d is None or d.kind != "proportion" or d.census or c.comparator != ">=":
            continue
        rows.append((c, [effective_bar(c, n, rubric.decision_rule) for n in BAR_SAMPLES]))
    return rows


def bar_table(rubric: Rubric) -> str:
    """The markdown table docs/rubric.md prints: the share an organisation must show at
    n = 10, 20, 50, 200 and 1,000 to meet each proportion threshold under ``rubric``."""
    head = " | ".join(f"n = {n:,}" for n in BAR_SAMPLES)
    lines = [
        f"| criterion | threshold | min_sample | {head} |",
        "|---|---|---|" + "---|" * len(BAR_SAMPLES),
    ]
    for c, bars in bar_rows(rubric):
        t = _main_threshold(c)
        cells = " | ".join("undecided" if b is None else f"{b:.0%}" for b in bars)
        lines.append(f"| `{c.id}` | {t:.0%} | {c.min_sample} | {cells} |")
    return "\n".join(lines) + "\n"

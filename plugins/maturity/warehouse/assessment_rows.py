"""Evidence and assessments to rows and back, without loss.

A criterion result keeps, in ``evidence_refs``, the metric values and facts it was decided on as
they were when it was scored; ``metric_value`` and ``declared_fact`` hold the window's current
set. So an explanation stays true even if the window's evidence is later replaced.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from maturity.assessment import (
    Assessment,
    CriterionResult,
    NextStep,
    Note,
    PlatformCheck,
    Status,
)
from maturity.errors import InputError
from maturity.evidence import DeclaredFact, EvidenceRef, MetricValue, Window
from maturity.phases import Phase

Row = dict[str, Any]

_REF_FIELDS = ("kind", "ref", "platform", "account", "endpoint", "sha256")


def finite(value: float | None, where: str) -> float | None:
    """``value`` if it is a finite number or None; NaN and infinity cannot be stored portably."""
    if value is not None and not math.isfinite(value):
        raise InputError(
            f"{value} is not a finite number",
            where=where,
            fix="store an unknown value as None (with n = 0), never NaN or infinity",
        )
    return value


def window_scope(org_id: str, window: Window) -> Row:
    return {"org_id": org_id, "window_start": window.start, "window_end": window.end}


def assessment_scope(assessment: Assessment) -> Row:
    return {
        **window_scope(assessment.org_id, assessment.window),
        "rubric_id": assessment.rubric_id,
        "rubric_version": assessment.rubric_version,
    }


# -- evidence ---------------------------------------------------------------------------------


def ref_to_json(ref: EvidenceRef) -> Row:
    return {f: getattr(ref, f) for f in _REF_FIELDS if getattr(ref, f) is not None}


def ref_from_json(data: Mapping[str, Any]) -> EvidenceRef:
    return EvidenceRef(**{f: data[f] for f in _REF_FIELDS if f in data})


def metric_to_json(m: MetricValue, where: str) -> Row:
    return {
        "metric_id": m.metric_id,
        "platform": m.platform,
        "account": m.account,
        "value": finite(m.value, f"{where}.value"),
        "n": m.n,
        "ci_low": finite(m.ci_low, f"{where}.ci_low"),
        "ci_high": finite(m.ci_high, f"{where}.ci_high"),
        "refs": [ref_to_json(r) for r in m.refs],
    }


def metric_from_json(data: Mapping[str, Any]) -> MetricValue:
    return MetricValue(
        metric_id=data["metric_id"],
        value=data["value"],
        n=data["n"],
        platform=data["platform"],
        account=data["account"] or None,
        ci_low=data["ci_low"],
        ci_high=data["ci_high"],
        refs=tuple(ref_from_json(r) for r in data["refs"]),
    )


def metric_row(scope: Row, m: MetricValue, run_id: str) -> Row:
    where = f"metric {m.metric_id} ({m.platform}/{m.account or '*'})"
    data = metric_to_json(m, where)
    return {**scope, **data, "account": m.account or "", "run_id": run_id}


def metric_from_row(row: Mapping[Any, Any]) -> MetricValue:
    return metric_from_json(row)


def fact_to_json(f: DeclaredFact, where: str) -> Row:
    value = f.value if isinstance(f.value, bool) else finite(float(f.value), f"{where}.value")
    return {
        "fact_id": f.fact_id,
        "value": value,
        "declared_by": f.declared_by,
        "declared_at": f.declared_at.isoformat(),
        "source": f.source,
    }


def fact_from_json(data: Mapping[str, Any]) -> DeclaredFact:
    return DeclaredFact(
        fact_id=data["fact_id"],
        value=data["value"],
        declared_by=data["declared_by"],
        declared_at=date.fromisoformat(data["declared_at"]),
        source=data["source"],
    )


def fact_row(scope: Row, f: DeclaredFact, run_id: str) -> Row:
    data = fact_to_json(f, f"fact {f.fact_id}")
    return {
        **scope,
        **data,
        "value": float(f.value),
        "is_boolean": isinstance(f.value, bool),
        "declared_at": f.declared_at,
        "run_id": run_id,
    }


def fact_from_row(row: Mapping[Any, Any]) -> DeclaredFact:
    value: bool | float = bool(row["value"]) if row["is_boolean"] else float(row["value"])
    return DeclaredFact(
        fact_id=row["fact_id"],
        value=value,
        declared_by=row["declared_by"],
        declared_at=row["declared_at"],
        source=row["source"],
    )


# -- assessment -------------------------------------------------------------------------------


def assessment_row(a: Assessment, code_version: str, run_id: str) -> Row:
    where = f"assessment of {a.org_id}"
    return {
        **assessment_scope(a),
        "verdict": a.verdict,
        "phase": int(a.phase) if a.phase is not None else None,
        "phases_attained": [int(p) for p in a.phases_attained],
        "maturity_index": finite(a.maturity_index, f"{where}.maturity_index"),
        "confidence": finite(a.confidence, f"{where}.confidence"),
        "coverage": finite(a.coverage, f"{where}.coverage"),
        "platforms_covered": list(a.platforms_covered),
        "platforms_missing": list(a.platforms_missing),
        "code_version": code_version,
        "run_id": run_id,
        "assessed_at": a.window.end,
    }


def check_to_json(c: PlatformCheck, where: str) -> Row:
    return {
        "platform": c.platform,
        "status": c.status.value,
        "value": finite(c.value, f"{where}.value"),
        "n": c.n,
        "threshold": finite(c.threshold, f"{where}.threshold"),
        "low": finite(c.low, f"{where}.low"),
        "high": finite(c.high, f"{where}.high"),
        "reason": c.reason,
    }


def check_from_json(data: Mapping[str, Any]) -> PlatformCheck:
    return PlatformCheck(
        platform=data["platform"],
        status=Status(data["status"]),
        value=data["value"],
        n=data["n"],
        threshold=data["threshold"],
        low=data["low"],
        high=data["high"],
        reason=data["reason"],
    )


def note_to_json(n: Note) -> Row:
    return {
        "code": n.code,
        "platform": n.platform,
        "account": n.account,
        "value": n.value,
        "detail": n.detail,
    }


def note_from_json(data: Mapping[str, Any]) -> Note:
    return Note(data["code"], data["platform"], data["account"], data["value"], data["detail"])


def notes_from_criterion_rows(rows: Sequence[Mapping[Any, Any]]) -> tuple[Note, ...]:
    """The assessment's notes, kept with its first criterion row (the assessment table has no
    JSON column for them)."""
    if not rows:
        return ()
    return tuple(note_from_json(n) for n in rows[0]["evidence_refs"].get("assessment_notes", ()))


#: The warehouse's status columns allow met, not_met, uncertain and unknown (a CHECK
#: constraint). A *contradicted* declaration blocks like not_met, so it is stored as not_met with
#: its ``contradicted_by:`` flag, and read back as contradicted.
def stored_status(status: Status) -> str:
    return Status.NOT_MET.value if status == Status.CONTRADICTED else status.value


def read_status(value: str, flags: Sequence[str]) -> Status:
    contradicted = value == Status.NOT_MET.value and any(
        f.startswith("contradicted_by:") for f in flags
    )
    return Status.CONTRADICTED if contradicted else Status(value)


def criterion_row(scope: Row, position: int, c: CriterionResult, notes: Sequence[Note] = ()) -> Row:
    where = f"criterion {c.criterion_id}"
    return {
        **scope,
        "criterion_id": c.criterion_id,
        "position": position,
        "phase": int(c.phase),
        "kind": c.kind,
        "role": c.role,
        "weight": finite(c.weight, f"{where}.weight"),
        "status": stored_status(c.status),
        "reason": c.reason,
        "checks": [check_to_json(k, f"{where} check {k.platform}") for k in c.checks],
        "evidence_refs": {
            "metrics": [
                metric_to_json(m, f"{where} metric {m.metric_id}") for m in c.metric_values
            ],
            "facts": [fact_to_json(f, f"{where} fact {f.fact_id}") for f in c.facts],
            "flags": list(c.flags),
            **({"assessment_notes": [note_to_json(n) for n in notes]} if notes else {}),
        },
    }


def criterion_from_row(row: Mapping[Any, Any]) -> CriterionResult:
    evidence = row["evidence_refs"]
    return CriterionResult(
        criterion_id=row["criterion_id"],
        phase=Phase(row["phase"]),
        kind=row["kind"],
        role=row["role"],
        weight=row["weight"],
        status=read_status(row["status"], evidence.get("flags", ())),
        reason=row["reason"],
        checks=tuple(check_from_json(c) for c in row["checks"]),
        metric_values=tuple(metric_from_json(m) for m in evidence["metrics"]),
        facts=tuple(fact_from_json(f) for f in evidence["facts"]),
        flags=tuple(evidence.get("flags", ())),
    )


def next_step_row(scope: Row, s: NextStep) -> Row:
    return {
        **scope,
        "rank": s.rank,
        "criterion_id": s.criterion_id,
        "phase": int(s.phase),
        "weight": finite(s.weight, f"next step {s.rank}.weight"),
        "status": stored_status(s.status),
        "gap": s.gap,
    }


def next_step_from_row(row: Mapping[Any, Any]) -> NextStep:
    return NextStep(
        rank=row["rank"],
        criterion_id=row["criterion_id"],
        phase=Phase(row["phase"]),
        weight=row["weight"],
        status=Status(row["status"]),
        gap=row["gap"],
    )


def assessment_from_rows(
    row: Mapping[Any, Any],
    criteria: tuple[CriterionResult, ...],
    next_steps: tuple[NextStep, ...],
    notes: tuple[Note, ...] = (),
) -> Assessment:
    return Assessment(
        org_id=row["org_id"],
        window=Window(row["window_start"], row["window_end"]),
        rubric_id=row["rubric_id"],
        rubric_version=row["rubric_version"],
        verdict=row["verdict"],
        phase=Phase(row["phase"]) if row["phase"] is not None else None,
        phases_attained=tuple(Phase(p) for p in row["phases_attained"]),
        maturity_index=row["maturity_index"],
        confidence=row["confidence"],
        coverage=row["coverage"],
        platforms_covered=tuple(row["platforms_covered"]),
        platforms_missing=tuple(row["platforms_missing"]),
        criteria=criteria,
        next_steps=next_steps,
        notes=notes,
    )

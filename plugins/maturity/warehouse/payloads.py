"""JSON bodies of assessments, built from the warehouse's typed reads: one serialisation for
the plugin API (``maturity.airflow.api``, whose response models ``maturity.airflow.api_models``
describe these shapes) and the CLI's ``--json`` output (``maturity.cli``).

Plain dicts of JSON types: timestamps as ISO 8601 UTC strings, phases as numbers with their
English and Dutch labels, every evidence reference as written by the pipeline. It lives in the
warehouse layer because both orchestration layers, which may not import each other, read it.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from maturity.phases import outcome_labels
from maturity.warehouse.assessment_rows import check_to_json, fact_to_json, metric_to_json

if TYPE_CHECKING:
    from maturity.assessment import Assessment, CriterionResult
    from maturity.evidence import Window
    from maturity.warehouse import AssessmentSummary, ExplainData, OrgRow

JSON = dict[str, Any]


def _time(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def window(w: Window) -> JSON:
    return {"start": _time(w.start), "end": _time(w.end)}


def phase_label(phase: int | None, verdict: str) -> JSON:
    return outcome_labels(phase, verdict)


def organisation(org: OrgRow) -> JSON:
    return {
        "org_id": org.org_id,
        "name": org.name,
        "sector": org.sector,
        "timezone": org.timezone,
        "accounts": [asdict(a) for a in org.accounts],
    }


def _phase_fields(phase: int | None, verdict: str) -> JSON:
    return {
        "verdict": verdict,
        "phase": int(phase) if phase is not None else None,
        "phase_label": phase_label(phase, verdict),
    }


def summary(s: AssessmentSummary) -> JSON:
    return {
        "window": window(s.window),
        "rubric": {"id": s.rubric_id, "version": s.rubric_version},
        **_phase_fields(s.phase, s.verdict),
        "maturity_index": s.maturity_index,
        "confidence": s.confidence,
        "coverage": s.coverage,
        "code_version": s.code_version,
        "run_id": s.run_id,
        "assessed_at": _time(s.assessed_at),
    }


def _head(a: Assessment, name: str) -> JSON:
    return {
        "org_id": a.org_id,
        "name": name,
        "window": window(a.window),
        "rubric": {"id": a.rubric_id, "version": a.rubric_version},
    }


def _outcome(a: Assessment) -> JSON:
    """What scoring concluded: phase, scores, platforms and the ranked next steps."""
    return {
        **_phase_fields(a.phase, a.verdict),
        "phases_attained": [int(p) for p in a.phases_attained],
        "maturity_index": a.maturity_index,
        "confidence": a.confidence,
        "coverage": a.coverage,
        "platforms_covered": list(a.platforms_covered),
        "platforms_missing": list(a.platforms_missing),
        "next_steps": [
            {
                "rank": s.rank,
                "criterion_id": s.criterion_id,
                "phase": int(s.phase),
                "status": str(s.status),
                "gap": s.gap,
            }
            for s in a.next_steps
        ],
    }


def scored(name: str, a: Assessment) -> JSON:
    """An assessment just scored (``maturity assess``, ``maturity rescore``), with its criteria."""
    return {
        **_head(a, name),
        **_outcome(a),
        "criteria": [criterion(c) for c in a.criteria],
    }


def assessment(data: ExplainData) -> JSON:
    a = data.assessment
    return {
        **_head(a, data.organisation.name),
        **_outcome(a),
        "run": {
            "run_id": data.run.run_id,
            "trigger": data.run.trigger,
            "code_version": data.code_version,
            "started_at": _time(data.run.started_at),
        },
        "assessed_at": _time(data.assessed_at),
    }


def criterion(c: CriterionResult) -> JSON:
    """A criterion with its checks, metric values and facts, as the warehouse stores them."""
    where = f"criterion {c.criterion_id}"
    return {
        "criterion_id": c.criterion_id,
        "phase": int(c.phase),
        "kind": c.kind,
        "role": c.role,
        "weight": c.weight,
        "status": str(c.status),
        "reason": c.reason,
        "checks": [check_to_json(k, where) for k in c.checks],
        "metric_values": [metric_to_json(m, where) for m in c.metric_values],
        "facts": [fact_to_json(f, where) for f in c.facts],
    }


def evidence(data: ExplainData) -> JSON:
    return {
        **_head(data.assessment, data.organisation.name),
        **_phase_fields(data.assessment.phase, data.assessment.verdict),
        "criteria": [criterion(c) for c in data.assessment.criteria],
    }


def explanation(data: ExplainData) -> JSON:
    """A stored assessment with its run and every criterion (``maturity explain --json``)."""
    return {**assessment(data), "criteria": [criterion(c) for c in data.assessment.criteria]}

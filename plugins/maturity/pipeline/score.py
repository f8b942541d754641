"""Step 4, score: the rubric over stored or given evidence, written as an assessment.

:func:`score_and_write` is the one way an assessment is made and stored: the pipeline's
score step, ``maturity assess --input`` and ``maturity rescore`` all call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from maturity.shards import Outcome, each

if TYPE_CHECKING:
    from maturity.assessment import Assessment
    from maturity.evidence import OrgEvidence, PriorAssessment, Window
    from maturity.input_file import OrgInput
    from maturity.pipeline.settings import PipelineSettings
    from maturity.rubric import Rubric
    from maturity.warehouse import OrgRow, RunInfo, Warehouse
    from maturity.warehouse.runs import RunTrigger

Summary = dict[str, Any]


def score_and_write(
    wh: Warehouse, rubric: Rubric, org: OrgRow, evidence: OrgEvidence, run: RunInfo
) -> Assessment:
    """Score ``evidence`` under ``rubric`` and write the assessment, in one transaction."""
    from maturity.scoring import score

    assessment = score(rubric, evidence)
    wh.write_assessment(org, evidence, assessment, run)
    return assessment


POSTS_PER_WEEK = "activity.posts_per_week"


def prior_assessment(wh: Warehouse, org_id: str, aw: Window) -> PriorAssessment | None:
    """The organisation's latest assessment of a window that ended before ``aw`` did."""
    from datetime import timedelta

    from maturity.evidence import PriorAssessment

    earlier = wh.latest_assessment(org_id, as_of=aw.end - timedelta(seconds=1))
    if earlier is None or earlier.assessment.window.end >= aw.end:
        return None
    a = earlier.assessment
    before = wh.read_evidence(org_id, a.window)
    active = sorted(
        {
            (v.platform, v.account)
            for v in before.metrics
            if v.metric_id == POSTS_PER_WEEK and v.account and (v.value or 0.0) > 0
        }
    )
    return PriorAssessment(
        int(a.phase) if a.phase is not None else None, a.window.end, tuple(active)
    )


def quarantined_in(wh: Warehouse, org_id: str, aw: Window) -> int:
    """Quarantined batches of the collection windows inside ``aw``. (Rejected metric values
    need no count here: they are left out of the stored evidence, which lowers coverage.)"""
    return len(wh.quarantined(org_id, aw.start, aw.end))


# -- the pipeline's step ----------------------------------------------------------------------


def score_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """Score the stored evidence of the assessment window and write the assessment."""
    from maturity.pipeline.runs import registry_digest, run_info
    from maturity.warehouse import OrgRow

    org = settings.organisation(org_id)
    wh = settings.warehouse
    aw = settings.assessment_window(window)
    stored = wh.read_evidence(org_id, aw)
    evidence = replace(
        stored,
        platforms_expected=org.platforms,
        quarantined_batches=quarantined_in(wh, org_id, aw),
        accounts=wh.account_states(org_id, aw.start, aw.end),
        prior=prior_assessment(wh, org_id, aw),
        lookback_days=settings.lookback_days,
    )
    digest = registry_digest(org, settings.rubric, settings.lookback_days)
    run = run_info("assess", aw, settings.rubric, digest, settings.trigger)
    assessment = score_and_write(wh, settings.rubric, OrgRow.of(org), evidence, run)
    return {
        "org_id": org_id,
        "window": aw.key,
        "verdict": assessment.verdict,
        "phase": int(assessment.phase) if assessment.phase else None,
        "maturity_index": assessment.maturity_index,
        "confidence": assessment.confidence,
        "warnings": registry_warnings(assessment),
    }


def registry_warnings(assessment: Assessment) -> list[str]:
    """One line per account the platform does not know, for the run's report."""
    from maturity.reasons import note_text

    return [
        f"{assessment.org_id}: {note_text(n)}"
        for n in assessment.notes
        if n.code == "unreadable_account" and n.detail == "not_found"
    ]


def score_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """:func:`score_org` for several organisations; one failing does not stop the others."""
    return each(org_ids, lambda o: score_org(settings, o, window))


# -- given evidence (maturity assess --input) -------------------------------------------------


def score_inputs(
    orgs: Sequence[OrgInput],
    rubric: Rubric,
    wh: Warehouse,
    *,
    input_digest: str,
    trigger: RunTrigger = "cli",
) -> list[tuple[str, Assessment]]:
    """Score every organisation of a metrics-and-facts file and write each in its own
    transaction, under one run."""
    from maturity.pipeline.runs import run_info
    from maturity.warehouse import OrgRow

    if not orgs:
        return []
    run = run_info("assess", orgs[0].evidence.window, rubric, input_digest, trigger)
    return [
        (
            org.name,
            score_and_write(
                wh,
                rubric,
                OrgRow(org_id=org.org_id, name=org.name, sector=org.sector),
                org.evidence,
                run,
            ),
        )
        for org in orgs
    ]


# -- stored evidence under another rubric (maturity rescore) ----------------------------------


def rescore_window(wh: Warehouse, rubric: Rubric, org: OrgRow, window: Window) -> Assessment:
    """Score one stored (organisation, window) under ``rubric`` and write it beside the others.

    The evidence is read back as it was stored; nothing is collected again. The platforms the
    organisation was expected on, and the quarantined batches, are those of the earlier
    assessment of the same window.
    """
    from maturity.pipeline.runs import rubric_digest, run_info

    evidence = wh.read_evidence(org.org_id, window)
    earlier = wh.latest_assessment(org.org_id, as_of=window.end)
    if earlier is not None and earlier.assessment.window == window:
        a = earlier.assessment
        evidence = replace(
            evidence, platforms_expected=(*a.platforms_covered, *a.platforms_missing)
        )
    evidence = replace(
        evidence,
        quarantined_batches=quarantined_in(wh, org.org_id, window),
        accounts=wh.account_states(org.org_id, window.start, window.end),
        prior=prior_assessment(wh, org.org_id, window),
    )
    run = run_info("rescore", window, rubric, rubric_digest(rubric), "cli")
    return score_and_write(wh, rubric, org, evidence, run)

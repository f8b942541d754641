"""Step 3, metrics: compute every metric over the assessment window from the warehouse's
records, run the metric quality gate, and store the passing values with the declared facts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from maturity.evidence import MetricValue, OrgEvidence
from maturity.shards import Outcome, each

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.metrics.compute import SqlDialect
    from maturity.pipeline.settings import PipelineSettings
    from maturity.registry import Organisation

Summary = dict[str, Any]


def _facts(settings: PipelineSettings, org: Organisation) -> tuple[Any, ...]:
    from maturity.questionnaire import load_questionnaire

    if org.questionnaire is None:
        return ()
    return load_questionnaire(org.questionnaire, settings.rubric, org.id).facts


def metrics_orgs(
    settings: PipelineSettings, org_ids: Sequence[str], window: Window
) -> Outcome[Summary]:
    """Metrics for several organisations: one failing does not stop the others, and their
    values go through the metric gate together."""
    from maturity.metrics.compute import compute_metrics
    from maturity.pipeline.runs import registry_digest, run_info
    from maturity.quality import validate_metric_sets
    from maturity.warehouse import OrgRow

    wh = settings.warehouse
    aw = settings.assessment_window(window)
    dialect: SqlDialect = "postgresql" if wh.url.get_backend_name() == "postgresql" else "sqlite"

    def compute(org_id: str) -> tuple[Organisation, tuple[MetricValue, ...]]:
        org = settings.organisation(org_id)
        records = wh.read_records(org_id, aw.start, aw.end)
        values = compute_metrics(
            org,
            aw,
            records.snapshots,
            records.posts,
            records.inbound,
            records.reply_links,
            sql_dialect=dialect,
        )
        return org, tuple(values)

    computed = each(org_ids, compute)
    checked = dict(
        zip(
            computed.done,
            validate_metric_sets([(o, aw, values) for o, (_, values) in computed.done.items()]),
            strict=True,
        )
    )

    def write(org_id: str) -> Summary:
        org, _ = computed.done[org_id]
        result = checked[org_id]
        digest = registry_digest(org, settings.rubric, settings.lookback_days)
        run = run_info("assess", aw, settings.rubric, digest, settings.trigger)
        wh.write_validation(org_id, aw, run.run_id, metric_result=result)
        evidence = OrgEvidence(
            org_id,
            aw,
            metrics=result.passed,
            facts=_facts(settings, org),
            platforms_expected=org.platforms,
        )
        wh.write_evidence(OrgRow.of(org), evidence, run)
        return {
            "org_id": org_id,
            "window": aw.key,
            "values": len(result.passed),
            "rejected": len(result.rejected),
            "facts": len(evidence.facts),
        }

    written = each(computed.done, write)
    written.failed.update(computed.failed)
    return written


def metrics_org(settings: PipelineSettings, org_id: str, window: Window) -> Summary:
    """:func:`metrics_orgs` for one organisation; its error raised."""
    return metrics_orgs(settings, [org_id], window).raise_for(org_id)

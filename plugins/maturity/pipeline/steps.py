"""The steps in order, and all of them for one organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from maturity.pipeline.collect import collect_account
from maturity.pipeline.gate_and_load import gate_and_load_org, gate_and_load_orgs
from maturity.pipeline.metrics import metrics_org, metrics_orgs
from maturity.pipeline.score import score_org, score_orgs

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.pipeline.settings import PipelineSettings

ORG_STEPS = {
    "gate_and_load": gate_and_load_orgs,
    "metrics": metrics_orgs,
    "score": score_orgs,
}
"""The per-organisation steps after collection, in order, each for a shard of organisations."""


def assess_org(
    settings: PipelineSettings,
    org_id: str,
    window: Window,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every step for one organisation, in order: what ``maturity assess --registry`` runs.
    ``on_step`` is told each step (``collect x:handle``, then the step names) as it starts."""
    from maturity.collect import COLLECTED

    say = on_step or (lambda step: None)
    org = settings.organisation(org_id)
    collected = []
    for a in org.accounts:
        if a.platform in COLLECTED:
            say(f"collect {a.platform}:{a.handle}")
            collected.append(collect_account(settings, org_id, a.platform, a.handle, window))
    done: dict[str, Any] = {"org_id": org_id, "collect": collected}
    for name, step in (
        ("gate_and_load", gate_and_load_org),
        ("metrics", metrics_org),
        ("score", score_org),
    ):
        say(name)
        done[name] = step(settings, org_id, window)
    return done

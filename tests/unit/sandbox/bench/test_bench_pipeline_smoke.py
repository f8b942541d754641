"""The pipeline benchmark runs every step end to end on a tiny world (not a timed test)."""

from __future__ import annotations

import pytest

from maturity.pipeline.steps import ORG_STEPS
from maturity.sandbox.bench.pipeline_bench import run

pytestmark = [pytest.mark.integration]


def test_every_step_is_timed_per_organisation() -> None:
    per_org = run(2, 1)
    assert set(per_org) == {"collect", *ORG_STEPS, "after_collect"}
    assert all(seconds > 0 for seconds in per_org.values())
    steps = sum(per_org[step] for step in ORG_STEPS)
    assert per_org["after_collect"] == pytest.approx(steps)

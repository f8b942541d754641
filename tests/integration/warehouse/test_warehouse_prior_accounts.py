"""The score step's view of the previous window: its phase, and which accounts posted in it."""

from __future__ import annotations

import pytest
from warehouse_samples import Q1, Q2, assessment, evidence, metrics, write

from maturity.evidence import MetricValue
from maturity.phases import Phase
from maturity.pipeline.score import prior_assessment
from maturity.warehouse import Warehouse

pytestmark = pytest.mark.integration


def posts(platform: str, account: str, per_week: float) -> MetricValue:
    return MetricValue("activity.posts_per_week", per_week, 13, platform=platform, account=account)


def test_the_prior_names_the_accounts_that_posted_in_the_earlier_window(
    warehouse: Warehouse,
) -> None:
    earlier = evidence(
        window=Q1,
        metric_values=(
            *metrics(),
            posts("x", "AcmeZorg", 5.0),
            posts("x", "AcmeWerkt", 0.0),
            posts("mastodon", "acme@social.example", 1.0),
        ),
    )
    write(warehouse, earlier, assessment(earlier, phase=Phase.ENGAGEMENT))
    prior = prior_assessment(warehouse, "acme", Q2)
    assert prior is not None
    assert prior.phase == 3
    assert prior.active_accounts == (("mastodon", "acme@social.example"), ("x", "AcmeZorg"))
    assert prior_assessment(warehouse, "acme", Q1) is None

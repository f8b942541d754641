"""The end-to-end benchmark on a small organisation (not a timed test): every repetition
replays the landing into a fresh warehouse, and the records match the organisation built."""

from __future__ import annotations

import pytest

from maturity.pipeline.steps import ORG_STEPS
from maturity.sandbox.bench import e2e_bench

pytestmark = [pytest.mark.integration]


def test_the_organisation_is_replayed_to_a_score_each_time() -> None:
    scale = 0.05
    result = e2e_bench.run(1, scale)
    assert len(result["seconds"]) == 1
    assert all(s > 0 for s in result["seconds"])
    assert result["p50"] <= result["p95"] <= max(result["seconds"])
    assert set(result["steps_p50"]) == set(ORG_STEPS)
    mentions = int(e2e_bench.X_MENTIONS * scale)
    items = int(e2e_bench.REDDIT_ITEMS * scale)
    submissions = items // 5
    reddit_inbound = (items - submissions) // 2
    assert result["records"] == {
        # X: the posts and the answers to half the mentions (3,200 at full scale); Reddit:
        # the submissions and one answer per comment
        "posts": int(e2e_bench.X_POSTS * scale) + submissions + reddit_inbound,
        "inbound": mentions + reddit_inbound,
        "reply_links": mentions // 2 + reddit_inbound,
    }

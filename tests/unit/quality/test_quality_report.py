"""quality_report: passed and quarantined batches, rejected values, the confidence factor."""

from __future__ import annotations

import pytest
from quality_samples import LOOKBACK, WINDOW, clean_batch, clean_values, replaced, with_post

from maturity.quality import (
    quality_report,
    quarantined_batches,
    validate_batch,
    validate_metric_values,
)

pytestmark = pytest.mark.unit


def test_report_names_quarantined_batches_their_failures_and_pages() -> None:
    good = validate_batch(clean_batch(handle="Acme"), lookback=LOOKBACK)
    bad = validate_batch(
        with_post(clean_batch(handle="AcmeCare"), 1, like_count=-7), lookback=LOOKBACK
    )
    metrics = validate_metric_values(
        "acme", WINDOW, replaced(clean_values(), "presence.verified_share", "x", None, value=1.3)
    )
    text = quality_report([good, bad], metrics)
    assert "Record batches: 2 validated, 1 passed, 1 quarantined" in text
    assert "passed       x:Acme" in text
    assert "QUARANTINED  x:AcmeCare" in text
    assert "posts.like_count_not_negative" in text
    assert "AcmeCare-p1" in text
    assert "landing/x/acme/Acme/tweets-1.json" in text
    assert "REJECTED     presence.verified_share @ x: value 1.3" in text
    assert "values.proportion_in_unit_interval" in text
    assert "0.8^1 = 0.80" in text
    assert quarantined_batches([good, bad]) == 1


def test_report_of_clean_results() -> None:
    good = validate_batch(clean_batch(), lookback=LOOKBACK)
    text = quality_report([good], validate_metric_values("acme", WINDOW, clean_values()))
    assert "QUARANTINED" not in text
    assert "REJECTED" not in text
    assert "0 rejected" in text
    assert text.endswith("Confidence: no batch quarantined.")
    assert quarantined_batches([good]) == 0

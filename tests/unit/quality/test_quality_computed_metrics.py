"""What the metrics code computes passes the metric suites: the rules agree with the code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from quality_samples import LOOKBACK, T0, WINDOW, clean_batch

from maturity.metrics.compute import compute_metrics
from maturity.quality import validate_batch, validate_metric_values
from maturity.registry import Account, Organisation

pytestmark = pytest.mark.unit


def test_computed_metrics_of_clean_batches_pass() -> None:
    org = Organisation(
        id="acme",
        name="Acme",
        name_stems=("acme",),
        accounts=(
            Account(platform="x", handle="Acme"),
            Account(platform="x", handle="AcmeCare", function="service"),
            Account(platform="reddit", handle="acme_official"),
        ),
    )
    batches = [
        clean_batch(12, handle="Acme"),
        # a Saturday start, so that weekend and after-hours samples are not empty
        clean_batch(9, handle="AcmeCare", start=T0 + timedelta(days=4, hours=-3)),
        clean_batch(3, handle="acme_official", platform="reddit"),
    ]
    assert all(validate_batch(b, lookback=LOOKBACK).success for b in batches)
    values = compute_metrics(
        org,
        WINDOW,
        [s for b in batches for s in b.snapshots],
        [p for b in batches for p in b.posts],
        [m for b in batches for m in b.inbound],
        [r for b in batches for r in b.reply_links],
    )
    after_hours = [
        v for v in values if v.metric_id == "responsiveness.weekend_response_share" and v.n
    ]
    assert after_hours, "the sample should exercise the weekend share"
    result = validate_metric_values("acme", WINDOW, values)
    assert result.success, result.reason
    assert result.passed == values

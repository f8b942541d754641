"""Properties that hold for any records: bounds, consistent sample sizes, order independence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_records import WINDOW, account, compute, inbound, org, post, reply, snapshot

from maturity.evidence import MetricValue
from maturity.metric_dictionary import METRICS_BY_ID
from maturity.metrics.engine.local_time import business_hours, hour, local_micros, weekday
from maturity.metrics.engine.prepared import to_micros

pytestmark = pytest.mark.unit

HANDLES = (
    ("x", "Acme", "main"),
    ("x", "AcmeCare", "service"),
    ("reddit", "acme_r", "main"),
    ("x", "Boss", "leadership"),
)
SPAN = WINDOW.end - WINDOW.start
KINDS = ("original", "reply", "repost", "quote")


def _instant(fraction: float) -> datetime:
    """A time from a little before the window to a little after it."""
    return WINDOW.start + (SPAN + timedelta(days=4)) * fraction - timedelta(days=2)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(HANDLES), min_size=1, max_size=4, unique=True))
    organisation = org(*(account(h, p, function=f) for p, h, f in chosen))
    statuses = st.sampled_from(("active", "active", "active", "protected"))
    snapshots = [
        snapshot(
            h,
            p,
            function=f,
            status=draw(statuses),
            followers=draw(st.none() | st.integers(0, 10_000)),
            verified=draw(st.none() | st.booleans()),
        )
        for p, h, f in chosen
    ]
    n_msgs = draw(st.integers(0, 25))
    fractions = st.floats(0, 1, allow_nan=False)
    messages, links = [], []
    for i in range(n_msgs):
        p, h, _ = draw(st.sampled_from(chosen))
        m = inbound(
            f"m{i}",
            h,
            _instant(draw(fractions)),
            platform=p,
            author=draw(st.sampled_from(("p:a", "p:b", "p:c"))),
            conversation_id=draw(st.sampled_from((None, "c1", "c2"))),
        )
        messages.append(m)
        delay = draw(st.none() | st.floats(-1, 80, allow_nan=False))
        if delay is not None:
            links.append(reply(m, timedelta(hours=delay)))
    posts = []
    for i in range(draw(st.integers(0, 25))):
        p, h, _ = draw(st.sampled_from(chosen))
        posts.append(
            post(
                f"p{i}",
                h,
                _instant(draw(fractions)),
                draw(st.sampled_from(KINDS)),
                platform=p,
                conversation_id=draw(st.sampled_from((None, "c1", "c2", f"p{i}"))),
                in_reply_to_author=draw(st.sampled_from((None, "p:a", "Acme"))),
                like_count=draw(st.integers(0, 50)),
                urls=draw(
                    st.sampled_from(((), ("https://a.nl/?utm_source=x",), ("https://b.nl",)))
                ),
                hashtags=draw(st.sampled_from(((), ("tag",), ("Tag", "other")))),
                mentions=draw(st.sampled_from(((), ("acme",), ("acmecare",)))),
            )
        )
    return {
        "organisation": organisation,
        "snapshots": snapshots,
        "posts": posts,
        "messages": messages,
        "links": links,
    }


def _compute(r: dict[str, Any]) -> tuple[MetricValue, ...]:
    return compute(
        r["organisation"],
        snapshots=r["snapshots"],
        posts=r["posts"],
        messages=r["messages"],
        links=r["links"],
    )


SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(records())
def test_values_are_in_range_and_unknown_exactly_when_n_is_zero(r: dict[str, Any]) -> None:
    for v in _compute(r):
        definition = METRICS_BY_ID[v.metric_id]
        assert v.n >= 0
        assert (v.value is None) == (v.n == 0), v
        if v.value is None:
            continue
        assert np.isfinite(v.value)
        assert v.value >= 0, v
        if definition.kind == "proportion" or definition.unit == "0..1":
            assert v.value <= 1, v
        if v.ci_low is not None and v.ci_high is not None:
            assert 0 <= v.ci_low <= v.value <= v.ci_high


def _by_scope(values: tuple[MetricValue, ...]) -> dict[tuple[str, str | None], dict[str, Any]]:
    out: dict[tuple[str, str | None], dict[str, MetricValue]] = {}
    for v in values:
        out.setdefault((v.platform, v.account), {})[v.metric_id.split(".")[1]] = v
    return out


@SETTINGS
@given(records())
def test_sample_sizes_and_shares_are_consistent(r: dict[str, Any]) -> None:
    for scope, m in _by_scope(_compute(r)).items():
        if "response_rate" not in m:
            continue
        inbound_n = m["inbound_messages"].n
        assert m["response_rate"].n == m["within_1h_share"].n == inbound_n
        answered = m["first_response_median_hours"].n
        assert answered <= inbound_n, scope
        assert answered == round((m["response_rate"].value or 0) * inbound_n)
        assert m["after_hours_response_share"].n <= inbound_n
        assert m["weekend_response_share"].n <= m["after_hours_response_share"].n
        shares = [m[k].value or 0 for k in ("within_1h_share", "within_24h_share", "response_rate")]
        assert shares == sorted(shares)
        if answered:
            assert m["first_response_median_hours"].value <= m["first_response_p90_hours"].value
        mix = sum(m[k].value or 0 for k in ("original_share", "reply_share", "repost_share"))
        assert mix <= 1 + 1e-12
        assert m["utm_link_share"].n <= m["original_share"].n


@SETTINGS
@given(records(), st.randoms(use_true_random=False))
def test_the_order_of_input_rows_does_not_matter(r: dict[str, Any], rnd: Any) -> None:
    shuffled = {k: (rnd.sample(v, len(v)) if isinstance(v, list) else v) for k, v in r.items()}
    assert _compute(shuffled) == _compute(r)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        (
            "Europe/Amsterdam",
            "America/New_York",
            "Asia/Kolkata",
            "UTC",
            "Australia/Lord_Howe",
            "America/St_Johns",
            "Pacific/Chatham",
        )
    ),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=50),
)
def test_local_time_matches_pandas_time_zones(tz: str, seconds: list[int]) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=400)
    step = (to_micros(end) - to_micros(start)) // 10**6
    t = np.array([to_micros(start) + (s * 7919 % step) * 10**6 for s in seconds], dtype=np.int64)
    local = local_micros(t, tz, start, end)
    expected = pd.DatetimeIndex(pd.to_datetime(t, unit="us", utc=True)).tz_convert(tz)
    assert weekday(local).tolist() == expected.day_of_week.tolist()
    assert hour(local).tolist() == expected.hour.tolist()
    in_hours = (expected.day_of_week < 5) & (expected.hour >= 9) & (expected.hour < 17)
    assert business_hours(local).tolist() == list(in_hours)

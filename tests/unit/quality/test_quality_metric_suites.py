"""The metric suites: clean values pass; a bad value or an inconsistent scope is rejected."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from quality_samples import INBOUND, RATE, WINDOW, clean_values, replaced, responsiveness

from maturity.errors import InputError
from maturity.evidence import MetricValue
from maturity.quality import validate_metric_values
from maturity.quality.metric_suites import CONSISTENCY, VALUES

pytestmark = pytest.mark.unit

Values = list[MetricValue]
R = "responsiveness."


def _key(v: MetricValue) -> tuple[str, str, str | None]:
    return (v.metric_id, v.platform, v.account)


def test_clean_values_all_pass() -> None:
    values = clean_values()
    result = validate_metric_values("acme", WINDOW, values)
    assert result.success, result.reason
    assert result.passed == tuple(values)
    assert result.rejected == ()
    assert result.reason == ""
    assert [o.check for o in result.outcomes] == [
        *(c.name for c in VALUES.checks),
        *(c.name for c in CONSISTENCY.checks),
    ]


def test_no_values_pass() -> None:
    result = validate_metric_values("acme", WINDOW, [])
    assert result.success
    assert result.passed == result.rejected == ()


def test_a_proportion_of_1_3_is_rejected() -> None:
    values = replaced(clean_values(), "presence.verified_share", "x", None, value=1.3)
    result = validate_metric_values("acme", WINDOW, values)
    assert not result.success
    assert [_key(v) for v in result.rejected] == [("presence.verified_share", "x", None)]
    assert result.rejections[0].checks == ("values.proportion_in_unit_interval",)
    assert len(result.passed) == len(values) - 1
    assert "values.proportion_in_unit_interval" in result.reason
    assert "presence.verified_share/x/" in result.reason


def test_a_negative_duration_is_rejected() -> None:
    values = replaced(clean_values(), R + "first_response_median_hours", "x", "Acme", value=-2.0)
    result = validate_metric_values("acme", WINDOW, values)
    assert [_key(v) for v in result.rejected] == [(R + "first_response_median_hours", "x", "Acme")]
    assert result.rejections[0].checks == ("values.duration_not_negative",)


def test_an_inconsistent_n_is_rejected_at_its_scope_only() -> None:
    values = replaced(clean_values(), RATE, "x", "AcmeCare", n=5)
    result = validate_metric_values("acme", WINDOW, values)
    assert not result.success
    # n(response_rate) = 5 disagrees with the inbound count (4) and with the n of the within-1h
    # and within-24h shares (4): all four values of that scope are left out, nothing else.
    assert sorted(_key(v) for v in result.rejected) == [
        (INBOUND, "x", "AcmeCare"),
        (RATE, "x", "AcmeCare"),
        (R + "within_1h_share", "x", "AcmeCare"),
        (R + "within_24h_share", "x", "AcmeCare"),
    ]
    assert {o.check for o in result.failed} == {
        "consistency.response_rate_n_is_inbound_count",
        "consistency.within_1h_n_is_response_rate_n",
        "consistency.within_24h_n_is_response_rate_n",
    }
    assert all(o.observed["unexpected_ids"] == ["x/AcmeCare"] for o in result.failed)
    assert len(result.passed) == len(values) - 4


#: Every values check, and a change to the clean values that violates it and nothing else, with
#: the values it must reject.
def _duplicate(values: Values) -> Values:
    return [*values, replace(values[-2], value=9.0)]


VALUE_VIOLATIONS: dict[
    str, tuple[Callable[[Values], Values], list[tuple[str, str, str | None]]]
] = {
    "values.metric_known": (
        lambda vs: [*vs, MetricValue("activity.vibes", 1.0, 3, "all")],
        [("activity.vibes", "all", None)],
    ),
    "values.platform_known": (
        lambda vs: [*vs, MetricValue("activity.posts_per_week", 1.0, 13, "myspace")],
        [("activity.posts_per_week", "myspace", None)],
    ),
    "values.key_unique": (
        _duplicate,
        [("activity.gap_regularity", "all", None)] * 2,
    ),
    "values.n_not_negative": (
        lambda vs: replaced(vs, "activity.posts_per_week", "all", None, n=-13),
        [("activity.posts_per_week", "all", None)],
    ),
    "values.proportion_in_unit_interval": (
        lambda vs: replaced(vs, "presence.verified_share", "x", None, value=-0.1),
        [("presence.verified_share", "x", None)],
    ),
    "values.duration_not_negative": (
        lambda vs: replaced(vs, "presence.account_age_days", "x", None, value=-1.0),
        [("presence.account_age_days", "x", None)],
    ),
    "values.count_not_negative": (
        lambda vs: replaced(vs, "presence.accounts_total", "all", None, value=-2.0),
        [("presence.accounts_total", "all", None)],
    ),
    "values.rate_not_negative": (
        lambda vs: replaced(vs, "activity.posts_per_week", "all", None, value=-4.2),
        [("activity.posts_per_week", "all", None)],
    ),
    "values.ratio_not_negative": (
        lambda vs: replaced(vs, "interaction.engagement_per_follower", "all", None, value=-0.5),
        [("interaction.engagement_per_follower", "all", None)],
    ),
    "values.score_not_negative": (
        lambda vs: replaced(vs, "activity.gap_regularity", "all", None, value=-0.2),
        [("activity.gap_regularity", "all", None)],
    ),
    "values.null_iff_no_sample": (
        lambda vs: replaced(vs, "presence.dormant_share", "reddit", None, value=0.0),
        [("presence.dormant_share", "reddit", None)],
    ),
}


def _scope(vs: Values, metric: str, **changes: object) -> Values:
    return replaced(vs, R + metric, "x", "Acme", **changes)


#: Every consistency check, a change at scope x/Acme that violates it, and the metrics rejected.
CONSISTENCY_VIOLATIONS: dict[str, tuple[Callable[[Values], Values], set[str]]] = {
    "consistency.response_rate_n_is_inbound_count": (
        lambda vs: _scope(vs, "inbound_messages", value=7.0, n=7),
        {INBOUND, RATE},
    ),
    "consistency.within_1h_n_is_response_rate_n": (
        lambda vs: _scope(vs, "within_1h_share", n=5),
        {R + "within_1h_share", RATE},
    ),
    "consistency.within_24h_n_is_response_rate_n": (
        lambda vs: _scope(vs, "within_24h_share", n=7),
        {R + "within_24h_share", RATE},
    ),
    "consistency.first_response_n_within_response_rate_n": (
        lambda vs: _scope(
            _scope(vs, "first_response_median_hours", n=7), "first_response_p90_hours", n=7
        ),
        {R + "first_response_median_hours", RATE},
    ),
    "consistency.p90_n_is_median_n": (
        lambda vs: _scope(vs, "first_response_p90_hours", n=4),
        {R + "first_response_p90_hours", R + "first_response_median_hours"},
    ),
    "consistency.after_hours_n_within_inbound_count": (
        lambda vs: _scope(
            _scope(vs, "after_hours_response_share", n=7), "weekend_response_share", n=7
        ),
        {R + "after_hours_response_share", INBOUND},
    ),
    "consistency.weekend_n_within_after_hours_n": (
        lambda vs: _scope(vs, "weekend_response_share", n=5),
        {R + "weekend_response_share", R + "after_hours_response_share"},
    ),
    "consistency.within_1h_not_above_within_24h": (
        lambda vs: _scope(vs, "within_1h_share", value=0.7),
        {R + "within_1h_share", R + "within_24h_share"},
    ),
    "consistency.within_24h_not_above_response_rate": (
        lambda vs: _scope(_scope(vs, "within_24h_share", value=0.9), "within_1h_share", value=0.5),
        {R + "within_24h_share", RATE},
    ),
    "consistency.p90_not_below_median": (
        lambda vs: _scope(vs, "first_response_p90_hours", value=1.0),
        {R + "first_response_p90_hours", R + "first_response_median_hours"},
    ),
}


def test_every_metric_check_has_a_violation_case() -> None:
    assert set(VALUE_VIOLATIONS) == {c.name for c in VALUES.checks}
    assert set(CONSISTENCY_VIOLATIONS) == {c.name for c in CONSISTENCY.checks}


@pytest.mark.parametrize("check_name", list(VALUE_VIOLATIONS))
def test_a_bad_value_fails_exactly_its_check(check_name: str) -> None:
    corrupt, rejected = VALUE_VIOLATIONS[check_name]
    values = corrupt(clean_values())
    result = validate_metric_values("acme", WINDOW, values)
    assert [o.check for o in result.failed] == [check_name]
    assert sorted(_key(v) for v in result.rejected) == sorted(rejected)
    assert all(r.checks == (check_name,) for r in result.rejections)
    assert len(result.passed) + len(result.rejected) == len(values)
    assert check_name in result.reason


@pytest.mark.parametrize("check_name", list(CONSISTENCY_VIOLATIONS))
def test_an_inconsistent_scope_fails_exactly_its_check(check_name: str) -> None:
    corrupt, metrics = CONSISTENCY_VIOLATIONS[check_name]
    values = corrupt(clean_values())
    result = validate_metric_values("acme", WINDOW, values)
    assert [o.check for o in result.failed] == [check_name]
    assert {_key(v) for v in result.rejected} == {(m, "x", "Acme") for m in metrics}
    assert check_name in result.reason
    assert "x/Acme" in result.reason


def test_a_value_without_sample_and_a_sample_without_value_are_both_rejected() -> None:
    values = replaced(clean_values(), "activity.posts_per_week", "all", None, value=None)
    values = replaced(values, "presence.dormant_share", "reddit", None, n=3)
    result = validate_metric_values("acme", WINDOW, values)
    assert sorted(_key(v) for v in result.rejected) == [
        ("activity.posts_per_week", "all", None),
        ("presence.dormant_share", "reddit", None),
    ]


def test_a_nan_value_counts_as_null() -> None:
    values = replaced(clean_values(), "activity.posts_per_week", "all", None, value=float("nan"))
    result = validate_metric_values("acme", WINDOW, values)
    assert [r.checks for r in result.rejections] == [("values.null_iff_no_sample",)]


def test_an_empty_inbound_sample_is_consistent() -> None:
    values = responsiveness("x", "Quiet", inbound=0, answered=0, after_hours=0, weekend=0)
    assert all(v.value is None for v in values)
    result = validate_metric_values("acme", WINDOW, values)
    assert result.success, result.reason


def test_missing_metrics_are_not_inconsistent() -> None:
    values = [v for v in clean_values() if v.metric_id != INBOUND]
    assert validate_metric_values("acme", WINDOW, values).success


def test_an_empty_org_id_is_a_caller_error() -> None:
    with pytest.raises(InputError):
        validate_metric_values("", WINDOW, clean_values())

"""Thresholds per platform for an organisation-wide figure (``aggregate: pooled``, rubric
2026.12.1): the value over all platforms is held to each platform's threshold weighted by the
sample measured there, and the result says which platforms' thresholds applied."""

from __future__ import annotations

import pytest
from scoring_builders import evidence, mv

from maturity.assessment import Status
from maturity.reasons import criterion_reason
from maturity.rubric import Rubric, load_default_rubric, load_rubric
from maturity.scoring import pooled_threshold, score, score_observed

pytestmark = pytest.mark.unit

FIRST = "engagement.first_response_day"
METRIC = "responsiveness.first_response_median_hours"


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_default_rubric()


def _first(rubric: Rubric, *values: object) -> object:
    return score_observed(rubric.criterion(FIRST), list(values))  # type: ignore[arg-type]


def test_a_value_measured_only_on_mastodon_meets_mastodons_bar(rubric: Rubric) -> None:
    r = _first(rubric, mv(METRIC, 36, 40), mv(METRIC, 36, 40, "mastodon"))
    assert r.status == Status.MET  # type: ignore[attr-defined]
    [check] = r.checks  # type: ignore[attr-defined]
    assert check.platform == "all"
    assert check.threshold == 48
    assert r.flags == ("pooled_threshold:mastodon=48@40",)  # type: ignore[attr-defined]


def test_the_same_value_on_x_misses_xs_bar(rubric: Rubric) -> None:
    r = _first(rubric, mv(METRIC, 36, 40), mv(METRIC, 36, 40, "x"))
    assert r.status == Status.NOT_MET  # type: ignore[attr-defined]
    assert r.checks[0].threshold == 24  # type: ignore[attr-defined]


def test_the_bar_of_two_platforms_is_weighted_by_their_samples(rubric: Rubric) -> None:
    values = [mv(METRIC, 30, 40), mv(METRIC, 20, 10, "x"), mv(METRIC, 33, 30, "reddit")]
    t, parts = pooled_threshold(rubric.criterion(FIRST), values)
    assert parts == (("reddit", 48.0, 30), ("x", 24.0, 10))
    assert t == pytest.approx((48 * 30 + 24 * 10) / 40)  # 42 hours
    r = _first(rubric, *values)
    assert r.status == Status.MET  # type: ignore[attr-defined]
    # a platform with no answered message adds nothing to the bar
    t_empty, parts_empty = pooled_threshold(
        rubric.criterion(FIRST), [mv(METRIC, None, 0, "x"), mv(METRIC, 30, 30, "reddit")]
    )
    assert (t_empty, parts_empty) == (48.0, (("reddit", 48.0, 30),))


def test_the_reason_names_the_platforms_thresholds_in_both_languages(rubric: Rubric) -> None:
    c = rubric.criterion(FIRST)
    r = _first(rubric, mv(METRIC, 30, 40), mv(METRIC, 20, 10, "x"), mv(METRIC, 33, 30, "reddit"))
    en = criterion_reason(r, c, "en")  # type: ignore[arg-type]
    nl = criterion_reason(r, c, "nl")  # type: ignore[arg-type]
    assert "reddit 48 (n=30), x 24 (n=10)" in en
    assert "each platform's own by its sample" in en
    assert "reddit 48 (n=30), x 24 (n=10)" in nl
    assert "weegt die van elk platform" in nl
    assert en == r.reason  # type: ignore[attr-defined]


def test_without_a_value_over_all_platforms_each_platform_meets_its_own(rubric: Rubric) -> None:
    r = _first(rubric, mv(METRIC, 40, 20, "mastodon"), mv(METRIC, 30, 20, "x"))
    checks = {ch.platform: (ch.threshold, ch.status) for ch in r.checks}  # type: ignore[attr-defined]
    assert checks == {"mastodon": (48, Status.MET), "x": (24, Status.NOT_MET)}
    assert r.status == Status.MET  # type: ignore[attr-defined]
    assert not r.flags  # type: ignore[attr-defined]


def test_the_earlier_version_keeps_one_bar(rubric: Rubric) -> None:
    old = load_rubric("2026.12.0")
    values = [mv(METRIC, 36, 40), mv(METRIC, 36, 40, "mastodon")]
    assert score_observed(old.criterion(FIRST), values).status == Status.NOT_MET
    assert _first(rubric, *values).status == Status.MET  # type: ignore[attr-defined]


def test_an_organisation_that_answers_on_mastodon_in_a_day_and_a_half_is_engaged(
    rubric: Rubric,
) -> None:
    """The whole assessment: under 2026.12.0 the 36-hour median blocks phase 3; under 2026.12.1
    it is held to Mastodon's two days, and the platforms measured are named."""
    ev = evidence(
        mv("presence.accounts_total", 1, 1),
        mv("presence.profile_completeness", 1.0, 1),
        mv("presence.account_age_days", 400, 1),
        mv("activity.active_weeks_share", 1.0, 13),
        mv("responsiveness.response_rate", 0.6, 60),
        mv("activity.reply_share", 0.4, 80),
        mv(METRIC, 36, 36),
        mv(METRIC, 36, 36, "mastodon"),
        mv("activity.posts_per_week", 6, 13, "mastodon"),
    )
    new = score(rubric, ev)
    old = score(load_rubric("2026.12.0"), ev)
    assert old.phase == 2
    assert new.phase == 3
    assert new.platforms_covered == ("mastodon",)

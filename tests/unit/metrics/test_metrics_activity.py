"""Activity from hand-built posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from metrics_records import (
    WINDOW,
    account,
    active_snapshots,
    at,
    compute,
    org,
    pick,
    post,
    snapshot,
)

pytestmark = pytest.mark.unit

MAIN = account("Acme")
ACME = org(MAIN)
WEEK = timedelta(days=7)


def _values(posts, organisation=ACME, snapshots=None):  # type: ignore[no-untyped-def]
    snaps = active_snapshots(organisation) if snapshots is None else snapshots
    return compute(organisation, snapshots=snaps, posts=posts)


def _vn(values, metric, **kw):  # type: ignore[no-untyped-def]
    found = pick(values, f"activity.{metric}", **kw)
    return found.value, found.n


def test_one_post_every_week_is_perfectly_regular() -> None:
    posts = [
        post(f"p{i}", "Acme", WINDOW.start + i * WEEK + timedelta(hours=12)) for i in range(13)
    ]
    values = _values(posts)
    assert _vn(values, "posts_per_week") == (1.0, 13)
    assert _vn(values, "active_weeks_share") == (1.0, 13)
    assert _vn(values, "gap_regularity") == (1.0, 12)


def test_gap_regularity_is_one_minus_the_coefficient_of_variation() -> None:
    """Gaps of 1 h and 2 h: mean 1.5, population sd 0.5, CV 1/3."""
    posts = [
        post("a", "Acme", at()),
        post("b", "Acme", at(hours=1)),
        post("c", "Acme", at(hours=3)),
    ]
    value, n = _vn(_values(posts), "gap_regularity")
    assert (value, n) == (pytest.approx(2 / 3), 2)


def test_very_irregular_posting_is_floored_at_zero() -> None:
    """Gaps of 1 min, 1 min and 60 days: CV is about 1.41."""
    posts = [
        post("a", "Acme", at()),
        post("b", "Acme", at(minutes=1)),
        post("c", "Acme", at(minutes=2)),
        post("d", "Acme", at(days=60, minutes=2)),
    ]
    assert _vn(_values(posts), "gap_regularity") == (0.0, 3)


def test_posts_per_week_and_active_weeks_count_partial_blocks() -> None:
    """Three posts in week 1, none later: 3 posts over 13 weeks, 1 active week of 13."""
    posts = [post(f"p{i}", "Acme", WINDOW.start + timedelta(days=i)) for i in range(3)]
    values = _values(posts)
    assert _vn(values, "posts_per_week") == (pytest.approx(3 / 13), 13)
    assert _vn(values, "active_weeks_share") == (pytest.approx(1 / 13), 13)


def test_content_mix_shares_and_self_replies() -> None:
    """original, reply to a third party, reply to an own account (a thread), repost, quote."""
    posts = [
        post("o", "Acme", at(), "original"),
        post("r", "Acme", at(hours=1), "reply", in_reply_to_author="p:customer"),
        post("t", "Acme", at(hours=2), "reply", in_reply_to_author="acme"),
        post("rp", "Acme", at(hours=3), "repost"),
        post("q", "Acme", at(hours=4), "quote"),
    ]
    values = _values(posts)
    assert _vn(values, "original_share") == (0.2, 5)
    assert _vn(values, "reply_share") == (0.2, 5)
    assert _vn(values, "repost_share") == (0.4, 5)


def test_utm_link_share_is_over_posts_with_a_link() -> None:
    posts = [
        post("a", "Acme", at(), urls=("https://acme.nl/sale?utm_source=x&utm_medium=social",)),
        post("b", "Acme", at(hours=1), urls=("https://acme.nl/about", "https://acme.nl/?ref=x")),
        post("c", "Acme", at(hours=2), urls=("https://acme.nl/?UTM_CAMPAIGN=autumn",)),
        post("d", "Acme", at(hours=3)),
    ]
    assert _vn(_values(posts), "utm_link_share") == (pytest.approx(2 / 3), 3)


def test_campaign_tags_need_three_distinct_iso_weeks() -> None:
    monday = datetime(2026, 9, 7, 9, tzinfo=UTC)
    posts = [
        # #Launch in three ISO weeks (case-folded); Sunday 13 Sep is still the first week
        post("l1", "Acme", monday, hashtags=("Launch",)),
        post("l2", "Acme", monday + timedelta(days=6), hashtags=("launch",)),
        post("l3", "Acme", monday + timedelta(days=7), hashtags=("#LAUNCH",)),
        post("l4", "Acme", monday + timedelta(days=14), hashtags=("launch",)),
        # #once: three posts, two ISO weeks (Sunday 13 Sep and Monday 14 Sep)
        post("o1", "Acme", monday, hashtags=("once",)),
        post("o2", "Acme", monday + timedelta(days=6, hours=10), hashtags=("once",)),
        post("o3", "Acme", monday + timedelta(days=7), hashtags=("once",)),
    ]
    assert _vn(_values(posts), "campaign_tags") == (1.0, 7)


def test_platform_values_pool_the_accounts_posts() -> None:
    care = account("AcmeCare", function="service")
    organisation = org(MAIN, care)
    posts = [post(f"p{i}", "Acme", WINDOW.start + i * WEEK) for i in range(13)]
    posts += [post("c", "AcmeCare", WINDOW.start)]
    values = _values(posts, organisation)
    assert _vn(values, "posts_per_week", account_handle="AcmeCare", platform="x") == (
        pytest.approx(1 / 13),
        13,
    )
    assert _vn(values, "posts_per_week", platform="x") == (pytest.approx(14 / 13), 13)
    assert _vn(values, "active_weeks_share", platform="x") == (1.0, 13)
    # two posts at the same instant give a zero gap in the pooled stream
    assert _vn(values, "gap_regularity", platform="x")[1] == 13


def test_a_readable_account_without_posts_is_zero_an_unreadable_one_unknown() -> None:
    care = account("AcmeCare", function="service")
    organisation = org(MAIN, care)
    snaps = [snapshot("Acme"), snapshot("AcmeCare", status="protected")]
    values = _values([post("c", "AcmeCare", at())], organisation, snaps)
    assert _vn(values, "posts_per_week", account_handle="Acme", platform="x") == (0.0, 13)
    assert _vn(values, "posts_per_week", account_handle="AcmeCare", platform="x") == (None, 0)
    assert _vn(values, "original_share") == (None, 0)


def test_dormant_share_looks_at_the_last_90_days() -> None:
    care = account("AcmeCare", function="service")
    organisation = org(MAIN, care)
    posts = [
        post("recent", "Acme", WINDOW.end - timedelta(days=10)),
        # the window has 91 days: its first day is outside the last 90
        post("old", "AcmeCare", WINDOW.start + timedelta(hours=1)),
    ]
    values = _values(posts, organisation)
    dormant = pick(values, "presence.dormant_share")
    assert (dormant.value, dormant.n) == (0.5, 2)
    assert pick(values, "presence.dormant_share", "x", "AcmeCare").value == 1.0

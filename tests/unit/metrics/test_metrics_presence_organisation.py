"""Presence and organisation-wide metrics from a hand-built registry and snapshots.

The organisation: on X ``Acme`` (main), ``AcmeCare`` (service), ``JaneDoe`` (leadership),
``john_e`` (employee, protected) and ``AcmeJobs`` (careers, suspended at window end); on Reddit
``acme_official`` (main) and ``AcmeNews`` (press, never observed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from metrics_records import (
    WINDOW,
    account,
    at,
    compute,
    inbound,
    org,
    pick,
    post,
    reply,
    snapshot,
)

pytestmark = pytest.mark.unit

DEFAULT_AVATAR = "https://abs.twimg.com/sticky/default_profile_images/default_profile.png"
ACME = org(
    account("Acme"),
    account("AcmeCare", function="service"),
    account("JaneDoe", function="leadership"),
    account("john_e", function="employee"),
    account("AcmeJobs", function="careers"),
    account("acme_official", "reddit", subreddit="acme"),
    account("AcmeNews", "reddit", function="press"),
)
SNAPSHOTS = [
    snapshot(
        "Acme",
        display_name="Acme",
        description="Official account of Acme",
        profile_image_url="https://img/acme.png",
        banner_url="https://img/b.png",
        url="https://acme.nl",
        verified=True,
        created_at=datetime(2010, 1, 1, tzinfo=UTC),
        followers=1000,
    ),
    snapshot(
        "AcmeCare",
        function="service",
        display_name="Acme Care",
        description="Help",
        profile_image_url=DEFAULT_AVATAR,
        banner_url=" ",
        verified=False,
        created_at=datetime(2015, 1, 1, tzinfo=UTC),
    ),
    snapshot(
        "JaneDoe",
        function="leadership",
        display_name="Jane Doe",
        description="CEO at ACME. Views my own.",
    ),
    snapshot("john_e", function="employee", status="protected", description="Acme engineer"),
    snapshot("AcmeJobs", function="careers", observed_at=datetime(2026, 8, 10, tzinfo=UTC)),
    snapshot("AcmeJobs", function="careers", status="suspended"),
    snapshot("AcmeJobs", function="careers", observed_at=WINDOW.end + timedelta(days=1)),
    snapshot("acme_official", "reddit", display_name="acme_official"),
]
H = timedelta(hours=1)


def _messages() -> tuple[list, list]:  # type: ignore[type-arg]
    """Per-account median first response: Acme 1 h, AcmeCare 2 h, acme_official 4 h."""
    msgs, links = [], []
    for handle, platform, delays in (
        ("Acme", "x", [1]),
        ("AcmeCare", "x", [1, 3]),
        ("acme_official", "reddit", [4]),
    ):
        for i, hours in enumerate(delays):
            m = inbound(f"{handle}-{i}", handle, at(days=i), platform=platform)
            msgs.append(m)
            links.append(reply(m, hours * H))
    return msgs, links


@pytest.fixture(scope="module")
def values():  # type: ignore[no-untyped-def]
    msgs, links = _messages()
    posts = [
        post("care-mentions-main", "AcmeCare", at(), mentions=("acme",)),
        post("jane-mentions-nobody", "JaneDoe", at(), mentions=("p:someone",)),
    ]
    return compute(ACME, snapshots=SNAPSHOTS, posts=posts, messages=msgs, links=links)


def vn(values, metric, platform="all", handle=None):  # type: ignore[no-untyped-def]
    found = pick(values, metric, platform, handle)
    return found.value, found.n


@pytest.mark.parametrize(
    ("metric", "platform", "expected"),
    [
        # readable: Acme, AcmeCare, JaneDoe, acme_official; observed: all but AcmeNews
        ("presence.accounts_total", "all", (4, 6)),
        ("presence.accounts_total", "x", (3, 5)),
        ("presence.accounts_total", "reddit", (1, 1)),
        ("presence.platforms_active", "all", (2, 6)),
        ("presence.platforms_active", "reddit", (1, 1)),
        # organisational readable accounts only (JaneDoe is personal), and only the fields
        # each API exposes: X name/bio/avatar/url, Reddit name/bio/avatar/banner.
        # Acme 4 of 4, AcmeCare 2 of 4 (default avatar, no url), acme_official 1 of 4
        ("presence.profile_completeness", "all", (7 / 12, 12)),
        ("presence.profile_completeness", "x", (0.75, 8)),
        ("presence.profile_completeness", "reddit", (0.25, 4)),
        # verified known for Acme (yes) and AcmeCare (no) only
        ("presence.verified_share", "all", (0.5, 2)),
        # 'acme' in handle or display name: every organisational account (JaneDoe is personal)
        ("presence.naming_consistency", "all", (1.0, 3)),
        ("presence.naming_consistency", "reddit", (1.0, 1)),
        # no posts in the window except two: Acme and acme_official are dormant
        ("presence.dormant_share", "all", (0.5, 4)),
        # functions of readable accounts that posted in the window: AcmeCare (service) only;
        # JaneDoe posted too, but leadership is no function; Acme and acme_official are silent
        ("organisation.functions_with_accounts", "all", (1, 6)),
        ("organisation.functions_with_accounts", "x", (1, 5)),
        ("organisation.functions_with_accounts", "reddit", (0, 1)),
        # secondaries on X: AcmeCare (mentions the main account) and JaneDoe (does not)
        ("organisation.hub_spoke_links", "all", (0.5, 2)),
        ("organisation.hub_spoke_links", "x", (0.5, 2)),
        ("organisation.hub_spoke_links", "reddit", (None, 0)),
        # per-account medians 1, 2 and 4 h: P90 3.6 over median 2
        ("organisation.response_time_spread", "all", (pytest.approx(1.8), 3)),
        # X: medians 1 and 2 h: P90 1.9 over median 1.5
        ("organisation.response_time_spread", "x", (pytest.approx(1.9 / 1.5), 2)),
        ("organisation.executive_accounts", "all", (1, 1)),
        # john_e names Acme but is protected
        ("organisation.employee_accounts", "all", (0, 1)),
    ],
)
def test_table(values, metric, platform, expected) -> None:  # type: ignore[no-untyped-def]
    assert vn(values, metric, platform) == expected


def test_account_age_is_the_oldest_readable_account(values) -> None:  # type: ignore[no-untyped-def]
    days = (WINDOW.end - datetime(2010, 1, 1, tzinfo=UTC)) / timedelta(days=1)
    assert vn(values, "presence.account_age_days") == (days, 2)


def test_per_account_presence(values) -> None:  # type: ignore[no-untyped-def]
    assert vn(values, "presence.profile_completeness", "x", "AcmeCare") == (0.5, 4)
    assert vn(values, "presence.accounts_total", "x", "AcmeJobs") == (0, 1)
    assert vn(values, "presence.profile_completeness", "x", "AcmeJobs") == (None, 0)
    assert vn(values, "presence.accounts_total", "reddit", "AcmeNews") == (None, 0)


def test_organisation_metrics_have_no_account_values(values) -> None:  # type: ignore[no-untyped-def]
    for v in values:
        if v.metric_id.startswith("organisation.") or v.metric_id == "presence.platforms_active":
            assert v.account is None, v


def test_no_name_stems_leaves_naming_unknown() -> None:
    organisation = org(account("Acme"), account("Boss", function="leadership"), stems=())
    result = compute(organisation, snapshots=[snapshot("Acme"), snapshot("Boss")])
    assert vn(result, "presence.naming_consistency") == (None, 0)
    assert vn(result, "organisation.executive_accounts") == (None, 0)


def test_reddit_subreddit_posts_belong_to_the_account_of_the_subreddit() -> None:
    organisation = org(account("acme_official", "reddit", subreddit="AcmeSub"))
    posts = [
        post("t3_a", "r/AcmeSub", at(), platform="reddit"),
        post("t3_b", "acme_official", at(hours=1), platform="reddit"),
    ]
    result = compute(organisation, snapshots=[snapshot("acme_official", "reddit")], posts=posts)
    assert vn(result, "activity.original_share", "reddit", "acme_official") == (1.0, 2)

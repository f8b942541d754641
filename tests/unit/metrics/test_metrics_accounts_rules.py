"""Issue 12, the account rules: active functions, hub-and-spoke links, history caps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from metrics_records import WINDOW, account, at, compute, org, pick, post, snapshot

pytestmark = pytest.mark.unit

ORG = org(
    account("Acme"),
    account("AcmeCare", function="service"),
    account("AcmeJobs", function="careers"),
    account("JaneDoe", function="leadership"),
    account("acme_help", "reddit", function="regional"),
)


def _snapshots(**by_handle: dict[str, object]) -> list[object]:
    platforms = {"acme_help": "reddit"}
    return [
        snapshot(
            a.handle,
            platforms.get(a.handle, "x"),
            function=a.function,
            **by_handle.get(a.handle, {}),
        )
        for a in ORG.accounts
    ]


# -- functions ----------------------------------------------------------------------------


def test_functions_count_only_accounts_active_in_the_window_and_not_leadership() -> None:
    posts = [
        post("p1", "AcmeCare", at()),
        post("p2", "JaneDoe", at()),
        post("p3", "AcmeJobs", WINDOW.start - timedelta(days=3)),  # before the window
    ]
    values = compute(ORG, snapshots=_snapshots(), posts=posts)
    assert pick(values, "organisation.functions_with_accounts").value == 1  # service only
    assert pick(values, "organisation.executive_accounts").n == 1  # leadership still counted


# -- hub and spoke ------------------------------------------------------------------------


def _hub(values: tuple[object, ...], platform: str = "all") -> tuple[float | None, int]:
    found = pick(values, "organisation.hub_spoke_links", platform)  # type: ignore[arg-type]
    return found.value, found.n


def test_an_x_bio_linking_the_reddit_account_counts_across_platforms() -> None:
    snaps = _snapshots(Acme={"description": "Help: reddit.com/r/acmehelp", "bio_urls": ()})
    org_with_sub = org(
        *(a for a in ORG.accounts if a.handle != "acme_help"),
        account("acme_help", "reddit", function="regional", subreddit="acmehelp"),
    )
    values = compute(org_with_sub, snapshots=snaps)
    # secondaries: AcmeCare, AcmeJobs, JaneDoe (X) and acme_help (Reddit); one linked
    assert _hub(values) == (0.25, 4)
    assert _hub(values, "reddit") == (1.0, 1)
    links = [
        r
        for r in pick(values, "organisation.hub_spoke_links").refs
        if (r.endpoint or "").startswith("link:")
    ]
    assert [(r.ref, r.endpoint) for r in links] == [
        ("acme_help", "link:bio x/Acme -> reddit/acme_help")
    ]


def test_links_from_expanded_bio_urls_the_website_field_and_at_handles() -> None:
    snaps = _snapshots(
        Acme={
            "description": "Service: @AcmeCare",
            "bio_urls": ("https://www.reddit.com/user/acme_help",),
        },
        AcmeJobs={"url": "https://x.com/acme"},
    )
    values = compute(ORG, snapshots=snaps)
    refs = {
        (r.ref, r.endpoint)
        for r in pick(values, "organisation.hub_spoke_links").refs
        if (r.endpoint or "").startswith("link:")
    }
    assert refs == {
        ("AcmeCare", "link:bio x/Acme -> x/AcmeCare"),
        ("acme_help", "link:bio x/Acme -> reddit/acme_help"),
        ("AcmeJobs", "link:url x/AcmeJobs -> x/Acme"),
    }
    assert _hub(values) == (0.75, 4)


def test_a_pinned_post_mentioning_the_main_account_is_named_as_pinned() -> None:
    snaps = _snapshots(AcmeCare={"pinned_post_id": "pin"})
    posts = [post("pin", "AcmeCare", at(), mentions=("acme",))]
    values = compute(ORG, snapshots=snaps, posts=posts)
    refs = [
        r.endpoint for r in pick(values, "organisation.hub_spoke_links").refs if r.kind == "item"
    ]
    assert "link:pinned x/AcmeCare -> x/Acme" in refs
    assert _hub(values) == (0.25, 4)


def test_other_peoples_handles_and_non_profile_links_are_no_links() -> None:
    snaps = _snapshots(
        Acme={"description": "@(person) x.com/home reddit.com/r/other", "url": "https://acme.nl"}
    )
    assert _hub(compute(ORG, snapshots=snaps)) == (0.0, 4)


# -- history caps -------------------------------------------------------------------------


def _weekly_posts(handle: str, start_week: int) -> list[object]:
    return [
        post(f"{handle}{w}", handle, WINDOW.start + timedelta(weeks=w, days=1))
        for w in range(start_week, 13)
    ]


def test_a_capped_timeline_is_measured_over_the_span_it_covers() -> None:
    covered = WINDOW.start + timedelta(weeks=9)
    snaps = _snapshots(Acme={"history_capped": True, "covered_from": covered})
    values = compute(ORG, snapshots=snaps, posts=_weekly_posts("Acme", 9))
    acme = pick(values, "activity.active_weeks_share", "x", "Acme")
    assert (acme.value, acme.n) == (1.0, 4)  # weeks 9-12, every one with a post
    assert pick(values, "activity.posts_per_week", "x", "Acme").value == pytest.approx(
        4 / ((WINDOW.end - covered) / timedelta(weeks=1))
    )
    assert pick(values, "activity.history_capped", "x", "Acme").value == 1
    assert pick(values, "activity.history_capped").value == 1
    assert pick(values, "activity.history_capped", "x", "AcmeCare").value == 0
    span = pick(values, "activity.observed_span_days", "x", "Acme").value
    assert span == pytest.approx((WINDOW.end - covered) / timedelta(days=1))
    assert pick(values, "activity.observed_span_days").value == pytest.approx(span)
    assert pick(values, "activity.observed_span_days", "x", "AcmeCare").value == pytest.approx(
        (WINDOW.end - WINDOW.start) / timedelta(days=1)
    )


def test_without_the_cap_the_same_posts_read_as_silence() -> None:
    values = compute(ORG, snapshots=_snapshots(), posts=_weekly_posts("Acme", 9))
    acme = pick(values, "activity.active_weeks_share", "x", "Acme")
    assert (acme.value, acme.n) == (pytest.approx(4 / 13), 13)
    assert pick(values, "activity.history_capped", "x", "Acme").value == 0


def test_a_timeline_at_the_cap_is_capped_without_the_snapshot_flag() -> None:
    covered = WINDOW.start + timedelta(weeks=6)
    step = (WINDOW.end - covered) / 3200
    posts = [post(f"p{i}", "Acme", covered + step * i) for i in range(3200)]
    values = compute(ORG, snapshots=_snapshots(), posts=posts)
    assert pick(values, "activity.history_capped", "x", "Acme").value == 1
    acme = pick(values, "activity.active_weeks_share", "x", "Acme")
    assert (acme.value, acme.n) == (1.0, 7)

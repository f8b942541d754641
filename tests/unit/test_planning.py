"""The run's plan: requests per bucket and credential, the lower bound the rate limits impose,
the split over credentials, the read budget, and what the landing says of the previous run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from maturity import costs, planning
from maturity.connectors.context import XContext
from maturity.connectors.landing import Landing
from maturity.connectors.limits import (
    DOCUMENTED,
    X_USER_MENTIONS,
    X_USER_TWEETS,
    X_USERS_BY,
    Limit,
)
from maturity.connectors.settings import BlueskySettings, XSettings
from maturity.evidence import Window

pytestmark = pytest.mark.unit

WEEK = timedelta(days=7)
END = datetime(2026, 11, 2, tzinfo=UTC)
THIS = Window(END - WEEK, END)
LAST = Window(END - 2 * WEEK, END - WEEK)
X_LIMITS = DOCUMENTED["x"]


def test_the_first_run_bound_comes_from_the_caps_and_page_size() -> None:
    x = XSettings(bearer_token="t")
    assert planning.first_run_requests("x", x) == {
        X_USERS_BY: 1,
        X_USER_TWEETS: 32,  # 3,200 posts / 100 a page
        X_USER_MENTIONS: 8,  # 800 mentions / 100 a page
    }
    small = XSettings(bearer_token="t", page_size=50, mentions=False)
    assert planning.first_run_requests("x", small) == {X_USERS_BY: 1, X_USER_TWEETS: 64}
    # Reddit: about + 10 submitted and 10 comments pages + a comment tree per submission
    reddit = SimpleNamespace(listing_cap=1000, mentions=True, user_auth=False)
    assert planning.first_run_requests("reddit", reddit) == {"reddit": 1 + 20 + 1000}
    bluesky = BlueskySettings()
    # profile + 10 feed pages of 100 + one thread per post up to threads_cap (200)
    assert planning.first_run_requests("bluesky", bluesky) == {"bluesky": 1 + 10 + 200}


def test_a_previous_run_is_grown_by_the_margin_and_a_new_account_takes_the_bound() -> None:
    previous = ({X_USER_TWEETS: 10, X_USER_MENTIONS: 3}, {"post": 900, "user": 5})
    seen = planning.account_plan("a", "x", "h", previous, {X_USER_TWEETS: 32}, margin=0.2)
    assert seen.requests == {X_USER_TWEETS: 12, X_USER_MENTIONS: 4}  # ceil(3 * 1.2) = 4
    assert seen.reads == {"post": 1080, "user": 6}
    assert seen.basis == "previous run"
    new = planning.account_plan("a", "x", "h", None, {X_USER_TWEETS: 32})
    assert new.requests == {X_USER_TWEETS: 32}
    assert new.reads == costs.X_FIRST_RUN_READS
    assert new.basis == "first run"


def _plans(n: int, mentions: int) -> list[planning.AccountPlan]:
    return [
        planning.AccountPlan(f"org{i}", "x", f"h{i}", {X_USER_MENTIONS: mentions}) for i in range(n)
    ]


def test_the_lower_bound_is_the_slowest_bucket() -> None:
    # 1,000 accounts of 3 mention pages: 3,000 requests at 450 per 15 min = 7 windows, and the
    # last one's requests go as it opens: 6 * 15 min = 90 min at the least.
    plans = _plans(1000, 3)
    one = {("x", p.org_id): "x_default" for p in plans}
    loads = planning.bucket_loads(plans, one, {("x", "x_default"): X_LIMITS})
    [mentions] = loads
    assert (mentions.requests, mentions.windows, mentions.seconds) == (3000, 7, 6 * 900)
    forecast = planning.Forecast(tuple(loads), interval_seconds=3600)
    assert forecast.lower_bound_seconds == 5400
    assert forecast.exceeds_interval
    warning = forecast.warning()
    assert warning is not None
    assert "at least 1.5 h, the interval is 1.0 h" in warning
    assert "3,000 requests at 450 per 15 min = 7 window(s)" in warning
    assert "MATURITY_CREDENTIALS_<PLATFORM>" in warning
    assert "minstens 1.5 h" in (forecast.warning("nl") or "")
    # within a week it fits, and then nothing is said
    week = planning.Forecast(tuple(loads), interval_seconds=WEEK.total_seconds())
    assert not week.exceeds_interval
    assert week.warning() is None
    assert week.summary()["buckets"][0]["windows"] == 7


def test_requests_within_one_window_need_no_wait() -> None:
    plans = _plans(150, 3)  # 450 requests: exactly one window
    one = {("x", p.org_id): "x_default" for p in plans}
    [load] = planning.bucket_loads(plans, one, {("x", "x_default"): X_LIMITS})
    assert (load.windows, load.seconds) == (1, 0)


def test_two_credentials_halve_the_bound_and_an_override_counts() -> None:
    plans = _plans(1000, 3)
    loads = [(p.org_id, planning.weight([p], X_LIMITS)) for p in plans]
    split = planning.assign(loads, ["x_default", "x_app2"])
    assert sorted(split.values()).count("x_app2") == 500
    limits = {("x", "x_default"): X_LIMITS, ("x", "x_app2"): X_LIMITS}
    two = planning.bucket_loads(plans, {("x", o): c for o, c in split.items()}, limits)
    assert [(b.credential, b.requests, b.windows) for b in two] == [
        ("x_app2", 1500, 4),
        ("x_default", 1500, 4),
    ]
    assert planning.Forecast(tuple(two), 3600).lower_bound_seconds == 3 * 900
    # a tier twice as generous for one app (its connection's rate_limits)
    faster = {**limits, ("x", "x_app2"): {**X_LIMITS, X_USER_MENTIONS: Limit(900, 900.0)}}
    loads_fast = planning.bucket_loads(plans, {("x", o): c for o, c in split.items()}, faster)
    assert {b.credential: b.windows for b in loads_fast} == {"x_app2": 2, "x_default": 4}


def test_assignment_is_whole_organisations_balanced_and_stable() -> None:
    loads = [("big", 10.0), ("a", 1.0), ("b", 1.0), ("c", 1.0), ("d", 7.0)]
    split = planning.assign(loads, ["one", "two"])
    assert split == {"big": "one", "a": "two", "b": "two", "c": "two", "d": "two"}
    assert planning.assign(loads, ["one", "two"]) == split
    assert set(planning.assign(loads, ["only"]).values()) == {"only"}
    with pytest.raises(ValueError, match="at least one credential"):
        planning.assign(loads, [])


def test_the_budget_admits_whole_organisations_and_says_why_the_rest_are_out() -> None:
    per_account = sum(costs.X_FIRST_RUN_READS.values())
    plans = {org: [planning.account_plan(org, "x", "h", None, {})] for org in ("a", "b", "c")}
    estimates = [planning.org_reads(org, p) for org, p in plans.items()]
    assert [e.total for e in estimates] == [per_account] * 3
    plan = costs.admit(estimates, costs.Budget(per_run=2 * per_account), spent_this_month=0)
    assert [e.org_id for e in plan.admitted] == ["a", "b"]
    [refusal] = plan.refused
    reason = planning.budget_reason(refusal, plan)
    assert reason.startswith("not collected: X read budget:")
    assert f"run budget {2 * per_account:,}" in reason
    assert "read_budget_per_run" in reason


def _land(root: Path, window: Window, pages: list[tuple[str, dict]]) -> None:
    landing = Landing(root)
    al = landing.account("x", "org", "Handle", window)
    for endpoint, body in pages:
        al.land(
            endpoint=endpoint,
            route="/2/x",
            url="https://api.x.com/2/x",
            status=200,
            headers={},
            body=json.dumps(body).encode(),
        )
    al.commit(XContext())


def test_the_previous_run_is_read_from_the_last_window_before_this_one(tmp_path: Path) -> None:
    tweets = {"data": [{"id": "1"}, {"id": "2"}], "includes": {"users": [{"id": "u"}]}}
    _land(tmp_path, LAST, [("users_tweets", tweets), ("users_tweets", {"meta": {}})])
    _land(tmp_path, Window(END - 3 * WEEK, END - 2 * WEEK), [("users_tweets", tweets)] * 5)
    # this window's own pages are not the previous run
    _land(tmp_path, THIS, [("users_mentions", tweets)] * 9)
    found = planning.previous_from_landing(tmp_path, "x", "org", "Handle", THIS)
    assert found == ({X_USER_TWEETS: 2}, {"post": 2, "user": 1})
    assert planning.previous_from_landing(tmp_path, "x", "org", "Other", THIS) is None
    first = Window(END - 9 * WEEK, END - 8 * WEEK)
    assert planning.previous_from_landing(tmp_path, "x", "org", "Handle", first) is None


def test_landed_reads_count_only_this_organisations_users_in_a_shared_lookup(
    tmp_path: Path,
) -> None:
    lookup = {"data": [{"id": "1", "username": "handle"}, {"id": "2", "username": "someone"}]}
    posts = {"data": [{"id": "p1"}, {"id": "p2"}, {"id": "p3"}]}
    _land(tmp_path, THIS, [("users_by", lookup), ("users_tweets", posts)])
    assert planning.landed_reads(tmp_path, "org", ["Handle"], THIS) == {"user": 1, "post": 3}
    assert planning.landed_reads(tmp_path, "org", ["Nobody"], THIS) == {}


def test_first_run_bounds_exist_for_every_platform_with_defaults() -> None:
    import dataclasses

    from maturity.connectors import settings as cs

    for platform, cls in (("reddit", cs.RedditSettings), ("mastodon", cs.MastodonSettings)):
        caps = SimpleNamespace(
            **{
                f.name: f.default
                for f in dataclasses.fields(cls)
                if f.default is not dataclasses.MISSING
            }
        )
        [(bucket, n)] = planning.first_run_requests(platform, caps).items()
        assert bucket in DOCUMENTED[platform]
        assert n > 1


def test_a_resource_read_twice_in_a_window_counts_once(tmp_path: Path) -> None:
    first = {"data": [{"id": "p1"}, {"id": "p2"}], "includes": {"users": [{"id": "a"}]}}
    overlap = {"data": [{"id": "p2"}, {"id": "p3"}], "includes": {"users": [{"id": "a"}]}}
    _land(tmp_path, THIS, [("users_mentions", first), ("users_mentions", overlap)])
    assert planning.landed_reads(tmp_path, "org", ["Handle"], THIS) == {"post": 3, "user": 1}
    # per page, X's bill counts each response (what reads_in_page says of one page)
    assert costs.reads_in_page("x", "users_mentions", overlap) == {"post": 2, "user": 1}

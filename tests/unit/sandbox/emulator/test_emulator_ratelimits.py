"""Rate-limit headers, exhaustion, usage caps and windows, per platform."""

from __future__ import annotations

import time

import pytest
import requests
import tweepy
from emulator_small_world import MAIN, REDDIT_MAIN

from maturity.connectors import limits as limits_module
from maturity.sandbox.emulator import EmulatedLimit, Emulator, World
from maturity.sandbox.emulator.clients import praw_reddit, tweepy_client
from maturity.sandbox.emulator.ratelimits import REALISTIC, RateLimiter

pytestmark = pytest.mark.integration


def lookup(emu: Emulator) -> requests.Response:
    return requests.get(
        f"{emu.x_base_url}/2/users/by",
        params={"usernames": MAIN},
        headers={"Authorization": f"Bearer {emu.bearer_token}"},
        timeout=5,
    )


def test_x_headers_count_down_per_endpoint(small_world: World) -> None:
    limits = {"GET /2/users/by": EmulatedLimit(5)}
    with Emulator(small_world, limits=limits) as emu:
        first, second = lookup(emu), lookup(emu)
        assert first.headers["x-rate-limit-limit"] == "5"
        assert [r.headers["x-rate-limit-remaining"] for r in (first, second)] == ["4", "3"]
        reset = int(first.headers["x-rate-limit-reset"])
        assert time.time() < reset <= time.time() + 901
        user_id = first.json()["data"][0]["id"]
        timeline = tweepy_client(emu, return_type=requests.Response).get_users_tweets(user_id)
        documented = limits_module.DOCUMENTED["x"][limits_module.X_USER_TWEETS].requests
        assert timeline.headers["x-rate-limit-limit"] == str(documented)  # its own bucket


def test_x_answers_429_when_the_window_is_used_up(small_world: World) -> None:
    with Emulator(small_world, limits={"GET /2/users/by": EmulatedLimit(2)}) as emu:
        client = tweepy_client(emu)
        client.get_users(usernames=[MAIN])
        client.get_users(usernames=[MAIN])
        with pytest.raises(tweepy.TooManyRequests) as err:
            client.get_users(usernames=[MAIN])
        resp = err.value.response
        assert resp.json()["title"] == "Too Many Requests"
        assert resp.headers["x-rate-limit-remaining"] == "0"
        assert emu.calls["GET /2/users/by"] == 3


def test_a_usage_cap_answers_with_a_far_reset(small_world: World) -> None:
    with Emulator(small_world, limits={"GET /2/users/by": EmulatedLimit.cap(1)}) as emu:
        assert lookup(emu).status_code == 200
        capped = lookup(emu)
        assert capped.status_code == 429
        assert capped.json()["title"] == "UsageCapExceeded"
        assert int(capped.headers["x-rate-limit-reset"]) - time.time() > 29 * 86_400


def test_exhaust_at_run_time(small: Emulator) -> None:
    small.exhaust("GET /2/users/by", reset_in=7 * 86_400)
    resp = lookup(small)
    assert resp.status_code == 429
    assert int(resp.headers["x-rate-limit-reset"]) - time.time() > 6 * 86_400


def test_reddit_headers_and_429(small_world: World) -> None:
    with Emulator(small_world, limits={"reddit": EmulatedLimit(3, 600)}) as emu:
        token = requests.post(
            f"{emu.reddit_www_url}/api/v1/access_token",
            data={"grant_type": "client_credentials"},
            auth=(emu.reddit_client_id, emu.reddit_client_secret),
            timeout=5,
        ).json()["access_token"]
        auth = {"Authorization": f"bearer {token}"}
        url = f"{emu.reddit_oauth_url}/user/{REDDIT_MAIN}/about"
        seen = [requests.get(url, headers=auth, timeout=5) for _ in range(4)]
        assert [r.headers["x-ratelimit-used"] for r in seen] == ["1", "2", "3", "3"]
        assert [r.headers["x-ratelimit-remaining"] for r in seen] == ["2.0", "1.0", "0.0", "0.0"]
        assert all(0 < int(r.headers["x-ratelimit-reset"]) <= 600 for r in seen)
        assert seen[-1].status_code == 429


def test_praw_reads_the_headers_without_pacing_under_generous_limits(small: Emulator) -> None:
    reddit = praw_reddit(small)
    started = time.monotonic()
    assert len(list(reddit.subreddit("voorbeeld").new(limit=None))) == 1000  # ten pages
    assert time.monotonic() - started < 3
    assert reddit.auth.limits["remaining"] is not None


@pytest.mark.unit
def test_windows_refill_after_their_length() -> None:
    now = [1000.0]
    limiter = RateLimiter({"GET /x": EmulatedLimit(2, 60)}, clock=lambda: now[0])
    assert [limiter.consume("GET /x").allowed for _ in range(3)] == [True, True, False]
    assert limiter.peek("GET /x").reset_at == 1060.0
    now[0] = 1060.0
    quota = limiter.consume("GET /x")
    assert (quota.allowed, quota.remaining, quota.reset_at) == (True, 1, 1120.0)


def test_the_realistic_table_is_the_documented_one() -> None:
    """The emulator enforces the limits the product plans against, bucket for bucket."""
    for buckets in limits_module.DOCUMENTED.values():
        for key, limit in buckets.items():
            assert REALISTIC[key].limit == limit.requests
            assert REALISTIC[key].window == limit.window_seconds


def _lookup_as(emu: Emulator, token: str) -> requests.Response:
    return requests.get(
        f"{emu.x_base_url}/2/users/by",
        params={"usernames": MAIN},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def test_x_keeps_one_bucket_per_app(small_world: World) -> None:
    """Two apps' bearer tokens: each has its own users/by bucket, as X counts per app."""
    limits = {"GET /2/users/by": EmulatedLimit(2)}
    with Emulator(small_world, limits=limits, extra_bearer_tokens=("app-two",)) as emu:
        first = [_lookup_as(emu, emu.bearer_token).status_code for _ in range(3)]
        assert first == [200, 200, 429]
        second = [_lookup_as(emu, "app-two") for _ in range(3)]
        assert [r.status_code for r in second] == [200, 200, 429]
        assert [r.headers["x-rate-limit-remaining"] for r in second[:2]] == ["1", "0"]
        assert _lookup_as(emu, "not-an-app").status_code == 401


def test_exhausting_a_route_without_a_credential_blocks_every_app(small_world: World) -> None:
    with Emulator(small_world, limits=GENEROUS_LOOKUP, extra_bearer_tokens=("app-two",)) as emu:
        assert _lookup_as(emu, "app-two").status_code == 200
        emu.exhaust("GET /2/users/by", reset_in=60)
        assert _lookup_as(emu, emu.bearer_token).status_code == 429  # never called before
        assert _lookup_as(emu, "app-two").status_code == 429


GENEROUS_LOOKUP = {"GET /2/users/by": EmulatedLimit(1000)}


def test_limiter_buckets_are_keyed_by_credential_and_route() -> None:
    now = [1000.0]
    limiter = RateLimiter({"GET /2/users/by": EmulatedLimit(1, 10.0)}, clock=lambda: now[0])
    assert limiter.consume("GET /2/users/by", "a").allowed
    assert not limiter.consume("GET /2/users/by", "a").allowed
    assert limiter.consume("GET /2/users/by", "b").allowed  # another app: its own bucket
    assert limiter.consume("GET /2/users/:id/tweets", "a").allowed  # another route
    limiter.exhaust("GET /2/users/by", 5.0, credential="c")
    assert not limiter.peek("GET /2/users/by", "c").allowed
    now[0] += 10.0
    assert limiter.consume("GET /2/users/by", "a").allowed  # the window has passed

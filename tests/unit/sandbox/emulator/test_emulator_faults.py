"""Every fault kind, observed through real clients (and raw requests where a client hides it)."""

from __future__ import annotations

import time

import pytest
import requests
import tweepy
from emulator_small_world import MAIN, REDDIT_MAIN

from maturity.sandbox.emulator import Emulator, Fault, FaultKind
from maturity.sandbox.emulator.clients import praw_reddit, tweepy_client
from maturity.sandbox.emulator.faults import FaultPlan

pytestmark = pytest.mark.integration

USERS_BY = "GET /2/users/by"


def lookup(emu: Emulator, timeout: float = 5) -> requests.Response:
    return requests.get(
        f"{emu.x_base_url}/2/users/by",
        params={"usernames": MAIN},
        headers={"Authorization": f"Bearer {emu.bearer_token}"},
        timeout=timeout,
    )


def test_server_error_hits_only_the_programmed_call(small: Emulator) -> None:
    small.inject(FaultKind.SERVER_ERROR, route=USERS_BY, at=(2,), status=502)
    client = tweepy_client(small)
    assert client.get_users(usernames=[MAIN]).data
    with pytest.raises(tweepy.TwitterServerError) as err:
        client.get_users(usernames=[MAIN])
    assert err.value.response.status_code == 502
    assert err.value.response.json()["title"] == "Bad Gateway"
    assert client.get_users(usernames=[MAIN]).data
    assert small.calls[USERS_BY] == 3


def test_rate_limit_fault_is_a_429_with_an_exhausted_window(small: Emulator) -> None:
    small.inject(FaultKind.RATE_LIMIT, route=USERS_BY, reset_in=30)
    with pytest.raises(tweepy.TooManyRequests) as err:
        tweepy_client(small).get_users(usernames=[MAIN])
    headers = err.value.response.headers
    assert headers["x-rate-limit-remaining"] == "0"
    assert 25 <= int(headers["x-rate-limit-reset"]) - time.time() <= 31
    assert lookup(small).status_code == 200


def test_timeout_delays_past_the_client_timeout_then_recovers(small: Emulator) -> None:
    small.inject(FaultKind.TIMEOUT, route=USERS_BY, delay=1.0)
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        lookup(small, timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert lookup(small).status_code == 200


def test_malformed_json_is_a_200_that_does_not_parse(small: Emulator) -> None:
    small.inject(FaultKind.MALFORMED_JSON, route=USERS_BY)
    resp = lookup(small)
    assert resp.status_code == 200
    assert resp.content.startswith(b'{"data"')
    with pytest.raises(requests.JSONDecodeError):
        resp.json()


def test_truncated_page_breaks_off_mid_body(small: Emulator) -> None:
    small.inject(FaultKind.TRUNCATED, route=USERS_BY)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        lookup(small)
    assert lookup(small).json()["data"][0]["username"] == MAIN


def test_connection_reset(small: Emulator) -> None:
    small.inject(FaultKind.CONNECTION_RESET, route=USERS_BY)
    with pytest.raises(requests.ConnectionError):
        lookup(small)
    assert lookup(small).status_code == 200


def test_platform_wildcard_and_reddit_server_error_body(small: Emulator) -> None:
    token = requests.post(
        f"{small.reddit_www_url}/api/v1/access_token",
        data={"grant_type": "client_credentials"},
        auth=(small.reddit_client_id, small.reddit_client_secret),
        timeout=5,
    ).json()["access_token"]
    small.inject(Fault(FaultKind.SERVER_ERROR, route="reddit:*", times=2, status=503))
    about = f"{small.reddit_oauth_url}/user/{REDDIT_MAIN}/about"
    auth = {"Authorization": f"bearer {token}"}
    for _ in range(2):
        resp = requests.get(about, headers=auth, timeout=5)
        assert resp.status_code == 503
        assert resp.headers["content-type"].startswith("text/html")
        assert "x-ratelimit-remaining" in resp.headers
    assert lookup(small).status_code == 200  # X is untouched
    assert requests.get(about, headers=auth, timeout=5).json()["kind"] == "t2"
    assert [r.fault for r in small.call_log if r.fault] == ["server_error"] * 2


def test_praw_sees_a_faulted_token_endpoint(small: Emulator) -> None:
    small.inject(FaultKind.MALFORMED_JSON, route="POST /api/v1/access_token")
    with pytest.raises(requests.JSONDecodeError):  # prawcore does not wrap this one
        praw_reddit(small).redditor(REDDIT_MAIN).link_karma  # noqa: B018


def test_faults_programmed_through_the_control_endpoint(small: Emulator) -> None:
    url = f"{small.url}/_emulator/faults"
    resp = requests.post(
        url, json={"kind": "server_error", "route": USERS_BY, "status": 500}, timeout=5
    )
    assert resp.status_code == 201
    assert lookup(small).status_code == 500
    assert lookup(small).status_code == 200
    listed = requests.get(url, timeout=5).json()["faults"]
    assert (listed[0]["seen"], listed[0]["fired"]) == (2, 1)
    bad = requests.post(url, json={"kind": "server_error", "status": 404}, timeout=5)
    assert bad.status_code == 400
    assert requests.delete(url, timeout=5).json() == {"cleared": True}


def test_faults_given_at_construction(small_world: object) -> None:
    from maturity.sandbox.emulator import GENEROUS

    with Emulator(
        small_world,
        limits=GENEROUS,  # type: ignore[arg-type]
        faults=[Fault(FaultKind.SERVER_ERROR, route=USERS_BY)],
    ) as emu:
        assert lookup(emu).status_code == 503
        assert lookup(emu).status_code == 200


@pytest.mark.unit
def test_fault_schedules_are_deterministic() -> None:
    plan = FaultPlan()
    plan.add(Fault(FaultKind.SERVER_ERROR, route="GET /a", every=2))
    plan.add(Fault(FaultKind.TIMEOUT, route="x:*", times=3))
    plan.add(Fault(FaultKind.CONNECTION_RESET, route="*", at=(5,)))
    kinds = [getattr(plan.next_for("x", "GET /a"), "kind", None) for _ in range(6)]
    assert kinds == [
        FaultKind.TIMEOUT,
        FaultKind.SERVER_ERROR,
        FaultKind.TIMEOUT,
        FaultKind.SERVER_ERROR,
        FaultKind.CONNECTION_RESET,
        FaultKind.SERVER_ERROR,
    ]
    assert plan.next_for("reddit", "GET /b") is None
    with pytest.raises(ValueError, match="delay"):
        Fault(FaultKind.TIMEOUT, delay=3600)


def test_a_post_indexed_late_is_left_out_of_timelines_until_indexed(
    emulator: Emulator,
) -> None:
    user = next(
        u
        for u in emulator.app.x.users_by_id.values()
        if len(u.timeline) > 2 and u.status == "active"
    )
    client = tweepy_client(emulator, return_type=requests.Response)

    def timeline() -> list[str]:
        body = client.get_users_tweets(user.id, max_results=100).json()
        return [t["id"] for t in body.get("data", [])]

    full = timeline()
    late = int(full[1])
    emulator.index_late(late)
    held = timeline()
    assert str(late) not in held
    assert held == [i for i in full if i != str(late)]  # the other ids do not move
    assert client.get_tweet(late).json()["data"]["id"] == str(late)  # a lookup finds it
    emulator.index_now()
    assert timeline() == full

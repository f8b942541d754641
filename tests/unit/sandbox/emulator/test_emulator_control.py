"""Call counting and the control API under /_emulator/."""

from __future__ import annotations

import pytest
import requests
from emulator_small_world import MAIN

from maturity.sandbox.emulator import Emulator
from maturity.sandbox.emulator.clients import tweepy_client

pytestmark = pytest.mark.integration


def control(emu: Emulator, method: str, action: str, **kwargs: object) -> requests.Response:
    return requests.request(method, f"{emu.url}/_emulator/{action}", timeout=5, **kwargs)  # type: ignore[arg-type]


def test_calls_are_counted_per_route_template(small: Emulator) -> None:
    client = tweepy_client(small)
    user = client.get_user(username=MAIN).data
    client.get_users_tweets(user.id)
    client.get_users_tweets(user.id, max_results=5)
    client.get_users_mentions(user.id)
    expected = {
        "GET /2/users/by/username/:username": 1,
        "GET /2/users/:id/tweets": 2,
        "GET /2/users/:id/mentions": 1,
    }
    assert small.calls == expected
    assert control(small, "GET", "calls").json() == {"calls": expected, "total": 4}


def test_the_call_log_keeps_query_parameters(small: Emulator) -> None:
    client = tweepy_client(small)
    user = client.get_user(username=MAIN).data
    client.get_users_tweets(user.id, since_id=1234567890123, max_results=5)
    last = small.call_log[-1]
    assert (last.route, last.status) == ("GET /2/users/:id/tweets", 200)
    assert last.query["since_id"] == "1234567890123"
    logged = control(small, "GET", "log", params={"limit": 1}).json()["calls"]
    assert logged[0]["query"]["max_results"] == "5"


def test_reset_forgets_calls_faults_and_usage(small: Emulator) -> None:
    tweepy_client(small).get_user(username=MAIN)
    small.inject("server_error", route="*")
    assert control(small, "POST", "reset").json() == {"reset": True}
    assert small.calls == {}
    assert control(small, "GET", "faults").json() == {"faults": []}
    assert tweepy_client(small).get_user(username=MAIN).data.username == MAIN


def test_limits_can_be_set_over_http(small: Emulator) -> None:
    assert (
        control(
            small,
            "POST",
            "limits",
            json={"route": "GET /2/users/by/username/:username", "limit": 1},
        ).status_code
        == 200
    )
    client = tweepy_client(small)
    client.get_user(username=MAIN)
    resp = requests.get(
        f"{small.x_base_url}/2/users/by/username/{MAIN}",
        headers={"Authorization": f"Bearer {small.bearer_token}"},
        timeout=5,
    )
    assert resp.status_code == 429
    rules = control(small, "GET", "limits").json()["limits"]
    assert rules["GET /2/users/by/username/:username"]["limit"] == 1


def test_a_limit_without_a_number_is_a_400_and_a_route_keeps_its_window(
    small: Emulator,
) -> None:
    missing = control(small, "POST", "limits", json={"route": "reddit"})
    assert missing.status_code == 400
    assert "limit" in missing.text
    assert control(small, "POST", "limits", json={"route": "reddit", "limit": 5}).ok
    rules = control(small, "GET", "limits").json()["limits"]
    assert rules["reddit"]["limit"] == 5
    assert rules["reddit"]["window"] == 600.0, "Reddit's 10-minute window is kept"


def test_health_and_unknown_routes(small: Emulator) -> None:
    health = control(small, "GET", "health").json()
    assert health["status"] == "ok"
    assert "GET /2/users/:id/tweets" in health["routes"]
    resp = requests.get(
        f"{small.x_base_url}/2/spaces/search",
        headers={"Authorization": f"Bearer {small.bearer_token}"},
        timeout=5,
    )
    assert resp.status_code == 404
    assert small.calls == {"GET (unknown route)": 1}
    assert control(small, "GET", "nothing").status_code == 404

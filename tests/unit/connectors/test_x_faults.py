"""Every fault of the rate-limit and retry policy, through tweepy's real Client."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses
from connector_pages import BEARER, KEY, X_BASE, tweet, x_page, x_url, x_user

from maturity.collect import collect_registry
from maturity.connectors.base import Target
from maturity.connectors.landing import Landing
from maturity.connectors.settings import XSettings
from maturity.connectors.x import XConnector
from maturity.errors import ConnectorError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Account, Registry

pytestmark = pytest.mark.unit
NOW = 1_741_600_000.0
TWEETS = x_url("/2/users/10/tweets")
USERS = x_url("/2/users/by")
TARGET = Target("acme-org", Account(platform="x", handle="acme"), frozenset({"acme"}))


@pytest.fixture
def connector(pseudo: Pseudonymiser, sleeps: list[float]) -> XConnector:
    settings = XSettings(
        bearer_token=BEARER,
        base_url=X_BASE,
        max_retries=2,
        mentions=False,
        backoff_seconds=0.5,
        max_rate_limit_wait=900,
    )
    return XConnector(settings, pseudo, sleep=sleeps.append, clock=lambda: NOW)


def ok_lookup(rsps: responses.RequestsMock) -> None:
    rsps.get(USERS, json={"data": [x_user("10", "acme")]})


def run(connector: XConnector, window: Window, tmp_path: Path) -> object:
    return connector.collect(TARGET, window, {}, Landing(tmp_path))


def test_429_with_a_near_reset_waits_for_it_then_succeeds(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    ok_lookup(rsps)
    rsps.get(
        TWEETS,
        status=429,
        json={"title": "Too Many Requests"},
        headers={
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(NOW + 120)),
        },
    )
    rsps.get(TWEETS, json=x_page([tweet("201", 1, "10")]))
    batch = run(connector, window, tmp_path)
    assert [p.post_id for p in batch.posts] == ["201"]  # type: ignore[attr-defined]
    assert sleeps == [121.0]


def test_remaining_zero_on_a_good_page_waits_before_the_next_request(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    ok_lookup(rsps)
    rsps.get(
        TWEETS,
        json=x_page([tweet("202", 2, "10")], "n2"),
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW + 30))},
    )
    rsps.get(TWEETS, json=x_page([tweet("201", 1, "10")]))
    run(connector, window, tmp_path)
    assert sleeps == [31.0]


@pytest.mark.parametrize("status", [429, 200])
def test_a_far_reset_fails_fast_naming_account_endpoint_and_reset(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
    status: int,
) -> None:
    ok_lookup(rsps)
    far = int(NOW + 20 * 86_400)
    rsps.get(
        TWEETS,
        status=status,
        json=x_page([tweet("202", 2, "10")], "n2"),
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(far)},
    )
    with pytest.raises(ConnectorError) as err:
        run(connector, window, tmp_path)
    message = str(err.value)
    assert "@acme" in message
    assert "/2/users/10/tweets" in message
    assert "2025-03-30T09:46:40+00:00" in message
    assert "usage cap" in message
    assert BEARER not in message
    assert sleeps == []


def test_5xx_is_retried_with_backoff_then_succeeds(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    ok_lookup(rsps)
    rsps.get(TWEETS, status=503)
    rsps.get(TWEETS, status=500)
    rsps.get(TWEETS, json=x_page([tweet("201", 1, "10")]))
    batch = run(connector, window, tmp_path)
    assert len(batch.posts) == 1  # type: ignore[attr-defined]
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0
    assert 1.0 <= sleeps[1] <= 1.5


def test_5xx_exhausting_the_retries_is_an_error(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    ok_lookup(rsps)
    for _ in range(3):
        rsps.get(TWEETS, status=502)
    with pytest.raises(ConnectorError, match=r"HTTP 502.*after 3 attempts") as err:
        run(connector, window, tmp_path)
    assert "@acme" in str(err.value)
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    "fault",
    [requests.exceptions.ReadTimeout("slow"), requests.exceptions.ConnectionError("reset by peer")],
)
def test_timeouts_and_connection_errors_are_retried(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
    fault: Exception,
) -> None:
    ok_lookup(rsps)
    rsps.get(TWEETS, body=fault)
    rsps.get(TWEETS, json=x_page([tweet("201", 1, "10")]))
    batch = run(connector, window, tmp_path)
    assert len(batch.posts) == 1
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_4xx_is_fatal_with_account_and_endpoint_and_no_secret(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
    status: int,
) -> None:
    ok_lookup(rsps)
    rsps.get(
        TWEETS,
        status=status,
        json={"title": "Unauthorized", "detail": f"bad token Bearer {BEARER}"},
    )
    with pytest.raises(ConnectorError) as err:
        run(connector, window, tmp_path)
    message = str(err.value)
    assert f"HTTP {status}" in message
    assert "@acme" in message
    assert "/2/users/:id/tweets" in message or "/2/users/10/tweets" in message
    assert BEARER not in message
    assert sleeps == []
    assert len(rsps.calls) == 2  # not retried


def test_a_failing_account_does_not_stop_the_others(
    rsps: responses.RequestsMock,
    window: Window,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    registry = Registry.model_validate(
        {
            "organisations": [
                {"id": "a", "name": "A", "accounts": [{"platform": "x", "handle": "alpha"}]},
                {"id": "b", "name": "B", "accounts": [{"platform": "x", "handle": "beta"}]},
                {"id": "c", "name": "C", "accounts": [{"platform": "x", "handle": "gone"}]},
            ]
        }
    )
    rsps.get(
        USERS,
        json={
            "data": [x_user("1", "alpha"), x_user("2", "beta")],
            "errors": [
                {
                    "value": "gone",
                    "detail": "User has been suspended: [gone].",
                    "title": "Forbidden",
                }
            ],
        },
    )
    rsps.get(x_url("/2/users/1/tweets"), status=401, json={"title": "Unauthorized"})
    rsps.get(x_url("/2/users/2/tweets"), json=x_page([tweet("21", 1, "2")]))
    settings = XSettings(bearer_token=BEARER, base_url=X_BASE, mentions=False)
    result = collect_registry(
        registry,
        window,
        landing_dir=tmp_path,
        x_settings=settings,
        reddit_settings=None,
        pseudonymiser=Pseudonymiser(KEY),
        sleep=sleeps.append,
        clock=lambda: NOW,
    )
    assert [(b.handle, b.snapshots[0].status, len(b.posts)) for b in result] == [
        ("beta", "active", 1),
        ("gone", "suspended", 0),
    ]
    assert [(f.handle, "HTTP 401" in f.message) for f in result.failures] == [("alpha", True)]


def test_never_uses_tweepys_own_rate_limit_wait(connector: XConnector) -> None:
    assert connector.client.wait_on_rate_limit is False


def test_waits_and_retries_are_logged_with_account_and_endpoint(
    rsps: responses.RequestsMock,
    connector: XConnector,
    window: Window,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A task log that waits for a reset or retries a 5xx says so, so it never looks hung."""
    ok_lookup(rsps)
    rsps.get(TWEETS, status=503)
    rsps.get(
        TWEETS,
        json=x_page([tweet("202", 2, "10")], "n2"),
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW + 30))},
    )
    rsps.get(TWEETS, json=x_page([tweet("201", 1, "10")]))
    with caplog.at_level("WARNING"):
        run(connector, window, tmp_path)
    lines = [r.getMessage() for r in caplog.records]
    retry = [m for m in lines if "HTTP 503" in m]
    assert len(retry) == 1, lines
    assert "@acme" in retry[0]
    assert "/2/users/10/tweets" in retry[0]
    assert "attempt 2 of" in retry[0]
    wait = [m for m in lines if "rate limit is used up; waiting 31.0 s" in m]
    assert len(wait) == 1, lines
    assert "/2/users/10/tweets" in wait[0]
    assert all(BEARER not in m for m in lines)

"""The rate-limit policy's three regimes (wait inline, defer, fail fast), and a deferred X
collection resumed from its landing checkpoint, through tweepy's real Client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from connector_pages import BEARER, X_BASE, tweet, x_page, x_url, x_user

from maturity.collect import collect_registry
from maturity.connectors.landing import MANIFEST, PENDING, Landing
from maturity.connectors.ratelimit import RateLimitDeferred, RetryPolicy
from maturity.connectors.settings import XSettings
from maturity.errors import ConfigError
from maturity.evidence import Window
from maturity.pseudonym import Pseudonymiser
from maturity.registry import Registry

pytestmark = pytest.mark.unit
NOW = 1_741_600_000.0
TWEETS = x_url("/2/users/10/tweets")
USERS = x_url("/2/users/by")
LIMITED = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0"}


def policy(*, defer: bool, sleeps: list[float]) -> RetryPolicy:
    return RetryPolicy(
        max_inline_wait=5.0,
        max_rate_limit_wait=900.0,
        defer=defer,
        sleep=sleeps.append,
        clock=lambda: NOW,
    )


def decide(p: RetryPolicy, reset_in: float) -> float | None:
    return p.rate_limit_wait(
        NOW + reset_in, platform="x", account="@acme", endpoint="GET /2/users/10/tweets", scope="s"
    )


def test_a_deferring_policy_raises_past_the_inline_threshold_with_where_and_when() -> None:
    with pytest.raises(RateLimitDeferred) as caught:
        decide(policy(defer=True, sleeps=[]), 60)
    deferred = caught.value
    assert (deferred.platform, deferred.account, deferred.endpoint, deferred.scope) == (
        "x",
        "@acme",
        "GET /2/users/10/tweets",
        "s",
    )
    assert deferred.reset_at == NOW + 60
    assert deferred.reset_time.timestamp() == NOW + 60
    assert "@acme" in str(deferred)
    assert "used up until" in str(deferred)


def test_a_deferring_policy_still_waits_inline_within_the_threshold() -> None:
    assert decide(policy(defer=True, sleeps=[]), 3) == 4.0  # the reset plus a second of skew


def test_without_deferring_every_wait_up_to_the_cap_is_inline_and_past_it_a_cap() -> None:
    p = policy(defer=False, sleeps=[])
    assert decide(p, 60) == 61.0
    assert decide(p, 3600) is None
    assert decide(policy(defer=True, sleeps=[]), 3600) is None, "a usage cap is not deferred"


def test_max_inline_wait_is_a_connection_setting_and_checked() -> None:
    from maturity.connections import parse_connection
    from maturity.connectors.settings import x_settings

    conn = parse_connection(
        "x_default",
        json.dumps({"conn_type": "http", "password": BEARER, "extra": {"max_inline_wait": "2.5"}}),
    )
    settings = x_settings(conn)
    assert settings.max_inline_wait == 2.5
    assert RetryPolicy.from_settings(settings).max_inline_wait == 2.5
    assert not RetryPolicy.from_settings(settings).defer
    with pytest.raises(ConfigError, match="max_inline_wait"):
        XSettings(bearer_token=BEARER, max_inline_wait=-1)._check("x_default")


# -- through tweepy and the landing ---------------------------------------------------------------


def _registry() -> Registry:
    return Registry.model_validate(
        {
            "organisations": [
                {
                    "id": "acme-org",
                    "name": "Acme",
                    "accounts": [{"platform": "x", "handle": "acme"}],
                }
            ]
        }
    )


def _pages(rsps: responses.RequestsMock, *, limited_after: int | None) -> None:
    """Three timeline pages; with ``limited_after``, that page leaves the limit used up with
    a reset a minute away."""
    rsps.get(USERS, json={"data": [x_user("10", "acme")]})
    for n in (1, 2, 3):
        headers = {**LIMITED, "x-rate-limit-reset": str(int(NOW + 60))}
        rsps.get(
            TWEETS,
            json=x_page([tweet(str(200 + n), n, "10")], next_token=f"t{n}" if n < 3 else None),
            headers=headers if n == limited_after else {},
            match=[
                responses.matchers.query_param_matcher(
                    {"pagination_token": f"t{n - 1}"}, strict_match=False
                )
            ]
            if n > 1
            else [],
        )


def _collect(
    tmp_path: Path, pseudo: Pseudonymiser, window: Window, sleeps: list[float], **kw: Any
) -> Any:
    settings = XSettings(bearer_token=BEARER, base_url=X_BASE, mentions=False, max_retries=0)
    return collect_registry(
        _registry(),
        window,
        landing_dir=tmp_path,
        settings={"x": settings},
        pseudonymiser=pseudo,
        sleep=sleeps.append,
        clock=lambda: NOW,
        **kw,
    )


def test_a_deferred_collection_resumes_after_its_last_landed_page(
    tmp_path: Path, pseudo: Pseudonymiser, window: Window, sleeps: list[float]
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _pages(rsps, limited_after=1)
        with pytest.raises(RateLimitDeferred) as caught:
            _collect(tmp_path, pseudo, window, sleeps, resume="run-1", defer_rate_limits=True)
        asked = [c.request.url for c in rsps.calls]
    assert sleeps == [], "nothing was slept"
    assert caught.value.account == "@acme"
    assert len(asked) == 2, asked  # the lookup and the first page; page 2 waits for the reset
    manifest = json.loads(next(tmp_path.rglob(MANIFEST)).read_text())
    assert [p["endpoint"] for p in manifest[PENDING]["run-1"]] == ["users_by", "users_tweets"]
    assert "runs" not in manifest or not manifest["runs"], "nothing was committed"

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        rsps.get(
            TWEETS,
            json=x_page([tweet("202", 2, "10")], next_token="t2"),
            match=[
                responses.matchers.query_param_matcher(
                    {"pagination_token": "t1"}, strict_match=False
                )
            ],
        )
        rsps.get(
            TWEETS,
            json=x_page([tweet("203", 3, "10")]),
            match=[
                responses.matchers.query_param_matcher(
                    {"pagination_token": "t2"}, strict_match=False
                )
            ],
        )
        run = _collect(tmp_path, pseudo, window, sleeps, resume="run-1", defer_rate_limits=True)
        assert len(rsps.calls) == 2, "only the pages after the last landed one were asked for"
    (batch,) = run
    assert sorted(p.post_id for p in batch.posts) == ["201", "202", "203"]
    manifest = json.loads(next(tmp_path.rglob(MANIFEST)).read_text())
    assert PENDING not in manifest, "the commit dropped the checkpoint"
    names = [Path(p["path"]).name[:4] for p in manifest["runs"][0]["pages"]]
    assert names == ["0001", "0001", "0002", "0003"], "the same page names as one run"

    # the same records as a collection that was never interrupted
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _pages(rsps, limited_after=None)
        (whole,) = _collect(tmp_path / "whole", pseudo, window, [])
    assert whole.posts == batch.posts


def test_the_cli_path_waits_inline_for_the_same_limit(
    tmp_path: Path, pseudo: Pseudonymiser, window: Window, sleeps: list[float]
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _pages(rsps, limited_after=1)
        (batch,) = _collect(tmp_path, pseudo, window, sleeps)
    assert sleeps == [61.0]
    assert len(batch.posts) == 3


def test_deferring_without_a_resume_key_is_refused(
    tmp_path: Path, pseudo: Pseudonymiser, window: Window
) -> None:
    with pytest.raises(ValueError, match="resume key"):
        _collect(tmp_path, pseudo, window, [], defer_rate_limits=True)


def test_a_checkpoint_page_that_was_changed_is_fetched_again(
    tmp_path: Path, window: Window
) -> None:
    landing = Landing(tmp_path, run_key="run-1")
    al = landing.account("x", "acme-org", "acme", window)
    page = al.land(
        endpoint="tweets",
        route="/2/users/:id/tweets",
        url=TWEETS,
        status=200,
        headers={},
        body=b'{"data": []}',
    )
    assert landing.checkpoint("x", "acme-org", "acme", window) == 1
    assert [p.ref for p in landing.pending("x", "acme-org", "acme", window)] == [page.ref]
    (tmp_path / page.ref.path).write_bytes(b'{"data": ["changed"]}')
    assert landing.pending("x", "acme-org", "acme", window) == []
    assert Landing(tmp_path).pending("x", "acme-org", "acme", window) == [], "no run key"


def test_a_policy_error_still_names_a_usage_cap(
    tmp_path: Path, pseudo: Pseudonymiser, window: Window
) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(USERS, json={"data": [x_user("10", "acme")]})
        rsps.get(
            TWEETS,
            status=429,
            json={"title": "Too Many Requests"},
            headers={**LIMITED, "x-rate-limit-reset": str(int(NOW + 7200))},
        )
        run = _collect(tmp_path, pseudo, window, [], resume="run-1", defer_rate_limits=True)
    (failure,) = run.failures
    assert "usage cap" in failure.message
    assert not list(run)

"""The documented limits per endpoint: their sources, the connection override and its errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from maturity.connections import parse_connection
from maturity.connectors import limits
from maturity.connectors.settings import (
    bluesky_settings,
    mastodon_settings,
    reddit_settings,
    x_settings,
)
from maturity.errors import ConfigError

pytestmark = pytest.mark.unit


def test_every_documented_limit_names_its_source_and_scope() -> None:
    for platform, buckets in limits.DOCUMENTED.items():
        assert buckets, platform
        for key, limit in buckets.items():
            assert limit.source.startswith("https://"), (platform, key)
            assert limit.per, (platform, key)
            assert limit.requests >= 1
            assert limit.window_seconds > 0


def test_the_x_endpoints_the_connector_calls_have_their_own_bucket() -> None:
    from maturity.connectors.x import ROUTES

    x = limits.DOCUMENTED["x"]
    assert {f"GET {route}" for route in ROUTES.values()} == set(x)
    assert x[limits.X_USER_MENTIONS].describe() == "450 per 15 min"
    assert x[limits.X_USERS_BY].describe() == "300 per 15 min"
    # every landed X endpoint maps to its route's bucket
    for endpoint, route in ROUTES.items():
        assert limits.bucket_of("x", endpoint) == f"GET {route}"
    assert limits.bucket_of("reddit", "submitted") == limits.REDDIT_API


def test_an_override_replaces_only_its_bucket() -> None:
    found = limits.parse_overrides(
        "x", "x_default", {limits.X_USER_MENTIONS: {"requests": 900, "window_seconds": 900}}
    )
    merged = limits.limits_for("x", found)
    assert merged[limits.X_USER_MENTIONS].requests == 900
    assert merged[limits.X_USER_MENTIONS].source == ""
    assert merged[limits.X_USERS_BY] == limits.DOCUMENTED["x"][limits.X_USERS_BY]


def test_an_override_in_text_form_is_read_too() -> None:
    text = json.dumps({limits.REDDIT_API: {"requests": 600, "window_seconds": 600}})
    assert limits.parse_overrides("reddit", "r", text)[limits.REDDIT_API].requests == 600


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ({"GET /2/tweets/search/recent": {"requests": 1, "window_seconds": 1}}, "no x connector"),
        ({limits.X_USERS_BY: {"requests": 0, "window_seconds": 900}}, "requests >= 1"),
        ({limits.X_USERS_BY: {"requests": 10, "window_seconds": -1}}, "window_seconds > 0"),
        ({limits.X_USERS_BY: {"requests": True, "window_seconds": 9}}, "whole number"),
        ({limits.X_USERS_BY: {"requests": 10}}, "exactly 'requests' and 'window_seconds'"),
        ([1, 2], "JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_bad_override_names_the_connection_the_key_and_the_fix(value: Any, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        limits.parse_overrides("x", "x_app2", value)
    text = caught.value.render()
    assert says in text
    assert "x_app2" in text
    assert "AIRFLOW_CONN_X_APP2 (extra.rate_limits)" in text
    assert "docs/connectors.md" in text


def _conn(conn_type: str, extra: dict[str, Any], **fields: str) -> Any:
    return parse_connection(
        f"{conn_type}_default", json.dumps({"conn_type": conn_type, **fields, "extra": extra})
    )


def test_each_platforms_connection_accepts_and_checks_rate_limits() -> None:
    ok = {"requests": 5, "window_seconds": 60}
    x = x_settings(_conn("x", {"rate_limits": {limits.X_USERS_BY: ok}}, password="t"))
    assert x.rate_limits == {limits.X_USERS_BY: ok}
    reddit = reddit_settings(
        _conn("reddit", {"rate_limits": {"reddit": ok}}, login="id", password="s")
    )
    assert reddit.rate_limits == {"reddit": ok}
    mastodon = mastodon_settings(
        _conn("mastodon", {"rate_limits": {"mastodon": ok}}, host="https://m.example")
    )
    assert mastodon.rate_limits == {"mastodon": ok}
    assert bluesky_settings(_conn("bluesky", {"rate_limits": {"bluesky": ok}})).rate_limits
    with pytest.raises(ConfigError, match=r"extra.rate_limits names 'x'.*reddit connector"):
        reddit_settings(_conn("reddit", {"rate_limits": {"x": ok}}, login="id", password="s"))


def test_the_x_connection_carries_the_read_budget_and_prices() -> None:
    extra = {
        "read_budget_per_run": 5000,
        "read_budget_per_month": "100000",
        "prices": {"post": 0.004, "currency": "EUR"},
    }
    x = x_settings(_conn("x", extra, password="t"))
    assert (x.read_budget_per_run, x.read_budget_per_month) == (5000, 100000)
    assert x.prices.per_resource == {"post": 0.004, "user": 0.010}
    assert x.prices.currency == "EUR"
    assert x_settings(_conn("x", {}, password="t")).read_budget_per_run is None


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"read_budget_per_run": -1}, "extra.read_budget_per_run -1 is not a whole number"),
        ({"read_budget_per_month": "lots"}, "extra.read_budget_per_month 'lots' is not"),
        ({"prices": {"like": 0.1}}, "extra.prices names 'like'"),
        ({"prices": {"post": -0.1}}, "must be a number >= 0"),
    ],
)
def test_a_bad_budget_or_price_is_a_clear_error(extra: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        x_settings(_conn("x", extra, password="secret-token"))
    text = caught.value.render()
    assert says in text
    assert "x_default" in text
    assert "secret-token" not in text

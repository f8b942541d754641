"""The documented rate limits of every endpoint the connectors call, in one place.

Each :class:`Limit` is a number of requests per window, for one *bucket* as the platform counts
it (X: per endpoint and per app; Reddit: per OAuth client for the whole API; Mastodon: per
account or IP; Bluesky's AppView: per IP), with the address of the platform's own documentation
it was read from. The run planner (``maturity.planning``) plans a week's requests against these
numbers and the emulator's ``REALISTIC`` table (``maturity.sandbox.emulator.ratelimits``) is
built from them, so the product and its test double agree on one source.

Access tiers differ, so a connection may override any bucket with its extra ``rate_limits``::

    {"rate_limits": {"GET /2/users/:id/mentions": {"requests": 900, "window_seconds": 900}}}

:func:`parse_overrides` checks such a value and names the connection, the key and the fix when
it is wrong. docs/connectors.md ("Documented limits") shows the same table for operators.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from maturity.errors import ConfigError

X_RATE_LIMITS_URL = "https://docs.x.com/x-api/fundamentals/rate-limits"
REDDIT_RATE_LIMITS_URL = (
    "https://support.reddithelp.com/hc/en-us/articles/16160319875092-Reddit-Data-API-Wiki"
)
MASTODON_RATE_LIMITS_URL = "https://docs.joinmastodon.org/api/rate-limits/"
BLUESKY_RATE_LIMITS_URL = "https://docs.bsky.app/docs/advanced-guides/rate-limits"

RATE_LIMITS_KEY = "rate_limits"
"""The connection extra that overrides documented limits (tiers differ)."""


@dataclass(frozen=True)
class Limit:
    """``requests`` per ``window_seconds`` in one bucket."""

    requests: int
    window_seconds: float
    per: str = ""
    """Who the platform counts the bucket for (``app``, ``OAuth client``, ``IP`` ...)."""
    source: str = ""
    """The documentation the number comes from; empty for an operator's override."""

    def __post_init__(self) -> None:
        if self.requests < 1 or self.window_seconds <= 0:
            raise ValueError("a rate limit needs requests >= 1 and window_seconds > 0")

    @property
    def per_hour(self) -> float:
        return self.requests * 3600.0 / self.window_seconds

    def describe(self) -> str:
        minutes = self.window_seconds / 60
        window = f"{minutes:g} min" if minutes >= 1 else f"{self.window_seconds:g} s"
        return f"{self.requests:,} per {window}"


X_USERS_BY = "GET /2/users/by"
X_USER_TWEETS = "GET /2/users/:id/tweets"
X_USER_MENTIONS = "GET /2/users/:id/mentions"
REDDIT_API = "reddit"
MASTODON_API = "mastodon"
BLUESKY_APPVIEW = "bluesky"

_X_WINDOW = 900.0

#: Per platform, each bucket the connectors spend requests from, as the platforms document it
#: (read December 2026). X: the per-app (OAuth 2.0 bearer token) column of the X API v2 table;
#: X raised the user-timeline limit per app from 1,500 to 10,000 per 15 minutes in 2026.
DOCUMENTED: Mapping[str, Mapping[str, Limit]] = {
    "x": {
        X_USERS_BY: Limit(300, _X_WINDOW, "app", X_RATE_LIMITS_URL),
        X_USER_TWEETS: Limit(10_000, _X_WINDOW, "app", X_RATE_LIMITS_URL),
        X_USER_MENTIONS: Limit(450, _X_WINDOW, "app", X_RATE_LIMITS_URL),
    },
    # 100 queries per minute per OAuth client id, averaged over a 10-minute window.
    "reddit": {REDDIT_API: Limit(1000, 600.0, "OAuth client", REDDIT_RATE_LIMITS_URL)},
    # 300 requests per 5 minutes per account (or per IP address without a token).
    "mastodon": {MASTODON_API: Limit(300, 300.0, "account or IP", MASTODON_RATE_LIMITS_URL)},
    # The AppView's public endpoints: 3,000 requests per 5 minutes per IP address.
    "bluesky": {BLUESKY_APPVIEW: Limit(3000, 300.0, "IP", BLUESKY_RATE_LIMITS_URL)},
}

#: The bucket of each landed endpoint name (``PageRef.endpoint``): X has one per endpoint, the
#: other platforms count every request against one bucket.
X_BUCKET_BY_ENDPOINT: Mapping[str, str] = {
    "users_by": X_USERS_BY,
    "users_tweets": X_USER_TWEETS,
    "users_mentions": X_USER_MENTIONS,
}


def bucket_of(platform: str, endpoint: str) -> str:
    """The bucket a landed page of ``endpoint`` spent its request from."""
    if platform == "x":
        return X_BUCKET_BY_ENDPOINT.get(endpoint, X_USER_TWEETS)
    return next(iter(DOCUMENTED[platform]))


def _where(conn_id: str) -> str:
    from maturity.connections import env_var_name

    return f"{env_var_name(conn_id)} (extra.{RATE_LIMITS_KEY})"


def _example(platform: str) -> str:
    known = sorted(DOCUMENTED.get(platform, {}))
    return '{"%s": {"requests": 900, "window_seconds": 900}}' % (known[0] if known else "...")


def overrides(platform: str, value: Any) -> dict[str, Limit]:
    """A ``rate_limits`` extra as limits; ``ValueError`` naming the key and the fix otherwise.

    ``value`` may be the JSON object or its text (the URI form of a connection)."""
    known = sorted(DOCUMENTED.get(platform, {}))
    example = _example(platform)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except json.JSONDecodeError:
            raise ValueError(f"is not valid JSON; write it as {example}") from None
    if not isinstance(value, dict):
        raise ValueError(f"must be a JSON object such as {example}")
    out: dict[str, Limit] = {}
    for key, rule in value.items():
        if key not in known:
            raise ValueError(
                f"names {key!r}, which no {platform} connector calls; use one of {known}"
            )
        if not isinstance(rule, dict) or set(rule) != {"requests", "window_seconds"}:
            raise ValueError(
                f"[{key!r}] must be an object with exactly 'requests' and 'window_seconds', "
                f"as in {example}"
            )
        requests, window = rule["requests"], rule["window_seconds"]
        if (
            isinstance(requests, bool)
            or not isinstance(requests, int)
            or requests < 1
            or isinstance(window, bool)
            or not isinstance(window, (int, float))
            or window <= 0
        ):
            raise ValueError(
                f"[{key!r}] needs a whole number of requests >= 1 and window_seconds > 0 "
                f"(got {requests!r} per {window!r}); give the numbers your access tier "
                "documents"
            )
        out[key] = Limit(requests, float(window), DOCUMENTED[platform][key].per, "")
    return out


def parse_overrides(platform: str, conn_id: str, value: Any) -> dict[str, Limit]:
    """:func:`overrides` with a :class:`ConfigError` naming the connection and the key."""
    try:
        return overrides(platform, value)
    except ValueError as exc:
        raise ConfigError(
            f"connection '{conn_id}': extra.{RATE_LIMITS_KEY} {exc}",
            where=_where(conn_id),
            fix=f"write it as {_example(platform)}, or leave it out to use the documented "
            "limits (docs/connectors.md, 'Documented limits')",
        ) from None


def row_parser(platform: str) -> Callable[[Any], Any]:
    """The settings table's parser for the ``rate_limits`` row: checks, keeps the value."""

    def parse(value: Any) -> Any:
        return {
            key: {"requests": limit.requests, "window_seconds": limit.window_seconds}
            for key, limit in overrides(platform, value).items()
        }

    return parse


def limits_for(platform: str, overrides: Mapping[str, Limit] | None = None) -> dict[str, Limit]:
    """Every bucket of ``platform``: the documented limit, or the connection's override."""
    return {**DOCUMENTED.get(platform, {}), **(overrides or {})}

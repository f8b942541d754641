"""Mastodon's and Bluesky's rate-limit headers, read into the shared policy's terms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from maturity.connectors.ratelimit import RateLimit, bluesky_rate_limit, mastodon_rate_limit

pytestmark = pytest.mark.unit
RESET = datetime(2025, 3, 10, 12, 5, tzinfo=UTC).timestamp()


def test_mastodon_reset_is_an_iso_time() -> None:
    headers = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "2025-03-10T12:05:00.000Z",
    }
    assert mastodon_rate_limit(headers, 0.0) == RateLimit(300, 0, RESET)
    assert (
        mastodon_rate_limit({**headers, "x-ratelimit-reset": str(int(RESET))}, 0.0).reset_at
        == RESET
    )


def test_mastodon_unreadable_reset_is_unknown() -> None:
    found = mastodon_rate_limit({"x-ratelimit-remaining": "5", "x-ratelimit-reset": "soon"}, 0.0)
    assert found == RateLimit(None, 5, None)


def test_bluesky_reset_is_epoch_seconds() -> None:
    headers = {
        "ratelimit-limit": "3000",
        "ratelimit-remaining": "0",
        "ratelimit-reset": str(int(RESET)),
        "ratelimit-policy": "3000;w=300",
    }
    assert bluesky_rate_limit(headers, 0.0) == RateLimit(3000, 0, RESET)
    assert bluesky_rate_limit({}, 0.0) == RateLimit()

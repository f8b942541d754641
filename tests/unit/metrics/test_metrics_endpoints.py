"""Evidence endpoints follow the connectors' landing names and routes."""

from __future__ import annotations

import pytest

from maturity.metrics.evidence.endpoints import ROUTES, endpoint_of

pytestmark = pytest.mark.unit


def test_x_routes_match_the_connector() -> None:
    x = pytest.importorskip("maturity.connectors.x")
    for name, route in x.ROUTES.items():
        assert ROUTES[("x", name)] == f"GET {route}"


def test_reddit_routes_match_the_connector() -> None:
    reddit = pytest.importorskip("maturity.connectors.reddit")
    for name, _, route in reddit.ROUTES:
        assert ROUTES[("reddit", name)] == f"GET {route}"


@pytest.mark.parametrize(
    ("platform", "page_endpoint", "record", "expected"),
    [
        ("x", "users_mentions", "inbound", "GET /2/users/:id/mentions"),
        ("x", None, "post", "GET /2/users/:id/tweets"),
        ("reddit", "inbox_mentions", "inbound", "GET /message/mentions"),
        ("reddit", None, "inbound", None),
        ("x", "something_new", "post", "something_new"),
    ],
)
def test_endpoint_of(
    platform: str, page_endpoint: str | None, record: str, expected: str | None
) -> None:
    assert endpoint_of(platform, page_endpoint, record) == expected  # type: ignore[arg-type]

"""The request floor computed from an emulator world, on a world small enough to count by hand,
and the collection benchmark against it on a tiny generated world (not a timed test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maturity.evidence import Window
from maturity.registry import Registry
from maturity.sandbox.bench.world_minimum import minimum, platform_of
from maturity.sandbox.emulator.registry import registry_data
from maturity.sandbox.emulator.world import (
    Inbound,
    InboundKind,
    Platform,
    World,
    WorldAccount,
    WorldOrganisation,
    WorldPost,
)

pytestmark = pytest.mark.unit

END = datetime(2026, 11, 2, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=30), END)
CREATED = datetime(2020, 1, 1, tzinfo=UTC)


def _posts(n: int, prefix: str, every: timedelta, **kw: object) -> tuple[WorldPost, ...]:
    """``n`` posts, the newest an hour before the window's end, ``every`` apart."""
    last = END - timedelta(hours=1)
    return tuple(
        WorldPost(created_at=last - every * i, text=f"post {i}", key=f"{prefix}{i}", **kw)  # type: ignore[arg-type]
        for i in range(n)
    )


def _world() -> World:
    x = WorldAccount(
        platform=Platform.X,
        handle="HandCounted",
        created_at=CREATED,
        posts=_posts(150, "x", timedelta(hours=2)),  # 150 posts over 12.5 days
        inbound=tuple(
            Inbound(
                author=f"person{i}",
                created_at=END - timedelta(days=10 + i),
                text="@HandCounted hallo",
                kind=InboundKind.MENTION,
            )
            for i in range(3)
        ),
    )
    reddit = WorldAccount(
        platform=Platform.REDDIT,
        handle="HandCounted",
        created_at=CREATED,
        posts=tuple(
            WorldPost(
                created_at=END - timedelta(days=5 + i), title=f"Update {i}", text="t", key=f"r{i}"
            )
            for i in range(2)
        ),
        inbound=(
            Inbound(
                author="someone",
                created_at=END - timedelta(days=4),
                text="vraag",
                kind=InboundKind.REPLY,
                target="r0",
            ),
        ),
    )
    # 45 Mastodon posts a day apart (the oldest 44 days back: 30 of them in the window plus
    # the overlap day's); the post 3 days back has a reply
    masto = WorldAccount(
        platform=Platform.MASTODON,
        handle="HandCounted",
        created_at=CREATED,
        posts=_posts(45, "m", timedelta(days=1)),
        inbound=(
            Inbound(
                author="someone",
                created_at=END - timedelta(hours=2),
                text="ja",
                kind=InboundKind.REPLY,
                target="m3",
            ),
        ),
    )
    bsky = WorldAccount(
        platform=Platform.BLUESKY,
        handle="HandCounted",
        created_at=CREATED,
        posts=_posts(5, "b", timedelta(days=2)),
        inbound=(
            Inbound(
                author="someone",
                created_at=END - timedelta(minutes=30),
                text="ja",
                kind=InboundKind.REPLY,
                target="b0",
            ),
        ),
    )
    org = WorldOrganisation(
        id="hand-counted", name="Hand Counted", accounts=(x, reddit, masto, bsky)
    )
    return World(seed=1, start=WINDOW.start, end=END, organisations=(org,))


def test_the_full_run_minimum_counts_what_exists_in_the_world() -> None:
    world = _world()
    registry = Registry.model_validate(registry_data(world))
    floor = minimum(world, registry, WINDOW)
    assert dict(floor.routes["x"]) == {
        "GET /2/users/by": 1,
        "GET /2/users/:id/tweets": 2,  # 150 posts at 100 a page
        "GET /2/users/:id/mentions": 1,  # 3 mentions
    }
    assert dict(floor.routes["reddit"]) == {
        "GET /user/:name/about": 1,
        "GET /user/:name/submitted": 1,
        "GET /user/:name/comments": 1,  # none, still one request to see that
        "GET /comments/:id": 1,  # one submission has a comment
    }
    assert dict(floor.auth) == {"POST /api/v1/access_token": 1}
    assert dict(floor.routes["mastodon"]) == {
        "GET /api/v1/accounts/lookup": 1,
        "GET /api/v1/accounts/:id/statuses": 1,  # 31 posts in the window and the overlap day
        "GET /api/v1/statuses/:id/context": 1,
    }
    assert dict(floor.routes["bluesky"]) == {
        "GET /xrpc/app.bsky.actor.getProfile": 1,
        "GET /xrpc/app.bsky.feed.getAuthorFeed": 1,
        "GET /xrpc/app.bsky.feed.getPostThread": 1,
    }
    assert floor.total("x") == 4


def test_mastodon_pages_hold_forty_statuses() -> None:
    world = _world()
    registry = Registry.model_validate(registry_data(world))
    wide = Window(END - timedelta(days=60), END)  # all 45 posts: two pages of 40
    floor = minimum(world, registry, wide, platforms=["mastodon"])
    assert floor.routes["mastodon"]["GET /api/v1/accounts/:id/statuses"] == 2
    assert floor.total("x") == 0


def test_the_rerun_minimum_is_one_request_per_resource_plus_the_overlap() -> None:
    world = _world()
    registry = Registry.model_validate(registry_data(world))
    floor = minimum(world, registry, WINDOW, rerun=True)
    # the overlap (a day back from each newest item) holds 13 X posts: one page
    assert floor.routes["x"]["GET /2/users/:id/tweets"] == 1
    assert floor.routes["x"]["GET /2/users/:id/mentions"] == 1
    # the replied Mastodon post is 3 days old, outside the overlap: no context to re-read
    assert floor.routes["mastodon"]["GET /api/v1/statuses/:id/context"] == 0
    # the replied Bluesky post is the newest: its thread is re-read
    assert floor.routes["bluesky"]["GET /xrpc/app.bsky.feed.getPostThread"] == 1
    # r0 is the newest submission, so in the overlap: its comment tree is re-read
    assert floor.routes["reddit"]["GET /comments/:id"] == 1


def test_routes_are_assigned_to_their_platform() -> None:
    assert platform_of("GET /2/users/:id/tweets") == "x"
    assert platform_of("GET /xrpc/app.bsky.feed.getAuthorFeed") == "bluesky"
    assert platform_of("GET /api/v1/statuses/:id/context") == "mastodon"
    assert platform_of("GET /r/:sub/new") == "reddit"


@pytest.mark.integration
def test_a_tiny_collection_stays_within_the_target_on_every_platform() -> None:
    from maturity.sandbox.bench import collection_bench

    result = collection_bench.run(6)  # the smallest seed-11 world on all four platforms
    assert result["failures"] == 0
    for name in ("full", "rerun"):
        platforms = result[name]["platforms"]
        assert set(platforms) == {"x", "reddit", "mastodon", "bluesky"}
        for p, v in platforms.items():
            assert v["minimum"] > 0, (name, p)
            assert v["requests"] <= collection_bench.TARGET * v["minimum"], (name, p, v)

"""The fewest API requests a perfect client needs for what exists in an emulator world.

The floor is computed from the emulator's own stores (the items that exist and that each
endpoint would serve), never from the pages a connector chose to land. For each platform and
endpoint, every resource (an account's timeline, a subreddit's listing, a post's reply tree)
costs ``max(1, ceil(items / page_size))`` requests at the API's largest page size, where
``items`` are the resource's items created from the plan's lower bound up to the window's
end. A lookup costs one request per account (X: one per 100 handles). A reply tree (a Reddit
submission's comments, a Mastodon status's context, a Bluesky post's thread) costs one request
for each own post in the plan that has replies; the client knows which from the reply count
on the timeline page it already read. Authentication requests (Reddit's OAuth token) are
counted apart.

The plan's lower bound is the product's own rule (:mod:`maturity.connectors.incremental`):
a full run reads from the window's start minus the overlap; an incremental rerun reads from
each endpoint's newest item minus the overlap, so its floor is one request per resource plus
the overlap's items (and the reply trees of the overlap's posts).

Only the endpoints a connection can read count: Reddit's inbox and Mastodon's notifications
need the organisation's own login, which the emulator's default connections do not carry.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maturity.evidence import Window
    from maturity.registry import Registry
    from maturity.sandbox.emulator.world import World

#: The APIs' largest page sizes, as the connectors use them.
PAGE = {"x": 100, "x_lookup": 100, "reddit": 100, "mastodon": 40, "bluesky": 100}
PLATFORMS = ("x", "reddit", "mastodon", "bluesky")
#: Emulator routes that authenticate rather than read (counted apart).
AUTH_ROUTES = frozenset({"POST /api/v1/access_token"})
DEFAULT_OVERLAP = 86_400.0


@dataclass
class Minimum:
    """Minimum requests per platform and route, and the authentication requests."""

    routes: dict[str, Counter[str]] = field(
        default_factory=lambda: {p: Counter() for p in PLATFORMS}
    )
    auth: Counter[str] = field(default_factory=Counter)

    def add(self, platform: str, route: str, n: int) -> None:
        self.routes[platform][route] += n

    def total(self, platform: str) -> int:
        return sum(self.routes[platform].values())


def platform_of(route: str) -> str:
    """The platform an emulator route (``GET /2/users/:id/tweets``) belongs to."""
    path = route.split(" ", 1)[-1]
    if path.startswith("/2/"):
        return "x"
    if path.startswith("/xrpc/"):
        return "bluesky"
    if path.startswith(("/api/v1/accounts", "/api/v1/statuses", "/api/v1/notifications")):
        return "mastodon"
    return "reddit"


def pages(n: int, size: int) -> int:
    """Requests for one resource of ``n`` items: at least one."""
    return max(1, math.ceil(n / size))


def _lower(times: Iterable[datetime], window: Window, overlap: timedelta, rerun: bool) -> datetime:
    """The plan's lower bound: the window's start minus the overlap, or on a rerun the newest
    item in the window minus the overlap (as the saved cursor gives it)."""
    inside = [t for t in times if window.start <= t < window.end]
    if rerun and inside:
        return max(inside) - overlap
    return window.start - overlap


def _in(at: datetime, lower: datetime, window: Window) -> bool:
    return lower <= at < window.end


def minimum(
    world: World,
    registry: Registry,
    window: Window,
    *,
    rerun: bool = False,
    overlap_seconds: float = DEFAULT_OVERLAP,
    platforms: Iterable[str] = PLATFORMS,
) -> Minimum:
    """The floor of requests to collect every registry account of ``platforms`` for
    ``window`` from ``world``: a full run, or (``rerun``) the incremental rerun right after."""
    overlap = timedelta(seconds=overlap_seconds)
    out = Minimum()
    wanted = set(platforms)
    accounts = {
        p: [a for o in registry.organisations for a in o.accounts if a.platform == p]
        for p in wanted
    }
    if accounts.get("x"):
        _x(world, [a.handle for a in accounts["x"]], window, overlap, rerun, out)
    if accounts.get("reddit"):
        _reddit(
            world,
            [(a.handle, a.subreddit) for a in accounts["reddit"]],
            window,
            overlap,
            rerun,
            out,
        )
    for p in ("mastodon", "bluesky"):
        if accounts.get(p):
            _threads(world, p, [a.handle for a in accounts[p]], window, overlap, rerun, out)
    return out


def _x(
    world: World,
    handles: list[str],
    window: Window,
    overlap: timedelta,
    rerun: bool,
    out: Minimum,
) -> None:
    from maturity.sandbox.emulator.x_store import XStore

    store = XStore(world)
    distinct = {h.lower() for h in handles}
    out.add("x", "GET /2/users/by", pages(len(distinct), PAGE["x_lookup"]))
    for handle in sorted(distinct):
        user = store.user_by_name(handle)
        if user is None or not user.visible:
            continue
        for route, ids in (
            ("GET /2/users/:id/tweets", user.timeline),
            ("GET /2/users/:id/mentions", user.mentions),
        ):
            times = [store.tweets[i].created_at for i in ids if i not in store.unindexed]
            lower = _lower(times, window, overlap, rerun)
            out.add("x", route, pages(sum(_in(t, lower, window) for t in times), PAGE["x"]))


def _reddit(
    world: World,
    accounts: list[tuple[str, str | None]],
    window: Window,
    overlap: timedelta,
    rerun: bool,
    out: Minimum,
) -> None:
    from maturity.sandbox.emulator.reddit_store import RedditStore

    store = RedditStore(world)
    out.auth["POST /api/v1/access_token"] += 1
    size = PAGE["reddit"]
    for handle, subreddit in accounts:
        out.add("reddit", "GET /user/:name/about", 1)
        user = store.user(handle)
        if user is None or user.status.value != "active":
            continue
        submitted = [store.things[o] for o in user.submitted]
        comments = [store.things[o].created_at for o in user.comments]
        lower = _lower((t.created_at for t in submitted), window, overlap, rerun)
        out.add(
            "reddit",
            "GET /user/:name/submitted",
            pages(sum(_in(t.created_at, lower, window) for t in submitted), size),
        )
        c_lower = _lower(comments, window, overlap, rerun)
        out.add(
            "reddit",
            "GET /user/:name/comments",
            pages(sum(_in(t, c_lower, window) for t in comments), size),
        )
        trees = sum(1 for t in submitted if _in(t.created_at, lower, window) and t.num_comments)
        out.add("reddit", "GET /comments/:id", trees)
        sub = store.sub(subreddit) if subreddit else None
        if subreddit:
            out.add("reddit", "GET /r/:sub/about/moderators", 1)
        for route, ords in (
            ("GET /r/:sub/new", sub.new if sub else []),
            ("GET /r/:sub/comments", sub.comments if sub else []),
        ):
            if not subreddit:
                continue
            times = [store.things[o].created_at for o in ords]
            s_lower = _lower(times, window, overlap, rerun)
            out.add("reddit", route, pages(sum(_in(t, s_lower, window) for t in times), size))


_THREAD_ROUTES = {
    "mastodon": (
        "GET /api/v1/accounts/lookup",
        "GET /api/v1/accounts/:id/statuses",
        "GET /api/v1/statuses/:id/context",
        ("active", "protected"),
    ),
    "bluesky": (
        "GET /xrpc/app.bsky.actor.getProfile",
        "GET /xrpc/app.bsky.feed.getAuthorFeed",
        "GET /xrpc/app.bsky.feed.getPostThread",
        ("active",),
    ),
}


def _threads(
    world: World,
    platform: str,
    handles: list[str],
    window: Window,
    overlap: timedelta,
    rerun: bool,
    out: Minimum,
) -> None:
    from maturity.sandbox.emulator.mastodon_store import ThreadStore
    from maturity.sandbox.emulator.world import Platform

    store = ThreadStore(world, Platform(platform))
    lookup, timeline, thread, readable = _THREAD_ROUTES[platform]
    for handle in handles:
        out.add(platform, lookup, 1)
        account = store.account(handle)
        if account is None or account.world.status.value not in readable:
            continue
        items = [i for i in account.items if i.created_at < window.end]
        lower = _lower((i.created_at for i in items), window, overlap, rerun)
        planned = [i for i in items if _in(i.created_at, lower, window)]
        out.add(platform, timeline, pages(len(planned), PAGE[platform]))
        out.add(platform, thread, sum(1 for i in planned if i.kind != "repost" and i.children))

"""The emulator's Mastodon and Bluesky routes in their wire formats, and the generator's
fediverse share (which leaves the X and Reddit parts of a world as they were)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from maturity.sandbox.emulator import GENEROUS, Emulator, World, generate_world
from maturity.sandbox.emulator.mastodon_store import MASTODON_DOMAIN
from maturity.sandbox.emulator.registry import registry_data
from maturity.sandbox.emulator.world import AccountStatus, Platform
from maturity.sandbox.emulator.worldfile import check_world, parse_world, world_to_json

pytestmark = pytest.mark.integration
END = datetime(2026, 11, 2, tzinfo=UTC)
START = END - timedelta(days=60)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(10, 5, START, END, fediverse=0.6)


@pytest.fixture(scope="module")
def emu(world: World) -> Iterator[Emulator]:
    with Emulator(world, limits=GENEROUS) as emulator:
        yield emulator


def handles(world: World, platform: str) -> list[tuple[str, str]]:
    """``(registry handle, status)`` of every account of ``platform``."""
    data = registry_data(world)
    out = []
    for org, entry in zip(world.organisations, data["organisations"], strict=True):
        for acc, reg in zip(org.accounts, entry["accounts"], strict=True):
            if reg["platform"] == platform:
                out.append((reg["handle"], acc.status.value))
    return out


def test_the_share_leaves_x_and_reddit_byte_identical(world: World) -> None:
    plain = generate_world(10, 5, START, END)
    assert generate_world(10, 5, START, END, fediverse=0.0) == plain
    stripped = World(
        seed=world.seed,
        start=world.start,
        end=world.end,
        subreddits=world.subreddits,
        organisations=tuple(
            type(o)(
                id=o.id,
                name=o.name,
                kind=o.kind,
                phase=o.phase,
                website=o.website,
                accounts=tuple(
                    a for a in o.accounts if a.platform in (Platform.X, Platform.REDDIT)
                ),
            )
            for o in world.organisations
        ),
    )
    assert world_to_json(stripped) == world_to_json(plain)
    mirrored = [o for o in world.organisations if any(a.platform == "mastodon" for a in o.accounts)]
    assert 0 < len(mirrored) < len(world.organisations)
    with pytest.raises(ValueError, match="between 0 and 1"):
        generate_world(2, 5, START, END, fediverse=1.5)


def test_a_fediverse_world_round_trips_through_a_world_file(world: World) -> None:
    again = parse_world(json.loads(world_to_json(world)))
    assert again == world
    assert check_world(again) == []


def test_mastodon_lookup_statuses_and_context(world: World, emu: Emulator) -> None:
    handle, _ = next(h for h in handles(world, "mastodon") if h[1] == "active")
    base = emu.mastodon_base_url
    account = requests.get(f"{base}/api/v1/accounts/lookup", params={"acct": handle}, timeout=5)
    assert account.status_code == 200
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
        account.headers
    )
    assert account.headers["X-RateLimit-Reset"].endswith("Z")  # an ISO 8601 time
    data = account.json()
    assert data["acct"] == handle.split("@")[0]
    assert data["url"].startswith("https://")
    assert isinstance(data["fields"], list)
    assert data["created_at"].endswith("Z")
    url = f"{base}/api/v1/accounts/{data['id']}/statuses"
    first = requests.get(url, params={"limit": 5}, timeout=5).json()
    assert 0 < len(first) <= 5
    ids = [int(s["id"]) for s in first]
    assert ids == sorted(ids, reverse=True)  # newest first
    after = requests.get(url, params={"limit": 5, "max_id": first[-1]["id"]}, timeout=5).json()
    assert all(int(s["id"]) < ids[-1] for s in after)
    replied = next((s for s in first + after if s["replies_count"] and not s["reblog"]), None)
    if replied is not None:
        context = requests.get(f"{base}/api/v1/statuses/{replied['id']}/context", timeout=5)
        descendants = context.json()["descendants"]
        assert descendants
        assert descendants[0]["in_reply_to_id"] == replied["id"]


def test_mastodon_unknown_suspended_and_token_only_routes(world: World, emu: Emulator) -> None:
    base = emu.mastodon_base_url
    unknown = requests.get(
        f"{base}/api/v1/accounts/lookup", params={"acct": f"nobody@{MASTODON_DOMAIN}"}, timeout=5
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "Record not found"}
    assert requests.get(f"{base}/api/v1/notifications", timeout=5).status_code == 401
    handle, _ = handles(world, "mastodon")[0]
    mine = requests.get(
        f"{base}/api/v1/notifications",
        params={"types[]": "mention"},
        headers={"Authorization": f"Bearer {emu.mastodon_token(handle)}"},
        timeout=5,
    )
    assert mine.status_code == 200
    assert all(n["type"] == "mention" and n["status"]["id"] == n["id"] for n in mine.json())


def test_bluesky_profile_feed_paging_and_thread(world: World, emu: Emulator) -> None:
    handle, _ = next(h for h in handles(world, "bluesky") if h[1] == "active")
    xrpc = f"{emu.bluesky_base_url}/xrpc"
    profile = requests.get(f"{xrpc}/app.bsky.actor.getProfile", params={"actor": handle}, timeout=5)
    assert profile.status_code == 200
    assert {"ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= set(profile.headers)
    did = profile.json()["did"]
    assert did.startswith("did:plc:")
    assert profile.json()["handle"] == handle
    first = requests.get(
        f"{xrpc}/app.bsky.feed.getAuthorFeed", params={"actor": did, "limit": 3}, timeout=5
    ).json()
    assert len(first["feed"]) <= 3
    assert first.get("cursor")
    second = requests.get(
        f"{xrpc}/app.bsky.feed.getAuthorFeed",
        params={"actor": did, "limit": 3, "cursor": first["cursor"]},
        timeout=5,
    ).json()
    seen = {e["post"]["uri"] for e in first["feed"] if "reason" not in e}
    assert not seen & {e["post"]["uri"] for e in second["feed"] if "reason" not in e}
    post = first["feed"][0]["post"]
    thread = requests.get(
        f"{xrpc}/app.bsky.feed.getPostThread", params={"uri": post["uri"]}, timeout=5
    ).json()["thread"]
    assert thread["$type"] == "app.bsky.feed.defs#threadViewPost"
    assert thread["post"]["uri"] == post["uri"]
    assert len(thread.get("replies", [])) == post["replyCount"]


def test_bluesky_errors_name_the_actor_state(world: World, emu: Emulator) -> None:
    xrpc = f"{emu.bluesky_base_url}/xrpc"
    unknown = requests.get(
        f"{xrpc}/app.bsky.actor.getProfile", params={"actor": "nobody.bsky.social"}, timeout=5
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "InvalidRequest"
    gone = requests.get(
        f"{xrpc}/app.bsky.feed.getPostThread",
        params={"uri": "at://did:plc:nobody/app.bsky.feed.post/3aaaaaaaaaaaa"},
        timeout=5,
    )
    assert gone.status_code == 400
    assert gone.json()["error"] == "NotFound"
    suspended = [h for h, s in handles(world, "bluesky") if s == AccountStatus.SUSPENDED]
    for handle in suspended:
        resp = requests.get(
            f"{xrpc}/app.bsky.actor.getProfile", params={"actor": handle}, timeout=5
        )
        assert resp.json()["error"] == "AccountTakedown"

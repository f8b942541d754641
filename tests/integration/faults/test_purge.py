"""Content that went away on the platform: an account that became protected, a post that was
deleted. The next collection purges it from the warehouse and from the landed pages (issue 10,
item 10; docs/security.md, "Content the platform no longer serves")."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from maturity.evidence import Window
from maturity.sandbox import faultrun as fr
from maturity.sandbox.emulator import GENEROUS, AccountStatus, Emulator, World

pytestmark = pytest.mark.integration

HANDLE = "gemkleinvoorbee"
ORG = "gemeente-klein-voorbeeldoord"


def _protected(world: World, handle: str, status: AccountStatus = AccountStatus.PROTECTED) -> World:
    orgs = tuple(
        dataclasses.replace(
            o,
            accounts=tuple(
                dataclasses.replace(a, status=status) if a.handle == handle else a
                for a in o.accounts
            ),
        )
        for o in world.organisations
    )
    return dataclasses.replace(world, organisations=orgs)


def _posts_of(url: str, handle: str) -> list[tuple[object, ...]]:
    """The account's post rows: (platform, post_id, org_id, handle, created_at, ...)."""
    return [r for r in fr.dump(url, ("post",))["post"] if r[3] == handle]


def _landed_tweet_ids(home: fr.Home, handle: str) -> set[str]:
    """Every tweet id in the account's landed timeline pages (every window)."""
    found: set[str] = set()
    for page in (home.root / "landing" / "x").glob(f"*/{handle}/*/users_tweets/*.json"):
        if page.name.endswith(".meta.json"):
            continue
        found |= {str(t["id"]) for t in json.loads(page.read_bytes()).get("data") or []}
    return found


def test_an_account_that_became_protected_is_purged_on_the_next_collection(
    world: World, win: Window, tmp_path: Path
) -> None:
    home = fr.Home(tmp_path / "home", world)
    orgs = [ORG, "gemeente-groot-klompenloo"]  # the account's and one other
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), orgs, win).values())
    assert _posts_of(home.warehouse_url, HANDLE), "the account had posts"
    assert _landed_tweet_ids(home, HANDLE), "and they were landed"
    later = _protected(world, HANDLE)
    with Emulator(later, limits=GENEROUS) as emu:
        settings = home.settings(emu)
        collected = fr.collect(settings, orgs, win)
        assert not any(fr.load_and_score(settings, orgs, win).values())
    assert collected["done"][f"x:{HANDLE}"]["status"] == "protected", "the collection saw it"
    assert "protected" in collected["done"][f"x:{HANDLE}"]["purged"]
    assert _posts_of(home.warehouse_url, HANDLE) == []
    assert _landed_tweet_ids(home, HANDLE) == set(), "the landed pages hold none of its posts"
    snapshots = [r for r in fr.dump(home.warehouse_url, ("account_snapshot",))["account_snapshot"]]
    assert any(HANDLE in r and "protected" in r for r in snapshots), "the latest status is kept"
    # the other accounts keep everything
    others = [r for r in fr.dump(home.warehouse_url, ("post",))["post"] if r[3] != HANDLE]
    assert others


def test_a_deleted_post_is_purged_on_the_next_collection(
    world: World, win: Window, tmp_path: Path
) -> None:
    home = fr.Home(tmp_path / "home", world)
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
        posts = _posts_of(home.warehouse_url, HANDLE)
        # the account's newest post in the window: the next collection of the window asks
        # again from the saved cursor minus the overlap, so it reads this post's time again
        # (a deletion is seen only where the timeline is read again; docs/security.md)
        newest = max(posts, key=lambda r: str(r[4]))
        gone = int(str(newest[1]))
        # from the collector's side a deleted post is one its timeline no longer serves
        emu.index_late(gone)
        assert not any(fr.run_pipeline(home.settings(emu), home.org_ids, win).values())
    left = {r[1] for r in _posts_of(home.warehouse_url, HANDLE)}
    assert str(gone) not in left
    assert left == {r[1] for r in posts} - {str(gone)}, "the other posts stay"
    assert str(gone) not in _landed_tweet_ids(home, HANDLE)


def test_a_reddit_account_that_was_suspended_is_purged_on_the_next_collection(
    world: World, win: Window, tmp_path: Path
) -> None:
    handle = "Gemeentekleinknikker"
    home = fr.Home(tmp_path / "home", world)
    (org,) = [o.id for o in world.organisations if any(a.handle == handle for a in o.accounts)]
    with Emulator(world, limits=GENEROUS) as emu:
        assert not any(fr.run_pipeline(home.settings(emu), [org], win).values())
    assert _posts_of(home.warehouse_url, handle), "the account had posts"
    later = _protected(world, handle, AccountStatus.SUSPENDED)
    with Emulator(later, limits=GENEROUS) as emu:
        settings = home.settings(emu)
        collected = fr.collect(settings, [org], win)
        assert not any(fr.load_and_score(settings, [org], win).values())
    summary = collected["done"][f"reddit:{handle}"]
    assert summary["status"] == "suspended"
    assert "suspended" in summary["purged"]
    assert _posts_of(home.warehouse_url, handle) == []
    landed = home.root / "landing" / "reddit"
    pages = [
        p
        for p in landed.glob(f"*/{handle}/*/user_submitted/*.json")
        if not p.name.endswith(".meta.json")
    ]
    assert pages, "the first collection landed its submissions"
    for page in pages:
        assert json.loads(page.read_bytes())["data"]["children"] == [], page
